/**
 * `registry update` keeps RIPE NCC's AS-name list (asn.txt) in the cache like the registry
 * files: a mirror on 127.0.0.1 serves it; a cut or HTML copy never replaces the last good one;
 * commands then show the names without `--as-names`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateRegistry } from '../../../analyzer/registry/download.js';
import { archiveDirOf } from '../../../analyzer/registry/archive.js';
import { remoteSources } from '../../../analyzer/registry/file-locations.js';
import { AS_NAMES_CACHE_FILE, AS_NAMES_URL, resolveAsNames } from '../../../analyzer/asnames/index.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { runCli } from '../../helpers/cli.js';
import { writeFixture } from '../classify/fixture.js';

const LIST = [
  '1 LVLT-1 - Level 3 Parent, LLC, US',
  '3333 RIPE-NCC-AS Reseaux IP Europeens Network Coordination Centre (RIPE NCC), NL',
  '4134 CHINANET-BACKBONE No.31,Jin-rong Street, CN',
  '37100 SEACOM-AS, MU',
  '15169 GOOGLE, US',
  '13335 CLOUDFLARENET, US',
  '174 COGENT-174, US',
  '2914 NTT-LTD-2914, US',
  '6939 HURRICANE, US',
  '7018 ATT-INTERNET4, US',
].join('\n') + '\n';

let body = LIST;
let status = 200;
let server: Server;
let baseUrl: string;
const cache = makeTmpDir('asn-update');
const today = () => new Date().toISOString().slice(0, 10);
const update = async () => (await updateRegistry({ cacheDir: cache, baseUrl, only: [AS_NAMES_CACHE_FILE] }))[0];

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url !== `/${AS_NAMES_CACHE_FILE}`) return void res.writeHead(404).end();
    res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('registry update downloads the AS-name list', () => {
  it('is one of the files it fetches, from RIPE NCC, optional', () => {
    const s = remoteSources().find((x) => x.name === AS_NAMES_CACHE_FILE);
    expect(s).toMatchObject({ url: AS_NAMES_URL, kind: 'as-names', optional: true });
  });

  it('puts it in the cache and a dated copy in the archive; names then resolve from the cache', async () => {
    const r = await update();
    expect(r).toMatchObject({ status: 'updated', bytes: Buffer.byteLength(LIST) });
    expect(readFileSync(join(cache, AS_NAMES_CACHE_FILE), 'utf8')).toBe(LIST);
    expect(readdirSync(join(archiveDirOf(cache), today()))).toContain('asn.txt.gz');
    const names = resolveAsNames({ cacheDir: cache });
    expect(names?.get(37100)).toEqual({ asn: 37100, name: 'SEACOM-AS', cc: 'MU' });
    expect(names?.size).toBe(10);
  });

  it('quarantines a list with far fewer names and keeps the last good copy', async () => {
    body = LIST.split('\n').slice(0, 3).join('\n') + '\n';
    const r = await update();
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/3 AS names, fewer than 90% of the last good copy's 10/);
    expect(existsSync(r.quarantined!)).toBe(true);
    expect(readFileSync(join(cache, AS_NAMES_CACHE_FILE), 'utf8')).toBe(LIST);
  });

  it('refuses an HTML page and an HTTP error, keeping the last good copy', async () => {
    body = '<!doctype html><html><body>maintenance</body></html>\n';
    const html = await update();
    expect(html).toMatchObject({ status: 'failed', optional: true });
    expect(html.error).toMatch(/no names/);
    status = 503;
    body = LIST;
    expect((await update()).error).toMatch(/HTTP 503/);
    status = 200;
    expect(readFileSync(join(cache, AS_NAMES_CACHE_FILE), 'utf8')).toBe(LIST);
  });

  it('a longer list replaces it; a second copy the same day is archived as a revision', async () => {
    body = LIST + '64496 EXAMPLE-DOC-AS, ZZ\n';
    expect((await update()).status).toBe('updated');
    expect(resolveAsNames({ cacheDir: cache })?.get(64496)).toEqual({ asn: 64496, name: 'EXAMPLE-DOC-AS', cc: null });
    expect(readdirSync(join(archiveDirOf(cache), today()))).toEqual(expect.arrayContaining(['asn.txt.gz', 'asn.txt.r2.gz']));
  });

  it('the CLI: registry update --only asn.txt, then lookup shows the names from the cache', async () => {
    const dir = makeTmpDir('asn-update-cli');
    const cli = join(dir, 'cache');
    body = LIST;
    const up = await runCli(['registry', 'update', '--cache-dir', cli, '--base-url', baseUrl, '--only', AS_NAMES_CACHE_FILE, '--log-level', 'error']);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/asn\.txt/);
    const mmdb = writeFixture(dir).mmdb;
    const look = await runCli(['lookup', '--rir-dir', dir, '--cache-dir', cli, '--geo', mmdb, '--log-level', 'error', '--json', 'AS4134']);
    expect(look.code, look.stderr).toBe(0);
    expect(JSON.parse(look.stdout)).toMatchObject({ resource: 'AS4134', as_name: 'CHINANET-BACKBONE No.31,Jin-rong Street', as_cc: 'CN' });
  }, 60_000);
});
