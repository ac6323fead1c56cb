import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore, type Store } from '../../analyzer/store/index.js';
import { createDashboardServer, type DashboardServer } from '../../dashboard/server/index.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { timeRange } from '../../dashboard/server/params.js';
import { FINDINGS, announce, makeFinding, started } from './fixture.js';
import { fetchBody } from '../helpers/http.js';

let store: Store;
let server: DashboardServer;
const get = (path: string, init?: RequestInit) => fetchBody(server.url + path, init);

beforeAll(async () => {
  const dir = makeTmpDir('dash-api');
  store = await openStore({ db: join(dir, 'db') });
  await store.migrate();
  const writer = store.createWriter({ flushIntervalMs: 50 });
  for (const f of FINDINGS) {
    await writer.writeEvent(announce(f, '192.0.2.1'), f);
    await writer.writeEvent(announce(f, '192.0.2.2', f.time + 5), f);
    if (f.kinds.length) await writer.writeLifecycle(started(f));
  }
  await writer.flush();
  server = await createDashboardServer({ store, port: 0, host: '127.0.0.1', webRoot: join(dir, 'no-web'), health: () => ({ connected: true, messagesPerSecond: 12.5, lagSeconds: 1.2, reconnects: 2, drops: 0 }) });
});

afterAll(async () => {
  await server?.close();
  await store?.close();
});

