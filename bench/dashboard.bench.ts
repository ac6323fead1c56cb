/**
 * Dashboard API latency over a store of N route events (default 10 million, `BENCH_EVENTS`),
 * built in chDB with INSERT … SELECT FROM numbers(), so the materialized views fill as they
 * would from the writer: ~300k prefix ids with a long-tailed event count (x³), 10% IPv6,
 * RIRs and usage regions skewed like the real table, countries per region, kinds and
 * severities derived from the classification, 10% withdrawals, time uniform over 7 days.
 * Prints p50/p95/p99 per endpoint, cold (cache empty: the store answers) and warm (cached).
 * `BENCH_DB=dir` keeps the store there and reuses it on the next run.
 */
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { openStore } from '../analyzer/store/index.js';
import { createDashboardServer } from '../dashboard/server/index.js';
import { makeTmpDir } from '../test/helpers/tmp.js';
import { report } from './report.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 50);
const keep = process.env.BENCH_DB;
const dir = keep ?? makeTmpDir('bench-dash');
const store = await openStore({ db: keep ?? join(dir, 'db') });
await store.migrate();

const START = 1_700_000_000;
const WEEK = 7 * 86400;
/** Columns derived from a prefix id `p` (and the row `number`): one classification per prefix. */
const PREFIX_COLUMNS = `
    p % 10 = 9 AS v6,
    toUInt8(if(v6, if(p % 3 = 0, 32, 48), 16 + p % 9)) AS len,
    if(v6, concat('2a0', toString(p % 10), ':', toString(1000 + intDiv(p, 10) % 9000), if(len = 48, concat(':', toString(1000 + intDiv(p, 90000) % 9000)), ''), '::/', toString(len)),
      concat(IPv4NumToString(bitAnd(toUInt32(bitOr(bitShiftLeft(toUInt32(1 + p % 223), 24), bitOr(bitShiftLeft(toUInt32(intDiv(p, 223) % 256), 16), bitShiftLeft(toUInt32(intDiv(p, 57088) % 256), 8)))),
        bitNot(toUInt32(bitShiftLeft(toUInt64(1), 32 - least(len, 32)) - 1)))), '/', toString(len))) AS pfx,
    ['ripencc','ripencc','ripencc','ripencc','ripencc','ripencc','ripencc','arin','arin','arin','arin','arin','apnic','apnic','apnic','apnic','apnic','lacnic','lacnic','afrinic'][1 + intDiv(p, 3) % 20] AS rir0,
    if(p % 97 = 0, '', rir0) AS rir,
    if(p % 23 = 0, '', if(p % 7 = 0, ['afrinic','apnic','arin','lacnic','ripencc'][1 + intDiv(p, 7) % 5], rir0)) AS region,
    multiIf(region = 'arin', ['US','CA','US','US'], region = 'ripencc', ['DE','GB','NL','FR','RU','SE'], region = 'apnic', ['CN','JP','IN','SG','HK','AU'],
      region = 'lacnic', ['BR','AR','MX','CL'], region = 'afrinic', ['ZA','NG','KE','SC','MU','EG'], ['']) AS region_ccs,
    region_ccs[1 + p % length(region_ccs)] AS main_cc,
    multiIf(rir0 = 'arin', ['US','CA','US','US'], rir0 = 'ripencc', ['DE','GB','NL','FR','RU','SE'], rir0 = 'apnic', ['CN','JP','IN','SG','HK','AU'],
      rir0 = 'lacnic', ['BR','AR','MX','CL'], ['ZA','NG','KE','SC','MU','EG']) AS rir_ccs,
    if(rir = '', '', rir_ccs[1 + intDiv(p, 5) % length(rir_ccs)]) AS reg_cc,
    arrayFilter(k -> k != '', [if(rir != '' AND region != '' AND rir != region, 'geo-out-of-region', ''), if(rir = '', 'unregistered', ''),
      if(p % 31 = 0, 'legacy', ''), if(p % 11 = 0 AND rir != '', 'origin-out-of-region', '')]) AS knds,
    if(has(knds, 'geo-out-of-region'), ['low','medium','high'][1 + p % 3], if(notEmpty(knds), 'info', 'none')) AS sev,
    pow(2, if(v6, 128, 32) - len) AS addrs,
    if(rir = '', '', lower(hex(cityHash64(p % 20000)))) AS holder`;

