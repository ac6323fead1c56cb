import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore, type Store } from '../../analyzer/store/index.js';
import { writePortabilityIndex } from '../../analyzer/store/portability.js';
import type { PortabilityIndex } from '../../analyzer/models/accounting.js';
import { createDashboardServer, type DashboardServer } from '../../dashboard/server/index.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { BASE_ROUTES, indexOfDay, reduceMatrix, writeIndexWorld } from './index-fixture.js';
import { fetchBody } from '../helpers/http.js';

const DAY1 = '2024-03-01';
const DAY2 = '2024-03-02';

let store: Store;
let server: DashboardServer;
let day1: PortabilityIndex;
let day2: PortabilityIndex;
let day2Stale: PortabilityIndex;

const get = (path: string, init?: RequestInit) => fetchBody(server.url + path, init);

/** The matrix response as a Map like reduceMatrix's. */
const cellsOf = (body: any): Map<string, number> => new Map(body.cells.map((c: any) => [`${c.rir}/${c.region}`, c.addresses]));

beforeAll(async () => {
  const dir = makeTmpDir('dash-index-api');
  const world = await writeIndexWorld(dir);
  day1 = indexOfDay(world, DAY1, BASE_ROUTES);
  // Day two: 41.2.0.0/16 (AFRINIC, SC holder) starts being announced, used in SG.
  day2 = indexOfDay(world, DAY2, [...BASE_ROUTES, ['41.2.0.0/16', 4134]]);
  // An earlier build of day two (the table without the new route): a rebuild must replace it.
  day2Stale = indexOfDay(world, DAY2, BASE_ROUTES);
  store = await openStore({ db: join(dir, 'db') });
  await store.migrate();
  const t = Date.UTC(2024, 2, 3, 1, 0, 0);
  await writePortabilityIndex(store.client, day1, t);
  await writePortabilityIndex(store.client, day2Stale, t + 1000);
  await writePortabilityIndex(store.client, day2, t + 2000);
  server = await createDashboardServer({ store, port: 0, host: '127.0.0.1', webRoot: join(dir, 'no-web'), compactEveryMs: 0 });
});

afterAll(async () => {
  await server?.close();
  await store?.close();
});

