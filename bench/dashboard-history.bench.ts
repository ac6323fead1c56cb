/**
 * The history charts' endpoints against the page endpoints they sit beside, on a store that
 * `portolan ingest` builds from two real RIS updates files (../shared/data): the busiest prefix's
 * timeline vs its page, the AS with most prefixes' space-by-RIR vs its page. Caching off (every
 * request asks the store); median and p95 of 30 requests; ratio = history / page, same run.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../analyzer/store/index.js';
import { createDashboardServer } from '../dashboard/server/index.js';
import { projectRoot } from '../common/paths.js';
import { makeTmpDir } from '../test/helpers/tmp.js';
import { hasSharedData, sharedData } from '../test/helpers/shared-data.js';
import { report } from './report.js';

if (!hasSharedData) {
  process.stdout.write('dashboard-history: skipped (../shared/data not found)\n');
  process.exit(0);
}
const dir = makeTmpDir('bench-history');
const rirDir = join(dir, 'rir');
mkdirSync(rirDir);
for (const rir of ['afrinic', 'apnic', 'lacnic', 'ripencc']) symlinkSync(sharedData('rir', '2014-07-01', `delegated-${rir}-latest.gz`), join(rirDir, `delegated-${rir}-latest.gz`));
symlinkSync(sharedData('rir', '2013-08-13', 'delegated-arin-latest.gz'), join(rirDir, 'delegated-arin-latest.gz'));
const db = join(dir, 'db');
const files = [sharedData('mrt', 'bgpdump-testdata', 'updates.20160811.1600.gz'), sharedData('mrt', 'bgpstream-testdata', 'ris.rrc06.updates.1427846400.gz')];
const ingest = spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot(), 'cli', 'main.ts'), 'ingest', '--rir-dir', rirDir, '--db', db, '--log-level', 'warn', ...files], { stdio: ['ignore', 'ignore', 'inherit'] });
if (ingest.status !== 0) throw new Error('ingest failed');

const store = await openStore({ db });
await store.migrate();
const one = async <T>(query: string): Promise<T> => ((await (await store.client.query({ query, format: 'JSONEachRow' })).json()) as T[])[0];
const busy = await one<{ prefix: string; n: number }>("SELECT prefix, count() AS n FROM route_events WHERE elem_type = 'announce' GROUP BY prefix ORDER BY n DESC, prefix LIMIT 1");
const as = await one<{ origin_asn: number; n: number }>('SELECT origin_asn, count() AS n FROM origin_prefixes GROUP BY origin_asn ORDER BY n DESC, origin_asn LIMIT 1');
const server = await createDashboardServer({ store, port: 0, compactEveryMs: 0, cacheTtlMs: 0, webRoot: join(dir, 'no-web') });

async function time(path: string, n = 30): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < 3; i++) await (await fetch(server.url + path)).text();
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = await fetch(server.url + path);
    await r.text();
    if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { p50: ms[Math.floor(n / 2)], p95: ms[Math.floor(n * 0.95)] };
}

for (const [name, page, history] of [
  [`prefix ${busy.prefix} (${busy.n} ann.)`, `/api/prefix/${busy.prefix}`, `/api/history/prefix/${busy.prefix}`],
  [`AS${as.origin_asn} (${as.n} prefixes)`, `/api/asn/${as.origin_asn}`, `/api/history/asn/${as.origin_asn}`],
] as const) {
  const p = await time(page);
  const h = await time(history);
  report(name, { page_p50_ms: p.p50, history_p50_ms: h.p50, history_p95_ms: h.p95, ratio_p50: h.p50 / p.p50 });
}
await server.close();
await store.close();