async function build(): Promise<void> {
  const t0 = performance.now();
  await store.client.command({
    query: `INSERT INTO route_events (event_id, time, collector, peer_ip, peer_asn, elem_type, prefix, family, prefix_length, as_path, origin_asn, origin_asns, classified,
      addresses, prefix_rir, registered_cc, holder_id, iana_rir, origin_rir, usage_region, main_country, share_abroad, kinds, geo_subkind, severity, visibility)
    SELECT cityHash64(number, 'bench'), time, concat('rrc', leftPad(toString(number % 26), 2, '0')), concat('192.0.2.', toString(peer % 40)), 64500 + peer % 40,
      if(wd, 'withdraw', 'announce'), pfx, if(v6, 6, 4), len, if(wd, '', concat(toString(64500 + peer % 40), ' 3356 ', toString(origin))),
      if(wd, NULL, origin), if(wd, [], [origin]), NOT wd,
      addrs, if(wd, '', rir), if(wd, '', reg_cc), if(wd, '', holder), if(wd, '', rir0), if(wd, '', rir0), if(wd, '', region), if(wd, '', main_cc),
      if(wd, 0, if(has(knds, 'geo-out-of-region'), 0.8, 0.05)), if(wd, [], knds), if(wd OR NOT has(knds, 'geo-out-of-region'), '', 'abroad-inconsistent'),
      if(wd, '', sev), if(wd, 0, 1 + p % 40)
    FROM (
      SELECT number, toUInt64(pow(randCanonical(), 3) * 300000) AS p, number % 10 = 0 AS wd, rand(1) AS peer,
        toDateTime64(${START} + (rand(2) % ${WEEK}) + (rand(3) % 1000000) / 1e6, 6, 'UTC') AS time,
        toUInt32(1000 + p % 50000 + if(number % 50 = 0, 1, 0)) AS origin, ${PREFIX_COLUMNS}
      FROM numbers(${EVENTS}))`,
  });
  await store.client.command({
    query: `INSERT INTO finding_events (event_id, time, type, reason, prefix, family, origin_asn, origin_asns, addresses, prefix_rir, registered_cc, usage_region, main_country, kinds, severity, why)
    SELECT cityHash64(number, 'finding'), toDateTime64(${START} + number * 3, 6, 'UTC'), if(number % 3 = 2, 'finding-ended', 'finding-started'), if(number % 3 = 2, 'restored', ''),
      pfx, if(v6, 6, 4), 1000 + p % 50000, [1000 + p % 50000], addrs, rir, reg_cc, region, main_cc, knds, sev,
      concat(pfx, ' is registered with ', rir, ' but used in ', main_cc)
    FROM (SELECT number, number % 300000 AS p, ${PREFIX_COLUMNS} FROM numbers(200000)) WHERE notEmpty(knds)`,
  });
  const seconds = (performance.now() - t0) / 1000;
  report('dashboard: build store', { events: EVENTS, seconds, rows_per_s: Math.round(EVENTS / seconds) });
}

const count = async (table: string): Promise<number> => Number((await store.readonlySql(`SELECT count() AS n FROM ${table}`)).rows[0].n);
if ((await count('route_events')) < EVENTS) await build();
for (const t of ['route_events', 'finding_events', 'prefix_latest', 'prefix_activity', 'origin_prefixes', 'mismatch_prefix_hourly', 'mismatch_prefix_daily', 'mismatch_prefix_total', 'mismatch_events', 'prefix_routes_daily']) report(`rows in ${t}`, { rows: await count(t) });
const distinct = async (sql: string): Promise<number> => Number((await store.readonlySql(sql)).rows[0].n);
report('distinct in the store', {
  prefixes: await distinct('SELECT uniqExact(prefix) AS n FROM prefix_activity'),
  origins: await distinct('SELECT uniqExact(origin_asn) AS n FROM origin_prefixes'),
  days: await distinct('SELECT uniqExact(day) AS n FROM prefix_routes_daily'),
});

