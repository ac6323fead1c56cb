/**
 * Dashboard API latency over a store of N route events (default 10 million, `BENCH_EVENTS`),
 * built in chDB with INSERT … SELECT FROM numbers(): ~300k prefixes with a long-tailed
 * event count per prefix, RIR/region/country mixes skewed like the real table.
 * Prints p50/p95/p99 per endpoint: cold (first request, cache empty) and warm.
 */
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { openStore } from '../analyzer/store/index.js';
import { createDashboardServer } from '../dashboard/server/index.js';
import { makeTmpDir } from '../test/helpers/tmp.js';
import { report } from './report.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 50);
const dir = makeTmpDir('bench-dash');
const store = await openStore({ db: join(dir, 'db') });
await store.migrate();

const t0 = performance.now();
const RIRS = "['afrinic','apnic','arin','lacnic','ripencc']";
const CCS = "['US','CN','DE','GB','BR','ZA','SC','JP','NL','IN','SG','HK','FR','MU','AR']";
// Prefix id skewed (x^3) so a few prefixes are very busy; classification derived from the prefix id.
await store.client.command({
  query: `INSERT INTO route_events (event_id, time, collector, peer_ip, peer_asn, elem_type, prefix, family, prefix_length, as_path, origin_asn, origin_asns, classified,
      addresses, prefix_rir, registered_cc, holder_id, usage_region, main_country, share_abroad, kinds, severity, visibility)
    SELECT number, toDateTime64(1700000000 + intDiv(number, 10), 6, 'UTC'), concat('rrc0', toString(number % 7)), concat('192.0.2.', toString(number % 40)), 64500 + number % 40,
      if(number % 10 = 0, 'withdraw', 'announce'),
      concat(toString(1 + p % 223), '.', toString(intDiv(p, 223) % 256), '.', toString(intDiv(p, 57088) % 256), '.0/', toString(len)),
      4, len, if(number % 10 = 0, '', concat('64500 3356 ', toString(origin))), if(number % 10 = 0, NULL, origin), if(number % 10 = 0, [], [origin]), number % 10 != 0,
      pow(2, 32 - len), ${RIRS}[1 + p % 5], ${CCS}[1 + p % 15], hex(p % 20000),
      if(p % 13 = 0, '', if(p % 4 = 0, ${RIRS}[1 + intDiv(p, 5) % 5], ${RIRS}[1 + p % 5])), ${CCS}[1 + intDiv(p, 3) % 15], 0.5,
      if(p % 4 = 0, ['geo-out-of-region'], CAST([] AS Array(String))), if(p % 4 = 0, 'medium', 'none'), 3
    FROM (SELECT number, toUInt64(pow(randCanonical(), 3) * 300000) AS p, toUInt8(16 + p % 9) AS len, toUInt32(1000 + p % 5000) AS origin FROM numbers(${EVENTS}))`,
  clickhouse_settings: { max_insert_threads: '2' },
});
await store.client.command({
  query: `INSERT INTO finding_events (event_id, time, type, prefix, family, origin_asn, origin_asns, addresses, prefix_rir, usage_region, main_country, kinds, severity, why)
    SELECT number, toDateTime64(1700000000 + number, 6, 'UTC'), 'finding-started', concat(toString(1 + number % 223), '.', toString(intDiv(number, 223) % 256), '.0.0/16'), 4,
      1000 + number % 5000, [1000 + number % 5000], 65536, 'afrinic', 'apnic', 'CN', ['geo-out-of-region'], 'medium', 'registered with afrinic, used in CN'
    FROM numbers(200000)`,
});
const buildSeconds = (performance.now() - t0) / 1000;
report('dashboard: build store', { events: EVENTS, seconds: buildSeconds, rows_per_s: Math.round(EVENTS / buildSeconds) });

const server = await createDashboardServer({ store, port: 0, webRoot: join(dir, 'web'), cacheTtlMs: 5000 });
const [{ prefix: busy }] = (await store.readonlySql('SELECT prefix, count() c FROM route_events GROUP BY prefix ORDER BY c DESC LIMIT 1', { maxRows: 1 })).rows as Array<{ prefix: string }>;
const endpoints = [
  '/api/summary',
  '/api/matrix',
  '/api/matrix/cell?rir=afrinic&region=apnic',
  '/api/map?view=used-here',
  '/api/map?view=used-abroad',
  '/api/top/origins',
  '/api/top/prefixes?from=1700100000',
  '/api/top/holders',
  '/api/top/countries',
  `/api/prefix/${busy}`,
  '/api/ip/1.1.0.1',
  '/api/asn/1234',
  '/api/country/SC',
  '/api/search?q=AS4134',
  '/api/health',
  '/api/queries',
];
const pct = (xs: number[], p: number): number => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
for (const path of endpoints) {
  const times: number[] = [];
  let cold = 0;
  for (let i = 0; i < REQUESTS; i++) {
    const s = performance.now();
    const res = await fetch(server.url + path);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    const ms = performance.now() - s;
    if (i === 0) cold = ms;
    times.push(ms);
  }
  times.sort((a, b) => a - b);
  report(`GET ${path.slice(0, 40)}`, { n: REQUESTS, cold_ms: cold, p50_ms: pct(times, 50), p95_ms: pct(times, 95), p99_ms: pct(times, 99) });
}
await server.close();
await store.close();
rmSync(dir, { recursive: true, force: true });
