import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateRegistry } from '../../analyzer/registry/download.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { RIPE_EXTENDED } from '../analyzer/registry/fixtures.js';

/** `registry update`'s quarantine: a mirror on 127.0.0.1 serves a good file, then bad ones. */
const NAME = 'delegated-ripencc-extended-latest';
const md5 = (s: string) => createHash('md5').update(s).digest('hex');
let body = RIPE_EXTENDED;
let server: Server;
let baseUrl: string;
const cache = makeTmpDir('quarantine');
const today = () => new Date().toISOString().slice(0, 10);
const update = async () => (await updateRegistry({ cacheDir: cache, baseUrl, only: [NAME] }))[0];

beforeAll(async () => {
  server = createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '/').slice(1));
    if (name === `${NAME}.md5`) return void res.end(`MD5 (${NAME}) = ${md5(body)}\n`);
    if (name !== NAME) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': Buffer.byteLength(body) }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('registry update quarantines suspicious RIR downloads', () => {
  it('takes the first copy', async () => {
    expect((await update()).status).toBe('updated');
    expect(readFileSync(join(cache, NAME), 'utf8')).toBe(RIPE_EXTENDED);
  });

  it('keeps a much smaller file aside (< 90% of the records) and the last good copy in use', async () => {
    const lines = RIPE_EXTENDED.split('\n');
    const firstRecord = lines.findIndex((l) => /^ripencc\|[A-Z]{2}\|/.test(l));
    body = lines.slice(0, firstRecord + 1).join('\n'); // header, summaries, one record
    const r = await update();
    expect(r.status).toBe('failed');
    expect(r.quarantined).toBe(join(cache, `${NAME}.quarantine-${today()}`));
    expect(r.error).toMatch(/quarantined as .*: 1 records, fewer than 90% of the last good copy's \d+/);
    expect(readFileSync(r.quarantined!, 'utf8')).toBe(body);
    expect(readFileSync(join(cache, NAME), 'utf8')).toBe(RIPE_EXTENDED);
  });

  it('keeps a file dated before the last good copy aside', async () => {
    body = RIPE_EXTENDED.replace('|20190908|', '|20190901|');
    expect(body).not.toBe(RIPE_EXTENDED);
    const r = await update();
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/dated 2019-09-01, before the last good copy \(2019-09-08\)/);
    expect(existsSync(r.quarantined!)).toBe(true);
    expect(readFileSync(join(cache, NAME), 'utf8')).toBe(RIPE_EXTENDED);
  });

  it('takes a newer file of about the same size', async () => {
    body = RIPE_EXTENDED.replace('|20190908|', '|20190909|');
    const r = await update();
    expect(r.status).toBe('updated');
    expect(r.quarantined).toBeUndefined();
    expect(readFileSync(join(cache, NAME), 'utf8')).toBe(body);
  });
});
