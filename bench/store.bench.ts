/**
 * The store writer into chDB: rows/s, bytes per stored route event after compression, peak RSS.
 * Then, from the same rows, what chDB spends per row (CPU of every thread of the process, the
 * merges the inserts start included), alternated in the same run:
 *   - a staged RowBinary batch read with route_events' declared types (LowCardinality columns
 *     read row by row, as before) against the plain types the writer now declares (insert.ts);
 *   - the fixed cost of one insert: a 1-row insert into route_events with its read-model views
 *     attached and detached (each view plans and writes its own part per insert).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../analyzer/store/index.js';
import { columnTypes } from '../analyzer/store/batch.js';
import { stagedType } from '../analyzer/store/insert.js';
import { ROUTE_EVENT_COLUMNS } from '../analyzer/store/rows.js';
import { VIEWS } from '../analyzer/store/schema/views.js';
import { sqlString } from '../analyzer/store/sql.js';
import { makeTmpDir } from '../test/helpers/tmp.js';
import { dataset } from '../test/analyzer/store/fixtures.js';
import { report, spread } from './report.js';

const N = Number(process.env.BENCH_STORE_ROWS ?? 300_000);
const ROUNDS = Number(process.env.BENCH_STORE_ROUNDS ?? 3);
const BATCH = 50_000;
const dir = makeTmpDir('bench-store');
const store = await openStore({ db: join(dir, 'db') });
await store.migrate();
const items = dataset(N);
const w = store.createWriter({ batchSize: BATCH });
const t0 = performance.now();
for (const x of items) await w.writeEvent(x.event, x.finding);
await w.flush();
const secs = (performance.now() - t0) / 1000;
const parts = await store.readonlySql(
  "SELECT sum(rows) AS rows, sum(data_compressed_bytes) AS bytes FROM system.parts WHERE active AND database = currentDatabase() AND table = 'route_events'",
);
const rows = Number(parts.rows[0].rows);
report('store writer → chDB', { rows: N, rows_per_s: N / secs, bytes_per_event: Number(parts.rows[0].bytes) / rows });

const client = store.client;
const command = (query: string) => client.command({ query });
const names = async (sql: string) => (await (await client.query({ query: sql, format: 'JSONEachRow' })).json<{ name: string }>()).map((r) => r.name);
const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
/** Until chDB runs no merge (at most 60 s), so each figure holds the merges its own inserts started. */
async function settle(): Promise<void> {
  for (let i = 0; i < 600 && (await names('SELECT table AS name FROM system.merges')).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
}

// The stored rows as the writer stages them: RowBinary files of BATCH rows (the same bytes whichever types read them).
const structure = (types: string[]) => sqlString(ROUTE_EVENT_COLUMNS.map((c, i) => `${c} ${types[i]}`).join(', '));
const declared = columnTypes('route_events', ROUTE_EVENT_COLUMNS);
const staged = declared.map(stagedType);
const files: string[] = [];
mkdirSync(join(dir, 'staged'));
for (let offset = 0; offset < rows; offset += BATCH) {
  const file = join(dir, 'staged', `${offset}.rowbinary`);
  await command(`INSERT INTO FUNCTION file(${sqlString(file)}, 'RowBinary', ${structure(staged)}) SELECT ${ROUTE_EVENT_COLUMNS.join(', ')} FROM route_events ORDER BY time, event_id LIMIT ${BATCH} OFFSET ${offset}`);
  files.push(file);
}
let token = 0;
const insertFrom = (table: string, file: string, types: string[], limit = '') =>
  command(`INSERT INTO ${table} (${ROUTE_EVENT_COLUMNS.join(', ')}) SETTINGS insert_deduplication_token = 'bench-${token++}', optimize_on_insert = 0 SELECT * FROM file(${sqlString(file)}, 'RowBinary', ${structure(types)})${limit}`);

/** chDB's CPU per row for the staged files into a fresh copy of route_events (no views), read with `types`. */
async function stagedInsert(types: string[]): Promise<number> {
  await command('DROP TABLE IF EXISTS bench_route_events');
  await command('CREATE TABLE bench_route_events AS route_events');
  await settle();
  const cpu = cpuSeconds();
  for (const file of files) await insertFrom('bench_route_events', file, types);
  await settle();
  return ((cpuSeconds() - cpu) * 1e6) / rows;
}
const perRow = { declared: [] as number[], staged: [] as number[] };
for (let r = 0; r < ROUNDS; r++) {
  perRow.declared.push(await stagedInsert(declared));
  perRow.staged.push(await stagedInsert(staged));
}
await command('DROP TABLE bench_route_events');
const median = (xs: number[]) => spread(xs).median;
report('chDB per row, LowCardinality read', { cpu_us_min: spread(perRow.declared).min, cpu_us_median: median(perRow.declared) });
report('chDB per row, plain types (writer)', { cpu_us_min: spread(perRow.staged).min, cpu_us_median: median(perRow.staged), vs_lowcardinality: median(perRow.staged) / median(perRow.declared) });

// The fixed cost of an insert: one row, with and without the read models' views.
const views = VIEWS.filter((v) => v.from === 'route_events').map((v) => v.name);
async function oneRowInserts(): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < 10; i++) {
    const started = performance.now();
    await insertFrom('route_events', files[0], staged, ` LIMIT 1 OFFSET ${i}`);
    ms.push(performance.now() - started);
  }
  return ms;
}
const withViews = await oneRowInserts();
for (const v of views) await command(`DETACH TABLE ${v}`);
const withoutViews = await oneRowInserts();
for (const v of views) await command(`ATTACH TABLE ${v}`);
report('one 1-row insert, with the views', { views: views.length, ms_median: median(withViews), ms_max: spread(withViews).max });
report('one 1-row insert, views detached', { ms_median: median(withoutViews), ms_max: spread(withoutViews).max });
await store.close();
rmSync(dir, { recursive: true, force: true });