// The dashboard as `portolan serve` runs it; the cache is emptied before each cold request.
const server = await createDashboardServer({ store, port: 0, webRoot: join(dir, 'web'), cacheTtlMs: 5000 });
// The server merges the read models at start (and every 10 minutes); measure after that first pass.
const compactStart = performance.now();
await server.compactNow();
report('dashboard: read models compacted at start', { seconds: (performance.now() - compactStart) / 1000 });
const one = async <T>(sql: string): Promise<T> => (await store.readonlySql(sql, { maxRows: 1 })).rows[0] as T;
const busy = (await one<{ prefix: string }>('SELECT prefix FROM prefix_activity FINAL ORDER BY events DESC LIMIT 1')).prefix;
const asn = (await one<{ origin_asn: number }>('SELECT origin_asn FROM origin_prefixes GROUP BY origin_asn ORDER BY sum(events) DESC LIMIT 1')).origin_asn;
const ip = busy.split('/')[0].replace(/0$/, '1');
const endpoints = [
  '/api/summary',
  '/api/matrix',
  '/api/matrix?family=6',
  '/api/matrix/cell?rir=afrinic&region=apnic',
  '/api/matrix/cell?rir=ripencc&region=ripencc&part=origins&format=csv',
  '/api/map?view=used-here',
  '/api/map?view=used-abroad',
  '/api/top/origins',
  '/api/top/prefixes?from=24h',
  `/api/top/holders?from=${START + 86400 + 1234}&to=${START + 3 * 86400 + 567}`,
  '/api/top/countries?kind=origin-out-of-region',
  `/api/prefix/${busy}`,
  `/api/ip/${ip}`,
  `/api/asn/${asn}`,
  '/api/country/SC',
  '/api/country/US',
  '/api/search?q=AS4134',
  '/api/health',
  '/api/queries',
  '/api/feed/recent',
];
const pct = (xs: number[], p: number): number => xs[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
const fetchMs = async (path: string): Promise<number> => {
  const s = performance.now();
  const res = await fetch(server.url + path);
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
  return performance.now() - s;
};
// Relative ranges (24h) are relative to now; the data set is in 2023, so 24h is empty: run it anyway (a real path).
const rows: string[] = [];
const pad = (s: string | number, n: number) => String(s).padStart(n);
const f = (n: number) => n.toFixed(1);
for (const path of endpoints) {
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    server.clearCache();
    cold.push(await fetchMs(path));
    warm.push(await fetchMs(path));
  }
  cold.sort((a, b) => a - b);
  warm.sort((a, b) => a - b);
  rows.push(`${path.slice(0, 62).padEnd(62)} ${pad(f(pct(cold, 50)), 8)} ${pad(f(pct(cold, 95)), 8)} ${pad(f(pct(cold, 99)), 8)} ${pad(f(pct(warm, 50)), 8)} ${pad(f(pct(warm, 95)), 8)} ${pad(f(pct(warm, 99)), 8)}`);
  process.stdout.write(rows[rows.length - 1] + '\n');
}
process.stdout.write(`\n${REQUESTS} cold (cache cleared) + ${REQUESTS} warm requests per endpoint over ${EVENTS.toLocaleString('en-US')} route events, ms\n`);
process.stdout.write(`${'endpoint'.padEnd(62)} ${pad('cold p50', 8)} ${pad('p95', 8)} ${pad('p99', 8)} ${pad('warm p50', 8)} ${pad('p95', 8)} ${pad('p99', 8)}\n${rows.join('\n')}\n`);
report('dashboard: done', {});
await server.close();
await store.close();
if (!keep) rmSync(dir, { recursive: true, force: true });
