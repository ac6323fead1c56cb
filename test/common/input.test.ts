import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { detectCompression, openInput } from '../../common/input.js';

async function readAll(source: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await openInput(source)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('openInput', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portolan-input-'));
  const payload = Buffer.from('hello portolan\n'.repeat(1000));

  it('reads plain files unchanged, including ones shorter than the magic window', async () => {
    writeFileSync(join(dir, 'plain'), payload);
    writeFileSync(join(dir, 'tiny'), 'x');
    writeFileSync(join(dir, 'empty'), '');
    expect(await readAll(join(dir, 'plain'))).toEqual(payload);
    expect((await readAll(join(dir, 'tiny'))).toString()).toBe('x');
    expect((await readAll(join(dir, 'empty'))).length).toBe(0);
  });

  it('recognises gzip by content, whatever the name, and concatenated members', async () => {
    writeFileSync(join(dir, 'no-extension'), Buffer.concat([gzipSync(payload), gzipSync(payload)]));
    expect(await readAll(join(dir, 'no-extension'))).toEqual(Buffer.concat([payload, payload]));
  });

  it('fails a truncated gzip with an error after delivering the decodable part', async () => {
    const gz = gzipSync(payload);
    writeFileSync(join(dir, 'cut.gz'), gz.subarray(0, gz.length - 10));
    await expect(readAll(join(dir, 'cut.gz'))).rejects.toThrow();
  });

  it('detects compression from magic numbers', () => {
    expect(detectCompression(Buffer.from([0x1f, 0x8b, 8]))).toBe('gzip');
    expect(detectCompression(Buffer.from('BZh9'))).toBe('bzip2');
    expect(detectCompression(Buffer.from([0, 0, 0]))).toBe('none');
  });
});
