/** Rows/s through the store writer into chDB, bytes per stored route event after compression, peak RSS. */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../analyzer/store/index.js';
import { makeTmpDir } from '../test/helpers/tmp.js';
import { dataset } from '../test/analyzer/store/fixtures.js';
import { report } from './report.js';

const N = Number(process.env.BENCH_STORE_ROWS ?? 300_000);
const dir = makeTmpDir('bench-store');
const store = await openStore({ db: join(dir, 'db') });
await store.migrate();
const items = dataset(N);
const w = store.createWriter({ batchSize: 50_000 });
const t0 = performance.now();
for (const x of items) await w.writeEvent(x.event, x.finding);
await w.flush();
const secs = (performance.now() - t0) / 1000;
const parts = await store.readonlySql(
  "SELECT sum(rows) AS rows, sum(data_compressed_bytes) AS bytes FROM system.parts WHERE active AND database = currentDatabase() AND table = 'route_events'",
);
const rows = Number(parts.rows[0].rows);
report('store writer → chDB', { rows: N, rows_per_s: N / secs, bytes_per_event: Number(parts.rows[0].bytes) / rows });
await store.close();
rmSync(dir, { recursive: true, force: true });
