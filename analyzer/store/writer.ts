import type { ClickHouseClient } from '@clickhouse/client';
import { log } from '../../common/log.js';
import type { RouteEvent } from '../../collector/models/route-event.js';
import type { LifecycleEvent } from '../models/lifecycle.js';
import type { RibSnapshotRow } from '../models/rib-snapshot.js';
import { LIFECYCLE_COLUMNS, lifecycleValues, RIB_SNAPSHOT_COLUMNS, ribSnapshotValues, ROUTE_EVENT_COLUMNS, routeEventValues } from './rows.js';
import { RibSnapshots } from './rib-snapshot.js';
import { storeInserter } from './insert.js';
import { encodeLifecycle, encodeRibSnapshot, encodeRouteEvent } from './route-event-encoder.js';
import type { RowEncoder } from './batch.js';
import { Spool } from './spool.js';
import { BatchAttempts } from './writer/attempts.js';
import { Batcher } from './writer/batcher.js';
import { Changes } from './writer/changes.js';
import { InsertPipeline } from './writer/pipeline.js';
import { Spooler } from './writer/spooler.js';
import type { Batch, StoreWriter, WriterCounters, WriterOptions } from './writer/types.js';

export type { StoreWriter, WriterOptions, WriterStats } from './writer/types.js';

/** What a skipped row's warning says of it. */
const eventContext = (e: RouteEvent) => ({ prefix: e?.prefix, collector: e?.collector });
const snapshotContext = (r: RibSnapshotRow) => ({ prefix: r.prefix, collector: r.collector, routes: r.peerIps.length });
const lifecycleContext = (e: LifecycleEvent) => ({ type: e?.type });

/**
 * The store writer, put together from its parts (analyzer/store/writer/): rows go into per-table
 * batches (Batcher); batches into an insert pipeline with bounded concurrency (InsertPipeline);
 * each batch is inserted with retries (BatchAttempts, common/retry.ts), and while the store is
 * down, kept in the on-disk spool and replayed from it (Spooler). Writers wait (back-pressure)
 * when too many batches are held in memory or the spool is full.
 */
export function createStoreWriter(client: ClickHouseClient, options: WriterOptions): StoreWriter {
  const o = {
    batchSize: 50_000,
    flushIntervalMs: 1000,
    maxRetries: 3,
    retryBaseMs: 200,
    retryMaxMs: 5000,
    maxSpoolRows: 2_000_000,
    recoveryIntervalMs: 2000,
    maxQueuedBatches: 4,
    concurrentInserts: 2,
    distributed: false,
    ribSnapshots: true,
    ...options,
  };
  const s: WriterCounters = { accepted: 0, inserted: 0, insertedBatches: 0, retriedBatches: 0, failedAttempts: 0, spooledRows: 0, replayedRows: 0, rejectedRows: 0, storeDown: false };
  const inserter = storeInserter(client, { chdb: o.chdb, distributed: o.distributed, connections: o.concurrentInserts, openConnection: o.openConnection });
  const changes = new Changes();
  const spool = new Spool(o.spoolDir);
  const rejected = new Spool(`${o.spoolDir}/rejected`);
  const attempts = new BatchAttempts(inserter, { attempts: o.maxRetries, initialDelayMs: o.retryBaseMs, maxDelayMs: o.retryMaxMs }, s, rejected, o.onInsert);
  const spooler = new Spooler(spool, attempts, s, changes, o);

  /** One batch: inserted, or (store down) kept in the spool. */
  async function deliver(b: Batch): Promise<void> {
    if (spooler.holding) return spooler.keep(b);
    if ((await attempts.insert(b, 'new')) === 'down') await spooler.keep(b);
  }
  // One insert at a time while the store is down, so batches spool in order.
  const pipeline = new InsertPipeline(() => (s.storeDown ? 1 : o.concurrentInserts), deliver, changes);
  const batcher = new Batcher(inserter.format, o, (b) => pipeline.push(b));
  const snapshots = new RibSnapshots();
  let closed = false;

  /**
   * Adds one row: written by the table's own RowBinary encoder where the batches are RowBinary,
   * else as its `values`. A row that cannot be built or encoded is counted, logged and skipped.
   * `weight`: the events the row stands for (see Batcher.add).
   */
  function addRow<A, B>(
    table: string,
    columns: readonly string[],
    encode: RowEncoder<A, B> | null,
    values: (a: A, b: B) => unknown[],
    a: A,
    b: B,
    context: (a: A, b: B) => object,
    weight = 1,
  ): Promise<void> | void {
    if (closed) throw new Error('store writer is closed');
    try {
      if (!encode || !batcher.addEncoded(table, columns, encode, a, b, weight)) batcher.add(table, columns, values(a, b), weight);
    } catch (err) {
      log.warn({ table, ...context(a, b), err: (err as Error).message }, 'row not storable; skipped');
      s.rejectedRows++;
      return;
    }
    return accepted();
  }

  /** Counts a row added; back-pressure when too many batches are held. */
  function accepted(): Promise<void> | void {
    s.accepted++;
    if (pipeline.held >= o.maxQueuedBatches) return pipeline.room(o.maxQueuedBatches);
  }

  /** RIB snapshot rows a new prefix closed, or a flush; each weighs its routes towards the batch size. */
  function addSnapshots(rows: RibSnapshotRow[]): Promise<void> | void {
    let wait: Promise<void> | void = undefined;
    for (const r of rows) wait = addRow('rib_snapshots', RIB_SNAPSHOT_COLUMNS, encodeRibSnapshot, ribSnapshotValues, r, null, snapshotContext, r.peerIps.length) ?? wait;
    return wait;
  }

  /**
   * Hands over what was written before the call, at once unless the queue is full, and waits
   * for it alone: rows a caller writes meanwhile (ingest reads on past a checkpoint) are not
   * waited for, nor handed over unless the queue made the flush wait.
   */
  function flush(): Promise<void> {
    const wait = addSnapshots(snapshots.take());
    const handOver = (): Promise<void> => {
      batcher.cutAll();
      return pipeline.landed();
    };
    return wait ? wait.then(handOver) : handOver();
  }

  return {
    writeEvent(event, finding) {
      if (closed) throw new Error('store writer is closed');
      // A RIB dump's entry goes into its prefix's snapshot row, stored when the prefix is complete.
      if (event.from_rib === true && event.elem_type === 'announce' && o.ribSnapshots) return addSnapshots(snapshots.add(event, finding));
      return addRow('route_events', ROUTE_EVENT_COLUMNS, encodeRouteEvent, routeEventValues, event, finding, eventContext);
    },
    writeLifecycle(event) {
      return addRow('finding_events', LIFECYCLE_COLUMNS, encodeLifecycle, lifecycleValues, event, null, lifecycleContext);
    },
    flush,
    async close() {
      if (closed) return;
      await flush();
      await pipeline.drained();
      closed = true;
      batcher.stop();
      await spooler.close();
      await inserter.close();
      if (spool.depthRows > 0) log.warn({ rows: spool.depthRows, spool: o.spoolDir }, 'store writer closed with rows in the spool; they replay on the next start');
    },
    stats() {
      return { ...s, spoolDepthRows: spool.depthRows, spoolDepthBatches: spool.depthBatches, pendingRows: batcher.rows + pipeline.rows };
    },
  };
}