describe('index-backed matrix, map and country pages', () => {
  it('matrix cells are the sums of the day\'s flows (latest day by default)', async () => {
    const r = await get('/api/matrix');
    expect(r.status).toBe(200);
    expect(r.body.date).toBe(DAY2);
    expect(cellsOf(r.body)).toEqual(reduceMatrix(day2));
    expect(r.body.snapshot_at).toBe('2024-03-02T23:00:00.000Z');
    expect(r.body.filters).toEqual({ ipv4_length: [0, 24], ipv6_length: [16, 48], min_peers: 2, exclude_special_purpose: true });
    expect(r.body.registry.map((f: any) => f.date)).toEqual(Array(5).fill('2024-02-29'));
    expect(r.body.geo).toMatchObject({ build_date: '2024-02-01' });
    expect(r.body.dates).toEqual([DAY2, DAY1]);
  });

  it('does not inflate the matrix with the default route or overlapping prefixes', async () => {
    const r = await get(`/api/matrix?date=${DAY1}`);
    const cells = cellsOf(r.body);
    // Ten routed /16-or-smaller prefixes, but only seven /16s of distinct space; 0.0.0.0/0 is special-purpose.
    const total = [...cells.values()].reduce((a, b) => a + b, 0);
    expect(total).toBe(7 * 65536);
    expect(total).toBe(day1.ipv4.afrinic.routed + day1.ipv4.apnic.routed + day1.ipv4.arin.routed + day1.ipv4.lacnic.routed + day1.ipv4.ripencc.routed + day1.ipv4.unregistered.routed);
    // 41.0.0.0/16 with its /17 and /24 inside counts 65536 once; 41.1.128.0/17 is used in SC.
    expect(cells.get('afrinic/afrinic')).toBe(65536 + 32768);
    expect(cells.get('afrinic/apnic')).toBe(32768);
    expect(cells.get('lacnic/unknown')).toBe(32768); // 200.0.128.0/17: not placed (ZZ)
    expect(cells.get('unknown/ripencc')).toBe(65536); // undelegated 5.0.0.0/16, used in DE
    expect(day1.params.prefixes_seen.ipv4.special_purpose).toBe(1);
  });

  it('?date= selects the other day, and the latest build of a day wins', async () => {
    const one = await get(`/api/matrix?date=${DAY1}`);
    expect(one.body.date).toBe(DAY1);
    expect(cellsOf(one.body)).toEqual(reduceMatrix(day1));
    const two = await get(`/api/matrix?date=${DAY2}`);
    expect(cellsOf(two.body)).toEqual(reduceMatrix(day2));
    expect(cellsOf(two.body)).not.toEqual(reduceMatrix(day2Stale));
    expect(cellsOf(two.body).get('afrinic/apnic')).toBe(32768 + 65536);
    expect(two.body.computed_at).toBe('2024-03-03 01:00:02.000');
    expect((await get('/api/matrix?date=2024-02-30')).status).toBe(400);
    const missing = await get('/api/matrix?date=2023-01-01');
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain(DAY2);
    expect((await get('/api/matrix?from=24h')).status).toBe(400);
    const csv = await get(`/api/matrix?date=${DAY1}&format=csv`);
    expect(csv.text.split('\r\n')[0]).toBe('rir,region,addresses');
  });

  it('a cell drill-down carries the accounted figure beside its prefix list', async () => {
    const r = await get(`/api/matrix/cell?rir=afrinic&region=apnic&date=${DAY1}`);
    expect(r.status).toBe(200);
    expect(r.body.accounted).toMatchObject({ addresses: 32768, countries: [{ country: 'HK', addresses: 32768 }] });
    expect(r.body.prefixes_note).toMatch(/each prefix's size/);
    expect(r.body.prefixes).toEqual([]); // no per-prefix classifications stored in this test
  });

  it('maps both directions per country from the flows', async () => {
    const here = await get(`/api/map?view=used-here&date=${DAY2}`);
    expect(here.body.date).toBe(DAY2);
    const byCc = (rows: any[]) => Object.fromEntries(rows.map((c) => [c.cc, c.addresses]));
    // HK: AFRINIC 41.1.0.0/17 and RIPE NCC 185.0.0.0/16; SG: AFRINIC 41.2.0.0/16; DE's space is undelegated (no RIR).
    expect(byCc(here.body.countries)).toEqual({ HK: 32768 + 65536, SG: 65536 });
    const abroad = await get(`/api/map?view=used-abroad&date=${DAY1}`);
    expect(byCc(abroad.body.countries)).toEqual({ NL: 65536, SC: 32768 });
    // Independent reduction: used-abroad per registered cc from the flows.
    const expected: Record<string, number> = {};
    for (const f of day1.flows) if (f.family === 4 && f.rir !== 'unregistered' && f.usage_region && f.country !== 'ZZ' && f.usage_region !== f.rir) expected[f.registered_cc] = (expected[f.registered_cc] ?? 0) + f.addresses;
    expect(byCc(abroad.body.countries)).toEqual(expected);
  });

  it('country pages give the country\'s space by registering RIR', async () => {
    const hk = await get(`/api/country/HK?date=${DAY1}`);
    expect(hk.status).toBe(200);
    expect(hk.body.date).toBe(DAY1);
    expect(hk.body.usedHereByRir).toEqual([
      { rir: 'ripencc', addresses: 65536, out_of_region: 65536 },
      { rir: 'afrinic', addresses: 32768, out_of_region: 32768 },
    ]);
    const sc = await get(`/api/country/SC?date=${DAY2}`);
    expect(sc.body.registeredHereUsedIn).toEqual([
      { country: 'SG', region: 'apnic', addresses: 65536, out_of_region: 65536 },
      { country: 'HK', region: 'apnic', addresses: 32768, out_of_region: 32768 },
    ]);
    expect(sc.body.totals).toEqual({ used_here: 32768, used_here_other_rir: 0, registered_here: 2 * 65536, registered_here_used_abroad: 32768 + 65536 });
  });
});

describe('index endpoints', () => {
  it('serves the stored series with the latest day\'s params', async () => {
    const all = await get('/api/index');
    expect(all.status).toBe(200);
    expect(all.body.rows).toHaveLength(2 * 2 * 6);
    expect(all.body.date).toBe(DAY2);
    expect(all.body.params.source).toMatchObject({ kind: 'files', files: ['bview.20240302.2300.gz'] });
    expect(all.body.filters.min_peers).toBe(2);
    const v4 = await get(`/api/index?family=4&from=${DAY2}`);
    expect(v4.body.rows).toHaveLength(6);
    const afr = v4.body.rows.find((r: any) => r.rir === 'afrinic');
    expect(afr).toMatchObject({ date: DAY2, family: 4, routed: day2.ipv4.afrinic.routed, out_of_region: day2.ipv4.afrinic.out_of_region, share_out: day2.ipv4.afrinic.share_out });
    expect(afr.computed_at).toBe('2024-03-03 01:00:02.000');
    expect((await get(`/api/index?from=${DAY2}&to=${DAY1}`)).status).toBe(400);
    expect((await get('/api/index?family=5')).status).toBe(400);
    expect((await get('/api/index?format=csv')).text.split('\r\n')[0]).toContain('share_out');
  });

  it('lists the stored days and serves one day whole', async () => {
    expect((await get('/api/index/dates')).body.dates).toEqual([DAY2, DAY1]);
    const one = await get(`/api/index/${DAY1}`);
    expect(one.status).toBe(200);
    expect(one.body.date).toBe(DAY1);
    expect(one.body.ipv4.afrinic).toMatchObject({ routed: day1.ipv4.afrinic.routed, top_holders: day1.ipv4.afrinic.top_holders, top_countries: day1.ipv4.afrinic.top_countries });
    expect(one.body.flows).toHaveLength(day1.flows.length);
    expect((await get('/api/index/2020-01-01')).status).toBe(404);
    expect((await get('/api/index/yesterday')).status).toBe(400);
    expect((await get('/api/matrix?date=2024-02-30')).status).toBe(400);
  });
});
