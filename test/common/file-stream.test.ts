import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { fileStream } from '../../common/file-stream.js';
import { expectSameBytes } from '../helpers/bytes.js';

const dir = mkdtempSync(join(tmpdir(), 'portolan-file-stream-'));
const openFds = () => readdirSync('/proc/self/fd').length;

async function chunksOf(stream: Readable): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return chunks;
}

describe('fileStream', () => {
  it('delivers every byte in chunks of at most the chunk size, then closes the file', async () => {
    const bytes = randomBytes(2.5 * 4096);
    const file = join(dir, 'bytes');
    writeFileSync(file, bytes);
    const stream = fileStream(file, 4096);
    const chunks = await chunksOf(stream);
    expectSameBytes(Buffer.concat(chunks), bytes);
    expect(chunks.map((c) => c.length)).toEqual([4096, 4096, 2048]);
    if (!stream.closed) await once(stream, 'close');
    expect(stream.closed).toBe(true);
  });

  it('allocates for each read no more than the file has left, at least 64 KiB: a small file does not take a whole chunk', async () => {
    const KIB = 1024;
    const small = join(dir, 'small');
    writeFileSync(small, randomBytes(100 * KIB));
    const [only] = await chunksOf(fileStream(small, 1024 * KIB));
    expect(only.length).toBe(100 * KIB);
    expect(only.buffer.byteLength).toBeLessThan(1024 * KIB);
    const large = join(dir, 'larger');
    const bytes = randomBytes(2 * 256 * KIB + 10 * KIB);
    writeFileSync(large, bytes);
    const chunks = await chunksOf(fileStream(large, 256 * KIB));
    expectSameBytes(Buffer.concat(chunks), bytes);
    expect(chunks.map((c) => [c.length, c.buffer.byteLength])).toEqual([
      [256 * KIB, 256 * KIB],
      [256 * KIB, 256 * KIB],
      [10 * KIB, 64 * KIB],
    ]);
  });

  it('reads what a file gained after it was opened', async () => {
    const growing = join(dir, 'growing');
    writeFileSync(growing, Buffer.alloc(1000, 1));
    const stream = fileStream(growing, 4096);
    writeFileSync(growing, Buffer.alloc(200 * 1024, 2), { flag: 'a' });
    expect(Buffer.concat(await chunksOf(stream)).length).toBe(1000 + 200 * 1024);
  });

  it('reads an empty file as no chunks', async () => {
    writeFileSync(join(dir, 'empty'), '');
    expect(await chunksOf(fileStream(join(dir, 'empty'), 4096))).toEqual([]);
  });

  it('throws at once, with fs’s message, for a file that cannot be opened', () => {
    expect(() => fileStream(join(dir, 'absent'), 4096)).toThrow(/ENOENT: no such file or directory, open '.*absent'/);
  });

  it('fails the stream when a read fails (a directory)', async () => {
    mkdirSync(join(dir, 'a-directory'));
    await expect(chunksOf(fileStream(join(dir, 'a-directory'), 4096))).rejects.toThrow(/EISDIR/);
  });

  // Linux: the open descriptors are listed in /proc/self/fd.
  it.skipIf(!existsSync('/proc/self/fd'))('closes its file when destroyed, also with a read in flight', async () => {
    const file = join(dir, 'large');
    writeFileSync(file, randomBytes(1 << 20));
    const before = openFds();
    for (let i = 0; i < 20; i++) {
      const stream = fileStream(file, 4096);
      stream.resume(); // starts a read; the destroy below lands while it is in flight or just after
      stream.destroy();
      await once(stream, 'close');
    }
    expect(openFds()).toBe(before);
  });
});
