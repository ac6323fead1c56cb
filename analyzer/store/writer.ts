import type { ClickHouseClient } from '@clickhouse/client';
import { log } from '../../common/log.js';
import { storeInserter } from './insert.js';
import { BATCH_ROWS, createRowWriter } from './row-writer.js';
import { Spool } from './spool.js';
import { BatchAttempts } from './writer/attempts.js';
import { Changes } from './writer/changes.js';
import { InsertPipeline } from './writer/pipeline.js';
import { Spooler } from './writer/spooler.js';
import type { Batch, BatchOutlet, StoreWriter, WriterCounters, WriterOptions } from './writer/types.js';

export type { Batch, BatchOutlet, RowWriter, StoreWriter, WriterOptions, WriterStats } from './writer/types.js';

/**
 * The store writer, put together from its parts (analyzer/store/writer/): rows go into per-table
 * batches (row-writer.ts); batches into an insert pipeline with bounded concurrency (InsertPipeline);
 * each batch is inserted with retries (BatchAttempts, common/retry.ts), and while the store is
 * down, kept in the on-disk spool and replayed from it (Spooler). Writers wait (back-pressure)
 * when too many batches are held in memory or the spool is full.
 */
export function createStoreWriter(client: ClickHouseClient, options: WriterOptions): StoreWriter {
  const o = {
    batchSize: BATCH_ROWS,
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
  const outlet: BatchOutlet = {
    push: (b) => pipeline.push(b),
    get held() {
      return pipeline.held;
    },
    get rows() {
      return pipeline.rows;
    },
    room: (max) => pipeline.room(max),
    landed: () => pipeline.landed(),
    drained: () => pipeline.drained(),
  };
  const rows = createRowWriter(outlet, o, s);

  return {
    writeEvent: rows.writeEvent,
    writeLifecycle: rows.writeLifecycle,
    flush: rows.flush,
    flushComplete: rows.flushComplete,
    endInput: rows.endInput,
    discard: rows.discard,
    async insertBatch(b) {
      s.accepted += b.payload.rows;
      pipeline.push(b);
      await pipeline.landed([b]);
    },
    async close() {
      await rows.close();
      await spooler.close();
      await inserter.close();
      if (spool.depthRows > 0) log.warn({ rows: spool.depthRows, spool: o.spoolDir }, 'store writer closed with rows in the spool; they replay on the next start');
    },
    get pendingRows() {
      return rows.pendingRows;
    },
    stats() {
      return { ...s, spoolDepthRows: spool.depthRows, spoolDepthBatches: spool.depthBatches, pendingRows: rows.pendingRows };
    },
  };
}
