/**
 * The measurements behind docs/scaling.md, from real files:
 * 1. feed rate: elements per second of BGP time in real RIS updates files (one collector each);
 * 2. parse rate: elements per wall-clock second through the MRT reader;
 * 3. classify rate and store-writer insert rate into chDB, on real elements classified with real
 *    registry files (2014-07-01) and the bundled DB-IP country database;
 * 4. bytes per stored route event after ClickHouse compression (system.parts bytes_on_disk / rows,
 *    after OPTIMIZE … FINAL so the parts are merged as they would be in a long-running store).
 * `npm run bench -- scaling`; BENCH_SCALING_REPEAT=N writes the element set N times with shifted
 * timestamps (more rows, closer to a long-running store's compression).
 */
import { rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createClassifier } from '../analyzer/classify/index.js';
import { openGeo } from '../analyzer/geo/index.js';
import type { Finding } from '../analyzer/models/finding.js';
import { loadRegistry } from '../analyzer/registry/index.js';
import { originAsnsOf } from '../analyzer/state/origins.js';
import { openStore } from '../analyzer/store/index.js';
import { newStats, readMrtElems } from '../collector/mrt/index.js';
import type { RouteEvent } from '../collector/models/route-event.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../test/helpers/shared-data.js';
import { makeTmpDir } from '../test/helpers/tmp.js';
import { report } from './report.js';

if (!hasSharedData) {
  process.stdout.write(`scaling bench skipped: ${sharedDataSkipReason}\n`);
  process.exit(0);
}

/** RIS updates files: a whole 5- or 15-minute file of one collector each. */
const UPDATE_FILES = [
  'mrt/bgpdump-testdata/updates.20070211.0141.gz',
  'mrt/bgpkit-fixtures/rrc15/2010.02/updates.20100227.1600.gz',
  'mrt/bgpdump-testdata/updates.20160811.1600.gz',
  'mrt/bgpstream-testdata/ris.rrc06.updates.1427846400.gz',
];
/** What gets stored: the updates files plus the first MiB of a 2014 RIB (270,005 routes). */
const STORE_FILES = [...UPDATE_FILES, 'mrt/pyasn-data/rib.20140523.0600_firstMB.bz2'];
const REPEAT = Math.max(1, Number(process.env.BENCH_SCALING_REPEAT ?? 1));

// 1 + 2: feed rate in BGP time, parse rate in wall time
for (const rel of UPDATE_FILES) {
  const stats = newStats();
  let n = 0;
  let first = Infinity;
  let last = -Infinity;
  const t0 = performance.now();
  for await (const e of readMrtElems(sharedData(rel), stats)) {
    n++;
    if (e.timestamp < first) first = e.timestamp;
    if (e.timestamp > last) last = e.timestamp;
  }
  const wall = (performance.now() - t0) / 1000;
  // an updates file covers [start, start + 300 or 900 s): its span is the last minus the first timestamp, rounded up to the file period
  const span = last - first;
  const period = span > 600 ? 900 : 300;
  report(`feed ${basename(rel)}`, { elements: n, bgp_span_s: span.toFixed(0), period_s: period, elems_per_bgp_s: n / period, parse_elems_per_s: n / wall });
}

// 3 + 4: parse → classify → store writer into chDB
const registry = await loadRegistry({ rirDir: sharedData('rir', '2014-07-01'), ianaDir: sharedData('iana') });
const classifier = createClassifier({ registry, geo: await openGeo() });
const dir = makeTmpDir('bench-scaling');
const store = await openStore({ db: join(dir, 'db') });
await store.migrate();
// Phase A (no store running): parse and classify into memory, each timed on its own.
let parseMs = 0;
let classifyMs = 0;
let classified = 0;
const batch: Array<{ event: RouteEvent; finding: Finding | null }> = [];
for (let round = 0; round < REPEAT; round++) {
  // later rounds shift time by whole days: distinct events, same shape
  const shift = round * 86_400;
  for (const rel of STORE_FILES) {
    const collector = basename(rel).startsWith('ris.rrc06') ? 'rrc06' : rel.includes('/rrc15/') ? 'rrc15' : 'rrc00';
    const it = readMrtElems(sharedData(rel))[Symbol.asyncIterator]();
    for (;;) {
      let t = performance.now();
      const next = await it.next();
      parseMs += performance.now() - t;
      if (next.done) break;
      const event: RouteEvent = { ...next.value, timestamp: next.value.timestamp + shift, collector };
      t = performance.now();
      let finding: Finding | null = null;
      const origins = event.elem_type === 'announce' ? originAsnsOf(event) : null;
      if (origins) {
        finding = classifier.classify({ prefix: event.prefix, originAsns: origins, time: Math.floor(event.timestamp), visibility: 1 });
        classified++;
      }
      classifyMs += performance.now() - t;
      batch.push({ event, finding });
    }
  }
}
const events = batch.length;
report('phase parse (MRT → elements)', { events, elems_per_s: events / (parseMs / 1000) });
report('phase classify', { classified, per_s: classified / (classifyMs / 1000) });

// Phase B: the store writer alone, wall clock and CPU (all threads, chDB's included).
const writer = store.createWriter({ batchSize: 50_000 });
const cpu0 = process.cpuUsage();
let t = performance.now();
for (const x of batch) await writer.writeEvent(x.event, x.finding);
await writer.flush();
const writeS = (performance.now() - t) / 1000;
const cpu = process.cpuUsage(cpu0);
const ws = writer.stats();
report('phase store writer → chDB', { inserted: ws.inserted, batches: ws.insertedBatches, rows_per_s: events / writeS, wall_s: writeS, cpu_s: (cpu.user + cpu.system) / 1e6 });

t = performance.now();
await store.client.command({ query: 'OPTIMIZE TABLE route_events FINAL' });
const optimizeS = (performance.now() - t) / 1000;
const parts = await store.readonlySql(
  "SELECT sum(rows) AS rows, sum(bytes_on_disk) AS disk, sum(data_compressed_bytes) AS compressed, sum(data_uncompressed_bytes) AS uncompressed, count() AS parts FROM system.parts WHERE active AND database = currentDatabase() AND table = 'route_events'",
);
const p = parts.rows[0];
const rows = Number(p.rows);
report('stored route_events', {
  rows,
  parts: Number(p.parts),
  bytes_on_disk_per_row: Number(p.disk) / rows,
  compressed_per_row: Number(p.compressed) / rows,
  uncompressed_per_row: Number(p.uncompressed) / rows,
  ratio: Number(p.uncompressed) / Number(p.compressed),
  optimize_s: optimizeS,
});
const cols = await store.readonlySql(
  "SELECT name, sum(data_compressed_bytes) AS c FROM system.columns WHERE database = currentDatabase() AND table = 'route_events' GROUP BY name ORDER BY c DESC LIMIT 6",
);
process.stdout.write(`largest columns (compressed bytes per row): ${cols.rows.map((r) => `${r.name}=${(Number(r.c) / rows).toFixed(1)}`).join('  ')}\n`);
await store.close();
rmSync(dir, { recursive: true, force: true });
