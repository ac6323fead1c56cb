import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSource } from '../../../collector/sources/index.js';
import { createMetrics, createMetricsSink, probeHealth, type Metrics } from '../../../analyzer/metrics/index.js';
import { routeEventRow } from '../../../analyzer/store/rows.js';
import { openStore, type Store, type StoreWriter } from '../../../analyzer/store/index.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../../helpers/shared-data.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { sample, startOpsServer } from './fixtures.js';

// Real parts: a real MRT file through the real file source, real chDB store writer, real HTTP scrape.
describe.skipIf(!hasSharedData)(`metrics from a real source and store ${hasSharedData ? '' : sharedDataSkipReason}`, () => {
  let store: Store;
  let writer: StoreWriter;
  let metrics: Metrics;
  let srv: Awaited<ReturnType<typeof startOpsServer>>;
  const ids = new Set<string>();

  beforeAll(async () => {
    store = await openStore({ db: join(makeTmpDir('metrics-real'), 'db') });
    await store.migrate();
    writer = store.createWriter({ batchSize: 500 });
    metrics = createMetrics({ processMetrics: false });
    const source = new FileSource([sharedData('mrt', 'bgpstream-testdata', 'ris.rrc06.updates.1427846400.gz')]);
    metrics.observeSource(() => source.stats());
    metrics.observeWriter(() => writer.stats());
    srv = await startOpsServer({ metrics, health: () => probeHealth({ ping: () => store.ping(), source: () => source.stats() }) });
    const sink = createMetricsSink(metrics);
    for await (const e of source.events()) {
      sink.onEvent!(e, null);
      ids.add(String(routeEventRow(e, null).event_id));
      await writer.writeEvent(e, null);
    }
    await writer.flush();
  });
  afterAll(async () => {
    await srv?.close();
    await store?.close();
  });

  it('shows what the source read and the store acknowledged', async () => {
    const text = await (await fetch(`${srv.url}/metrics`)).text();
    const ws = writer.stats();
    // bgpdump -m prints 1,561 lines for this file, state changes included; elements are the prefixes
    const elements = sample(text, 'portolan_elements_total')!;
    expect(elements).toBeGreaterThan(1000);
    expect(sample(text, 'portolan_store_rows_inserted_total')).toBe(elements);
    expect(ws.inserted).toBe(elements);
    expect(sample(text, 'portolan_store_insert_batches_total')).toBe(ws.insertedBatches);
    expect(ws.insertedBatches).toBeGreaterThanOrEqual(Math.ceil(elements / 500));
    const announce = sample(text, 'portolan_events_total{elem_type="announce"}') ?? 0;
    const withdraw = sample(text, 'portolan_events_total{elem_type="withdraw"}') ?? 0;
    expect(announce + withdraw).toBe(elements);
    expect(sample(text, 'portolan_store_spool_depth_rows')).toBe(0);
    // the file repeats some identical updates; the store keeps one row per distinct event id
    const rows = await store.readonlySql('SELECT count() AS n FROM route_events FINAL');
    expect(Number(rows.rows[0].n)).toBe(ids.size);
  });

  it('is healthy with a reachable store and a finished file source', async () => {
    const res = await fetch(`${srv.url}/healthz`);
    expect(res.status).toBe(200);
    expect((await res.json()).checks).toEqual({ store: 'ok', feed: 'n/a', lag: 'n/a' });
  });
});
