import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore, type Store } from '../../analyzer/store/index.js';
import { writeChangeRouting, writeDiffFiles, writeRegistryChanges } from '../../analyzer/registry/changes-store.js';
import { countedPairs } from '../../dashboard/server/registry-change-queries.js';
import { createDashboardServer, type DashboardServer } from '../../dashboard/server/index.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { change, DIFF_2023, DIFF_2024 } from './registry-changes-fixture.js';
import { fetchBody } from '../helpers/http.js';

let store: Store;
let server: DashboardServer;

const get = (path: string, init?: RequestInit) => fetchBody(server.url + path, init);

beforeAll(async () => {
  const dir = makeTmpDir('dash-registry-changes');
  store = await openStore({ db: join(dir, 'db') });
  await store.migrate();
  server = await createDashboardServer({ store, port: 0, host: '127.0.0.1', webRoot: join(dir, 'no-web'), compactEveryMs: 0, cacheTtlMs: 0 });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await store?.close();
});

describe('before any diff is stored', () => {
  it('an empty store says what to run', async () => {
    const r = await get('/api/registry-changes');
    expect(r.status).toBe(200);
    expect(r.body.rows).toEqual([]);
    expect(r.body.stored_events).toBe(0);
    expect(r.body.note).toMatch(/portolan registry diff --store/);
    const f = await get('/api/registry-changes/flows');
    expect(f.body.years).toEqual([]);
    expect(f.body.note).toMatch(/portolan registry diff --store/);
  });
});

describe('GET /api/registry-changes', () => {
  beforeAll(async () => {
    const t = Date.UTC(2024, 0, 6);
    // A first run of the 2023 pair, then a re-run with the same events: FINAL keeps one row per event.
    await writeRegistryChanges(store.client, '2022-12-01', '2023-01-05', DIFF_2023, t);
    await writeRegistryChanges(store.client, '2022-12-01', '2023-01-05', DIFF_2023, t + 1000);
    await writeRegistryChanges(store.client, '2023-01-05', '2024-01-05', DIFF_2024, t + 2000);
  });

  it('lists the events newest snapshot first (then largest), each once, with the prefix page of its first CIDR', async () => {
    const r = await get('/api/registry-changes');
    expect(r.status).toBe(200);
    expect(r.body.stored_events).toBe(DIFF_2023.length + DIFF_2024.length);
    expect(r.body.note).toBeNull();
    const rows = r.body.rows;
    expect(rows).toHaveLength(DIFF_2023.length + DIFF_2024.length);
    expect(rows.slice(0, 3).map((x: any) => x.to_date)).toEqual(['2024-01-05', '2024-01-05', '2024-01-05']);
    expect(rows[0]).toMatchObject({ kind: 'moved', start: '100.64.0.0', end: '100.64.3.255', addresses: 1024, from_rir: 'ripencc', to_rir: 'apnic', link: '/prefix/100.64.0.0/22', first_cidr: '100.64.0.0/22', cidrs: 1, transfer: 'unlogged' });
    const split = rows.find((x: any) => x.start === '198.51.100.0');
    expect(split).toMatchObject({ link: '/prefix/198.51.100.0/25', cidrs: 2, transfer: 'logged', transfer_date: '2022-12-20', transfer_type: 'RESOURCE_TRANSFER', from_date: '2022-12-01', to_date: '2023-01-05' });
    expect(rows.find((x: any) => x.family === 'ipv6').link).toBe('/prefix/2001:db8::/32');
    expect(rows.find((x: any) => x.family === 'asn').link).toBe('/asn/64500');
  });

  it('filters by kind, RIR (either side), country (either side) and snapshot dates', async () => {
    const starts = async (q: string) => (await get(`/api/registry-changes?${q}`)).body.rows.map((x: any) => x.start).sort();
    expect(await starts('kind=moved')).toEqual(['100.64.0.0', '100.65.0.0', '198.51.100.0', '203.0.113.0']);
    expect(await starts('kind=added,removed')).toEqual(['192.0.2.0', '64500']);
    expect(await starts('rir=arin')).toEqual(['100.65.0.0', '198.51.100.0']);
    expect(await starts('cc=hk')).toEqual(['198.51.100.0']);
    expect(await starts('kind=moved&rir=apnic&from=2024-01-01')).toEqual(['100.64.0.0', '100.65.0.0']);
    expect(await starts('to=2023-12-31&cc=FR')).toEqual(['2001:db8::']);
    expect((await get('/api/registry-changes?limit=2')).body.rows).toHaveLength(2);
  });

  it('refuses bad parameters with a 400 naming them', async () => {
    expect((await get('/api/registry-changes?kind=teleported')).status).toBe(400);
    expect((await get('/api/registry-changes?rir=iana')).status).toBe(400);
    expect((await get('/api/registry-changes?cc=USA')).status).toBe(400);
    // A day that is not in the calendar (Date.parse would take it as 1 March).
    expect((await get('/api/registry-changes?from=2024-02-30')).status).toBe(400);
    const bad = await get('/api/registry-changes?from=yesterday');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/from must be a date/);
    expect((await get('/api/registry-changes?from=2024-02-01&to=2024-01-01')).status).toBe(400);
  });

  it('CSV', async () => {
    const r = await get('/api/registry-changes?kind=moved&format=csv');
    expect(r.text.split('\n')[0]).toMatch(/^from_date,to_date,kind,family,start,end,addresses/);
    expect(r.text).toContain('198.51.100.0');
  });
});