describe('dashboard API over a real chDB store', () => {
  it('summarises the store', async () => {
    const r = await get('/api/summary');
    expect(r.status).toBe(200);
    expect(r.body.announcements).toBe(FINDINGS.length * 2);
    expect(r.body.prefixes).toBe(FINDINGS.length);
    expect(r.body.origins).toBe(new Set(FINDINGS.map((f) => f.originAsn)).size);
    expect(r.body.mismatchedPrefixes).toBe(new Set(FINDINGS.filter((f) => f.kinds.length).map((f) => f.prefix)).size);
    const geo = r.body.kinds.find((k: any) => k.kind === 'geo-out-of-region');
    const mine = FINDINGS.filter((f) => f.kinds.includes('geo-out-of-region'));
    expect(geo.prefixes).toBe(4);
    // The fixture's prefixes of a kind do not overlap: their space is the sum of their sizes, per family.
    expect(geo.ipv4_addresses).toBe(mine.filter((f) => f.family === 4).reduce((a, f) => a + f.addresses, 0));
  });

  it('answers the matrix with an empty result and what to run when no index is stored', async () => {
    // The matrix is the portability index's routed space (test/dashboard/index-api.test.ts);
    // this store holds classified events but no index.
    const r = await get('/api/matrix');
    expect(r.status).toBe(200);
    expect(r.body.regions).toContain('unknown');
    expect(r.body.cells).toEqual([]);
    expect(r.body.date).toBeNull();
    expect(r.body.message).toContain('portolan index build FILE');
    const csv = await get('/api/matrix?format=csv');
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect((await get('/api/index')).body).toMatchObject({ rows: [], date: null });
    expect((await get('/api/index/dates')).body.dates).toEqual([]);
  });

  it('drills down into a matrix cell: prefixes and origins', async () => {
    const r = await get('/api/matrix/cell?rir=afrinic&region=apnic');
    expect(r.status).toBe(200);
    expect(r.body.prefixes.map((p: any) => p.prefix)).toEqual(['154.80.0.0/16', '154.81.0.0/17']);
    expect(r.body.origins).toEqual([{ origin_asn: 4134, prefixes: 2, addresses: 98304 }]);
    expect(r.body.totals).toMatchObject({ prefixes: 2, origins: 1 });
    expect(r.body.accounted).toBeNull(); // no index stored
    expect(r.body.prefixes_note).toMatch(/each prefix's size/);
    const csv = await get('/api/matrix/cell?rir=afrinic&region=apnic&part=origins&format=csv');
    expect(csv.text).toContain('4134,2,98304');
  });

  it('rejects bad parameters with 400 and a JSON error body', async () => {
    for (const path of ['/api/matrix/cell?rir=nic&region=apnic', '/api/matrix?family=5', '/api/top/origins?from=yesterday', '/api/prefix/10.0.0.1/8', '/api/asn/ASX', '/api/country/ABC', '/api/matrix?format=xml']) {
      const r = await get(path);
      expect(r.status, path).toBe(400);
      expect(r.body.error.code).toBe('bad-request');
      expect(r.body.error.message.length).toBeGreaterThan(10);
    }
    expect((await get('/api/nothing')).status).toBe(404);
    expect((await get('/api/top/friends')).status).toBe(404);
    const m = await get('/api/summary', { method: 'POST' });
    expect(m.status).toBe(405);
    expect(m.headers.get('allow')).toBe('GET');
  });

  it('answers the map with no countries when no index is stored', async () => {
    for (const view of ['used-here', 'used-abroad']) {
      const r = await get(`/api/map?view=${view}`);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ view, countries: [], date: null });
      expect(r.body.message).toContain('portolan run');
    }
  });

  it('ranks top lists over a time range', async () => {
    const all = await get('/api/top/origins');
    expect(all.body.rows[0]).toMatchObject({ origin_asn: 4134, prefixes: 2 });
    const late = await get('/api/top/origins?from=1700000250');
    expect(late.body.rows.map((r: any) => r.origin_asn)).toEqual([28000, 64496]) // by addresses: a /22 before a /24;
    const holders = await get('/api/top/holders');
    expect(holders.body.rows[0]).toMatchObject({ holder_id: 'F36B9F4B', prefixes: 2, prefix_rir: 'afrinic' });
    const countries = await get('/api/top/countries?format=csv');
    expect(countries.text.split('\r\n')[0]).toContain('country');
    const prefixes = await get('/api/top/prefixes?kind=unregistered');
    expect(prefixes.body.rows.map((r: any) => r.prefix)).toEqual(['200.0.0.0/22']);
  });

  it('answers top-list ranges exactly: whole hours from the hourly rollup, partial hours from raw events', async () => {
    const all = (await get('/api/top/origins')).body.rows;
    // Whole hours only (the fixture lies inside one hour): the same as no range.
    expect((await get('/api/top/origins?from=1699990000&to=1700003000')).body.rows).toEqual(all);
    // A partial hour at the end: only events before 1700000250 (154.80/16 and 154.81/17 twice each, 41.190/20 twice).
    const early = (await get('/api/top/origins?to=1700000250')).body.rows;
    expect(early.map((r: any) => [r.origin_asn, r.prefixes, r.events])).toEqual([[4134, 2, 4], [37100, 1, 2]]);
    // Partial hours at both ends of a range shorter than an hour.
    const mid = (await get('/api/top/prefixes?from=1700000100&to=1700000301')).body.rows;
    expect(mid.map((r: any) => [r.prefix, r.events])).toEqual([['154.81.0.0/17', 2], ['41.190.0.0/20', 2], ['185.1.0.0/24', 1]]);
  });

  it('buckets ages to the minute so repeated requests share the cache', () => {
    const a = timeRange(new URLSearchParams('from=24h'), 1_700_000_040.5);
    const b = timeRange(new URLSearchParams('from=24h'), 1_700_000_099);
    expect(a).toEqual(b);
    expect(a.from).toBe(1_700_000_040 - 86_400);
  });

  it('serves prefix, IP, ASN and country pages, saying what is not loaded', async () => {
    const p = await get('/api/prefix/154.80.0.0/16');
    expect(p.status).toBe(200);
    expect(p.body.seen.events).toBe(2);
    expect(p.body.origins[0].origin_asn).toBe(4134);
    expect(p.body.paths[0].as_path).toBe('64500 3356 4134');
    expect(p.body.findings[0].why).toContain('registered with afrinic');
    expect(p.body.registry).toBeNull();
    expect(p.body.notes.join(' ')).toMatch(/Registry .* not loaded/);
    const ip = await get('/api/ip/154.80.12.1');
    expect(ip.body.prefixes.map((r: any) => r.prefix)).toEqual(['154.80.0.0/16']);
    const asn = await get('/api/asn/AS4134');
    expect(asn.body.prefixes.map((r: any) => r.prefix).sort()).toEqual(['154.80.0.0/16', '154.81.0.0/17']);
    const cc = await get('/api/country/sc');
    expect(cc.body.registeredHereUsedIn).toEqual([]); // index figures; no index stored here
    expect(cc.body.date).toBeNull();
    expect(cc.body.notes.join(' ')).toContain('portolan index build');
    const cn = await get('/api/country/cn');
    expect(cn.body.usedHere.map((r: any) => r.prefix)).toEqual(['154.80.0.0/16']); // the per-prefix listing stays
  });

  it('sends counts as JSON numbers, not quoted 64-bit strings', async () => {
    const numbers = (rows: any[], ...keys: string[]) => {
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) for (const k of keys) expect(typeof row[k], k).toBe('number');
    };
    const s = (await get('/api/summary')).body;
    numbers(s.findingEvents, 'events');
    numbers(s.kinds, 'prefixes', 'ipv4_addresses', 'ipv6_48s');
    const cell = (await get('/api/matrix/cell?rir=afrinic&region=apnic')).body;
    numbers(cell.origins, 'origin_asn', 'prefixes', 'addresses');
    numbers([cell.totals], 'prefixes', 'addresses', 'origins');
    for (const list of ['origins', 'holders', 'countries', 'prefixes']) numbers((await get(`/api/top/${list}`)).body.rows, 'events', 'last_seen', 'addresses');
    numbers((await get('/api/top/origins?from=1700000100&to=1700000301')).body.rows, 'prefixes', 'events');
    const p = (await get('/api/prefix/154.80.0.0/16')).body;
    numbers([p.seen], 'events', 'peers', 'first_seen', 'last_seen');
    numbers(p.origins, 'events');
    numbers(p.originsOverTime, 'events', 'bucket');
    numbers(p.paths, 'events');
    const asn = (await get('/api/asn/4134')).body;
    numbers([asn.seen], 'events', 'prefixes');
    numbers(asn.prefixes, 'events', 'addresses');
  });

  it('answers search with where to go', async () => {
    expect((await get('/api/search?q=154.80.3.0/16')).body).toMatchObject({ kind: 'prefix', path: '/prefix/154.80.0.0/16' });
    expect((await get('/api/search?q=AS4134')).body).toMatchObject({ kind: 'asn', path: '/asn/4134' });
    expect((await get('/api/search?q=2001:db8::1')).body).toMatchObject({ kind: 'ip' });
    expect((await get('/api/search?q=sc')).body).toMatchObject({ kind: 'country', path: '/country/SC' });
    expect((await get('/api/search?q=hello world')).status).toBe(400);
  });

  it('runs read-only SQL with limits and refuses writes', async () => {
    const ok = await get('/api/sql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sql: 'SELECT number FROM numbers(10)', maxRows: 3 }) });
    expect(ok.status).toBe(200);
    expect(ok.body.rows).toHaveLength(3);
    expect(ok.body.truncated).toBe(true);
    const drop = await get('/api/sql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sql: 'DROP TABLE route_events' }) });
    expect(drop.status).toBe(400);
    expect(drop.body.error.code).toBe('query-rejected');
    const csv = await get('/api/sql?format=csv', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'sql=SELECT+1+AS+x' });
    expect(csv.text).toBe('x\r\n1\r\n');
    expect((await get('/api/sql', { method: 'POST', body: 'not json' })).status).toBe(400);
    expect((await get('/api/summary')).body.prefixes).toBe(FINDINGS.length); // still there
  });

  it('lists and runs the named queries', async () => {
    const list = await get('/api/queries');
    expect(list.body.queries.map((q: any) => q.name)).toContain('mismatch-matrix');
    const recent = await get('/api/queries/recent?limit=2');
    expect(recent.status).toBe(200);
    expect(recent.body.rows).toHaveLength(2);
    expect((await get('/api/queries/nope')).status).toBe(404);
  });

  it('reports feed health and store status', async () => {
    const r = await get('/api/health');
    expect(r.status).toBe(200);
    expect(r.body.store.ok).toBe(true);
    expect(r.body.feed).toMatchObject({ connected: true, reconnects: 2 });
  });

  it('streams published events to SSE clients, filtered server-side', async () => {
    const controller = new AbortController();
    const res = await fetch(`${server.url}/api/feed?rir=ripencc&severity=high&backlog=0`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    await reader.read().then((c) => (text += decoder.decode(c.value)));
    server.feed.publish(started(makeFinding({ prefix: '185.2.0.0/24', origin: 1, rir: 'afrinic', region: 'arin', country: 'US', severity: 'high' })));
    server.feed.publish(started(makeFinding({ prefix: '185.3.0.0/24', origin: 2, rir: 'ripencc', region: 'arin', country: 'US', severity: 'low' })));
    server.feed.publish(started(makeFinding({ prefix: '185.4.0.0/24', origin: 3, rir: 'ripencc', region: 'arin', country: 'US', severity: 'high' })));
    const deadline = Date.now() + 5000;
    while (!text.includes('185.4.0.0/24') && Date.now() < deadline) text += decoder.decode((await reader.read()).value);
    controller.abort();
    expect(text).toContain('event: finding-started');
    expect(text).toContain('185.4.0.0/24');
    expect(text).not.toContain('185.2.0.0/24');
    expect(text).not.toContain('185.3.0.0/24');
    expect((await get('/api/feed/recent?rir=ripencc')).body.rows.map((i: any) => i.finding.prefix)).toEqual(['185.4.0.0/24', '185.3.0.0/24']);
    expect((await get('/api/feed?kind=bogus')).status).toBe(400);
  });

  it('sets security headers and a JSON 404 when the UI is not built', async () => {
    const r = await get('/prefix/154.80.0.0/16');
    expect(r.status).toBe(404);
    expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
