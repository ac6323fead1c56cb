import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { detectCompression, isInputReadFailure, openInput } from '../../common/input.js';
import { readMrtElems } from '../../collector/mrt/index.js';
import { fileServer } from '../helpers/http.js';
import { bgp4mpMessage, nextHop, origin, asPath, prefix, update } from '../helpers/mrt-encoder.js';

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

  it('a truncated file fails as its content does (unmarked); the network failing is marked as a read failure, naming the input', async () => {
    const gz = gzipSync(payload);
    writeFileSync(join(dir, 'cut2.gz'), gz.subarray(0, gz.length - 10));
    const truncated = await readAll(join(dir, 'cut2.gz')).catch((err: unknown) => err);
    expect(truncated).toBeInstanceOf(Error);
    expect(isInputReadFailure(truncated)).toBe(false);

    const refused = await readAll('http://127.0.0.1:1/x.gz').catch((err: unknown) => err);
    expect(isInputReadFailure(refused)).toBe(true);
    expect((refused as Error).message).toMatch(/^GET http:\/\/127\.0\.0\.1:1\/x\.gz failed: /);
    const server = await fileServer(dir, { ranges: true });
    try {
      const missing = await readAll(`${server.base}/absent`).catch((err: unknown) => err);
      expect(isInputReadFailure(missing)).toBe(true);
      expect((missing as Error).message).toBe(`GET ${server.base}/absent failed: HTTP 404`);
      server.cutBodies(true);
      const dropped = await readAll(`${server.base}/no-extension`).catch((err: unknown) => err);
      expect(isInputReadFailure(dropped)).toBe(true);
      expect((dropped as Error).message).toMatch(new RegExp(`^reading ${server.base}/no-extension failed \\(`));
    } finally {
      await server.close();
    }
  });

  it('a GET whose connection is reset before any answer (a kept-alive one the server closed) is asked again once, on a new connection', async () => {
    writeFileSync(join(dir, 'plain.txt'), payload);
    for (const resets of [1, 2]) {
      const server = await fileServer(dir, { ranges: false, resets });
      try {
        const got = await readAll(`${server.base}/plain.txt`).catch((err: unknown) => err);
        if (resets === 1) expect(got).toEqual(payload);
        else {
          // Twice: the server's failure, reported as a read failure of the input.
          expect(isInputReadFailure(got)).toBe(true);
          expect((got as Error).message).toMatch(new RegExp(`^GET ${server.base}/plain.txt failed: `));
        }
        expect(server.requests()).toBe(2);
      } finally {
        await server.close();
      }
    }
  });

  it('an MRT reader whose input is lost half way gives the complete records, then the read failure (not a truncation warning)', async () => {
    const peer = { peerAsn: 64501, localAsn: 12654, peerIp: '192.0.2.1', localIp: '192.0.2.254' };
    const records = Array.from({ length: 400 }, (_, i) => bgp4mpMessage(peer, update({ attrs: [origin(0), asPath([{ type: 2, asns: [64501, 3333] }]), nextHop(peer.peerIp)], nlri: [prefix(`10.${i >> 8}.${i & 255}.0/24`)] }), 4, { seconds: 1_700_000_000 + i }));
    writeFileSync(join(dir, 'updates.mrt'), Buffer.concat(records));
    const server = await fileServer(dir, { ranges: true });
    server.cutBodies(true);
    let read = 0;
    try {
      const failure = await (async () => {
        for await (const _ of readMrtElems(`${server.base}/updates.mrt`)) read++;
      })().catch((err: unknown) => err);
      expect(isInputReadFailure(failure)).toBe(true);
      expect((failure as Error).message).toMatch(/ after \d+ bytes of its content: its end is missing$/);
      expect(read).toBeGreaterThan(100);
      expect(read).toBeLessThan(400);
    } finally {
      await server.close();
    }
  });

  it('detects compression from magic numbers', () => {
    expect(detectCompression(Buffer.from([0x1f, 0x8b, 8]))).toBe('gzip');
    expect(detectCompression(Buffer.from('BZh9'))).toBe('bzip2');
    expect(detectCompression(Buffer.from([0, 0, 0]))).toBe('none');
  });
});
