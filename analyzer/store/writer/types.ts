import type { ClickHouseClient } from '@clickhouse/client';
import type { RouteEvent } from '../../../collector/models/route-event.js';
import type { Finding } from '../../models/finding.js';
import type { LifecycleEvent } from '../../models/lifecycle.js';
import type { Payload } from '../batch.js';
import type { EmbeddedChdb } from '../insert.js';

export interface WriterOptions {
  /** Rows per insert (per table). */
  batchSize?: number;
  /** A partly filled batch is sent after this long; 0: only when full or flushed (batch boundaries that depend on the rows alone). */
  flushIntervalMs?: number;
  /** Attempts per batch before it goes to the spool. */
  maxRetries?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Folder of the on-disk spool (the store passes `<db>/spool` by default). */
  spoolDir: string;
  /** Spool bound in rows; when full, `write*` waits (back-pressure) instead of dropping. */
  maxSpoolRows?: number;
  /** How often a non-empty spool tries to replay. */
  recoveryIntervalMs?: number;
  /** Batches held in memory (waiting or being inserted) before `write*` waits. */
  maxQueuedBatches?: number;
  /**
   * Inserts in flight at once. Two let the store work on one batch while it merges or feeds the
   * views of the other (one insert leaves a core idle); the order batches land in carries no
   * meaning (rows carry their times, read models are order-free). An embedded store runs them
   * at once only on as many connections (`openConnection`): one chDB connection runs one query
   * at a time.
   */
  concurrentInserts?: number;
  /** The embedded store's chDB (`connect` returns it): batches go in as RowBinary through it. Without it, over `client` as text. */
  chdb?: EmbeddedChdb | null;
  /** Embedded store: opens another connection to it, when an insert finds every one busy (up to `concurrentInserts`); the writer closes them. */
  openConnection?: () => ClickHouseClient;
  /** Cluster mode: inserts go through Distributed tables synchronously. */
  distributed?: boolean;
  /**
   * The entries of RIB dumps (events with `from_rib`) stored as rib_snapshots rows, one per
   * collector, dump time, prefix, origin and classification (default); false: one route_events
   * row each, as any event.
   */
  ribSnapshots?: boolean;
  /** Called after each successful batch insert (first tries, retries and spool replays) with its wall time. */
  onInsert?(seconds: number, table: string, rows: number): void;
}

export interface WriterStats {
  /** Rows accepted into batches (a RIB snapshot row holds several of the events given to writeEvent). */
  accepted: number;
  /** Rows the store acknowledged (directly or by replay). */
  inserted: number;
  insertedBatches: number;
  /** Batches that needed more than one attempt. */
  retriedBatches: number;
  failedAttempts: number;
  /** Rows ever written to the spool, and of those, replayed into the store. */
  spooledRows: number;
  replayedRows: number;
  spoolDepthRows: number;
  spoolDepthBatches: number;
  /** Rows the store rejected as malformed (a permanent error), kept in `<spool>/rejected`. */
  rejectedRows: number;
  /** Rows waiting in memory (buffers + queued batches). */
  pendingRows: number;
  /** True while batches are going to the spool. */
  storeDown: boolean;
}

/** Rows in, batches out (analyzer/store/row-writer.ts). */
export interface RowWriter {
  writeEvent(event: RouteEvent, finding: Finding | null): Promise<void> | void;
  writeLifecycle(event: LifecycleEvent): Promise<void> | void;
  /** Resolves when every row written before the call is in the store or in the on-disk spool (rows written meanwhile are not waited for). */
  flush(): Promise<void>;
  /**
   * As flush, but for the RIB snapshot rows of the prefix being read, which stay open for its
   * entries still to come: an ingest's checkpoint, which may fall inside a prefix's entries,
   * leaves its routes in one row (so the rows do not depend on where checkpoints fall, or on --jobs).
   */
  flushComplete(): Promise<void>;
  /**
   * The input ended (an ingest's file): the RIB snapshot rows of the prefix being read are added
   * to the batches, which stay open for the next input's rows. Nothing is cut or waited for.
   */
  endInput(): void;
  /**
   * Drops the rows not yet cut into a batch (an interrupted ingest's: its rerun reads the file
   * again and cuts them the same way, where flushing them now would cut them differently, so
   * the store could not recognise them again); returns how many.
   */
  discard(): number;
  /** Flushes, waits for every batch, stops timers. */
  close(): Promise<void>;
  /** Rows waiting in memory (buffers + batches held by the outlet). */
  readonly pendingRows: number;
}

export interface StoreWriter extends RowWriter {
  /**
   * A batch another row writer built (an ingest worker's): inserted as the writer's own, with its
   * retries and spool; resolves once it is in the store or the spool.
   */
  insertBatch(batch: Batch): Promise<void>;
  /** Flush, try a last replay, stop timers. A non-empty spool stays on disk for the next start. */
  close(): Promise<void>;
  stats(): WriterStats;
}

/** Where a row writer's batches go; what it waits on for back-pressure and flushes. */
export interface BatchOutlet {
  push(b: Batch): void;
  /** Batches handed over and not yet delivered, and their rows. */
  readonly held: number;
  readonly rows: number;
  /** Resolves once fewer than `max` batches are held. */
  room(max: number): Promise<void>;
  /** Resolves once every batch held now is delivered. */
  landed(): Promise<void>;
  /** Resolves once nothing is held. */
  drained(): Promise<void>;
}

/** A batch ready to send: its bytes and its deduplication token. */
export interface Batch {
  payload: Payload;
  token: string;
}

/** The counters the parts of the writer keep (the rest of `WriterStats` is read off the spool and the buffers). */
export type WriterCounters = Omit<WriterStats, 'spoolDepthRows' | 'spoolDepthBatches' | 'pendingRows'>;