describe('GET /api/registry-changes/flows', () => {
  it('moved IPv4 addresses per year as a from × to matrix, and each RIR’s net flow', async () => {
    const r = await get('/api/registry-changes/flows');
    expect(r.status).toBe(200);
    expect(r.body.family).toBe('ipv4');
    expect(r.body.years.map((y: any) => y.year)).toEqual([2023, 2024]);
    const [y23, y24] = r.body.years;
    expect(y23.matrix).toEqual({ arin: { apnic: 192 }, apnic: { ripencc: 256 } });
    expect(y23.net.apnic).toEqual({ in: 192, out: 256, net: -64 });
    expect(y23.net.ripencc).toEqual({ in: 256, out: 0, net: 256 });
    expect(y23.net.arin).toEqual({ in: 0, out: 192, net: -192 });
    expect(y24.matrix).toEqual({ ripencc: { apnic: 1024 }, apnic: { arin: 256 } });
    expect(y24.net.apnic.net).toBe(1024 - 256);
    // Net flows balance: what one RIR gains another loses.
    for (const y of r.body.years) expect(Object.values(y.net).reduce((s: number, n: any) => s + n.net, 0)).toBe(0);
    expect(r.body.rows).toContainEqual({ year: 2023, from_rir: 'arin', to_rir: 'apnic', addresses: 192, events: 1 });
  });

  it('IPv6 is its own matrix (in /48s); no IPv6 moves here', async () => {
    const r = await get('/api/registry-changes/flows?family=6');
    expect(r.body).toMatchObject({ family: 'ipv6', unit: '/48s', years: [] });
    expect((await get('/api/registry-changes/flows?family=asn')).status).toBe(400);
  });
});

