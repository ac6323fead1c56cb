import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIDECAR_NAME, updateRegistry } from '../../../analyzer/registry/download.js';
import { loadRegistry } from '../../../analyzer/registry/index.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { AFRINIC_STANDARD, RIPE_EXTENDED } from './fixtures.js';

/** A tiny mirror on 127.0.0.1: files by name, conditional GET by ETag, switchable failures. */
interface Mirror {
  files: Map<string, string>;
  /** name → status to answer instead of the file */
  fail: Map<string, number>;
  /** name → md5 text to publish instead of the right one */
  badMd5: Map<string, string>;
  requests: Array<{ path: string; ifNoneMatch?: string }>;
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

function handler(m: Mirror) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const name = decodeURIComponent((req.url ?? '/').slice(1));
    m.requests.push({ path: name, ifNoneMatch: req.headers['if-none-match'] as string | undefined });
    if (name.endsWith('.md5')) {
      const base = name.slice(0, -4);
      const body = m.files.get(base);
      if (body === undefined) return void res.writeHead(404).end();
      return void res.end(`MD5 (${base}) = ${m.badMd5.get(base) ?? md5(body)}\n`);
    }
    const status = m.fail.get(name);
    if (status) return void res.writeHead(status).end('server error');
    const body = m.files.get(name);
    if (body === undefined) return void res.writeHead(404).end('not found');
    const etag = `"${md5(body)}"`;
    if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { ETag: etag }).end();
    res.writeHead(200, { ETag: etag, 'Content-Length': Buffer.byteLength(body) }).end(body);
  };
}

describe('registry update against a local mirror', () => {
  const mirror: Mirror = { files: new Map(), fail: new Map(), badMd5: new Map(), requests: [] };
  let server: Server;
  let baseUrl: string;
  const cache = makeTmpDir('update');
  const ripe = 'delegated-ripencc-extended-latest';
  const afrinic = 'delegated-afrinic-extended-latest';
  const only = [ripe, afrinic, 'ipv4-address-space.csv', 'transfers-arin-latest.json'];

  beforeAll(async () => {
    server = createServer(handler(mirror));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    mirror.files.set(ripe, RIPE_EXTENDED);
    mirror.files.set(afrinic, AFRINIC_STANDARD);
    mirror.files.set('ipv4-address-space.csv', 'Prefix,Designation,Date,WHOIS,RDAP,Status [1],Note\n002/8,RIPE NCC,2009-09,whois.ripe.net,,ALLOCATED,\n');
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('downloads, checks the MD5, and the cache then loads', async () => {
    const results = await updateRegistry({ cacheDir: cache, baseUrl, only });
    expect(results.map((r) => [r.name, r.status, r.checksum])).toEqual([
      [afrinic, 'updated', 'ok'],
      [ripe, 'updated', 'ok'],
      ['ipv4-address-space.csv', 'updated', 'none'],
      ['transfers-arin-latest.json', 'failed', 'none'],
    ]);
    expect(results[3]).toMatchObject({ optional: true, error: 'HTTP 404 Not Found' });
    expect(readFileSync(join(cache, ripe), 'utf8')).toBe(RIPE_EXTENDED);
    const sidecar = JSON.parse(readFileSync(join(cache, SIDECAR_NAME), 'utf8'));
    expect(sidecar[ripe].etag).toBe(`"${md5(RIPE_EXTENDED)}"`);
    const index = await loadRegistry({ cacheDir: cache });
    expect(index.ip('2.0.0.1').rir).toBe('ripencc');
    expect(index.ip('2.0.0.1').iana?.rir).toBe('ripencc');
  });

  it('sends If-None-Match the second time and keeps the file on 304', async () => {
    mirror.requests.length = 0;
    const results = await updateRegistry({ cacheDir: cache, baseUrl, only: [ripe] });
    expect(results[0].status).toBe('unchanged');
    expect(mirror.requests.find((r) => r.path === ripe)?.ifNoneMatch).toBe(`"${md5(RIPE_EXTENDED)}"`);
    expect(readFileSync(join(cache, ripe), 'utf8')).toBe(RIPE_EXTENDED);
  });

  it('a checksum mismatch keeps the last good copy and leaves no temp file', async () => {
    mirror.files.set(ripe, RIPE_EXTENDED + '\nripencc|NL|ipv4|11.0.0.0|256|20200101|allocated|uuid-9');
    mirror.badMd5.set(ripe, '0123456789abcdef0123456789abcdef');
    const [r] = await updateRegistry({ cacheDir: cache, baseUrl, only: [ripe] });
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/MD5 mismatch/);
    expect(readFileSync(join(cache, ripe), 'utf8')).toBe(RIPE_EXTENDED);
    expect(readdirSync(cache).filter((f) => f.includes('.part-'))).toEqual([]);
    mirror.badMd5.clear();
    const [again] = await updateRegistry({ cacheDir: cache, baseUrl, only: [ripe] });
    expect(again.status).toBe('updated');
    expect(readFileSync(join(cache, ripe), 'utf8')).toContain('11.0.0.0');
  });

  it('an HTTP 500 keeps the last good copy', async () => {
    mirror.fail.set(afrinic, 500);
    const before = readFileSync(join(cache, afrinic), 'utf8');
    const [r] = await updateRegistry({ cacheDir: cache, baseUrl, only: [afrinic] });
    expect(r).toMatchObject({ status: 'failed', error: 'HTTP 500 Internal Server Error', optional: false });
    expect(readFileSync(join(cache, afrinic), 'utf8')).toBe(before);
    mirror.fail.clear();
  });

  it('a download that is not a delegated file never replaces the cached copy', async () => {
    mirror.files.set(afrinic, '<html>maintenance</html>\n');
    const [r] = await updateRegistry({ cacheDir: cache, baseUrl, only: [afrinic] });
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/not an RIR statistics file/);
    expect(readFileSync(join(cache, afrinic), 'utf8')).toBe(AFRINIC_STANDARD);
    expect(existsSync(join(cache, `${afrinic}.part-${process.pid}`))).toBe(false);
  });
});