describe('overlapping stored pairs, routing and stale files', () => {
  beforeAll(async () => {
    const t = Date.UTC(2024, 2, 2);
    // A diff over the whole span repeats both finer pairs' events; one partly overlapping the 2024 pair repeats one of its moves and adds one.
    await writeRegistryChanges(store.client, '2022-12-01', '2024-01-05', [...DIFF_2023, ...DIFF_2024], t);
    const extra = change({ kind: 'moved', family: 'ipv4', start: '100.70.0.0', end: '100.70.0.255', addresses: 256, from_rir: 'arin', to_rir: 'lacnic', from_cc: 'US', to_cc: 'BR', transfer: 'unlogged' });
    await writeRegistryChanges(store.client, '2023-06-01', '2024-03-01', [DIFF_2024[0], extra], t);
    // The routing of the 2024 pair's first move, and a stale APNIC file in that diff.
    const side = (routing: 'routed' | 'unrouted', country: string) => ({ routing, prefixes: routing === 'routed' ? ['100.64.0.0/22'] : [], prefix_count: routing === 'routed' ? 1 : 0, origins: routing === 'routed' ? [64500] : [], origin_rirs: routing === 'routed' ? ['ripencc'] : [], usage_regions: [], countries: routing === 'routed' ? [country] : [], routed_addresses: routing === 'routed' ? 1024 : 0 });
    const routing = DIFF_2024.map((_, i) => (i === 0 ? { from: side('routed', 'NL'), to: side('routed', 'SG'), summary: 'routed before and after; origin AS unchanged (AS64500); used in NL before, SG after' } : { from: side('unrouted', ''), to: side('unrouted', ''), summary: 'not routed' }));
    await writeChangeRouting(store.client, '2023-01-05', '2024-01-05', DIFF_2024, routing, t);
    await writeDiffFiles(store.client, '2023-01-05', '2024-01-05', [
      { rir: 'apnic', compared: true, from_file_date: '2023-01-05', to_file_date: '2023-12-28', from_age_days: 0, to_age_days: 8, stale_from: false, stale_to: true },
      { rir: 'arin', compared: true, from_file_date: '2023-01-05', to_file_date: '2024-01-05', from_age_days: 0, to_age_days: 0, stale_from: false, stale_to: false },
    ], { events: DIFF_2024, maxAgeDays: 3, routingFromKnown: true, routingToKnown: true, computedAt: t });
  });

  it('flows count each change once: a pair holding finer pairs is left out, a partly overlapping one adds only its new changes', async () => {
    const [y23, y24] = (await get('/api/registry-changes/flows')).body.years;
    expect(y23.matrix).toEqual({ arin: { apnic: 192 }, apnic: { ripencc: 256 } });
    expect(y24.matrix).toEqual({ ripencc: { apnic: 1024 }, apnic: { arin: 256 }, arin: { lacnic: 256 } });
  });

  it('countedPairs keeps the finest pairs and clusters the overlapping ones', () => {
    const c = countedPairs([
      { from: '2022-12-01', to: '2023-01-05' },
      { from: '2023-01-05', to: '2024-01-05' },
      { from: '2022-12-01', to: '2024-01-05' },
      { from: '2023-06-01', to: '2024-03-01' },
    ]);
    expect([...c]).toEqual([['2022-12-01|2023-01-05', 1], ['2023-01-05|2024-01-05', 2], ['2023-06-01|2024-03-01', 2]]);
  });

  it('each event carries its routing before and after; routed=1 keeps the routed ones; stale files are listed', async () => {
    const r = await get('/api/registry-changes?routed=1');
    expect(r.status).toBe(200);
    expect(r.body.rows.map((x: any) => `${x.from_date}→${x.to_date} ${x.start}`)).toEqual(['2023-01-05→2024-01-05 100.64.0.0']);
    expect(r.body.rows[0]).toMatchObject({ from_routing: 'routed', to_routing: 'routed', from_countries: ['NL'], to_countries: ['SG'], from_origins: [64500], routing_summary: 'routed before and after; origin AS unchanged (AS64500); used in NL before, SG after' });
    const all = (await get('/api/registry-changes?kind=holder-changed')).body.rows;
    expect(all[0]).toMatchObject({ from_routing: '', routing_summary: '' });
    expect(r.body.stale_files).toEqual([
      { from_date: '2023-01-05', to_date: '2024-01-05', rir: 'apnic', from_file_date: '2023-01-05', to_file_date: '2023-12-28', from_age_days: 0, to_age_days: 8, stale_from: false, stale_to: true, max_age_days: 3 },
    ]);
    expect((await get('/api/registry-changes?to=2023-12-31')).body.stale_files).toEqual([]);
    expect((await get('/api/registry-changes?routed=maybe')).status).toBe(400);
  });
});
