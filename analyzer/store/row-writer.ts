import { log } from '../../common/log.js';
import type { RouteEvent } from '../../collector/models/route-event.js';
import type { LifecycleEvent } from '../models/lifecycle.js';
import type { RibSnapshotRow } from '../models/rib-snapshot.js';
import type { RowEncoder } from './batch.js';
import { LIFECYCLE_COLUMNS, lifecycleValues, RIB_SNAPSHOT_COLUMNS, ribSnapshotValues, ROUTE_EVENT_COLUMNS, routeEventValues } from './rows.js';
import { RibSnapshots } from './rib-snapshot.js';
import { encodeLifecycle, encodeRibSnapshot, encodeRouteEvent } from './route-event-encoder.js';
import { Batcher } from './writer/batcher.js';
import type { BatchOutlet, RowWriter, WriterCounters } from './writer/types.js';

/** What a skipped row's warning says of it. */
const eventContext = (e: RouteEvent) => ({ prefix: e?.prefix, collector: e?.collector });
const snapshotContext = (r: RibSnapshotRow) => ({ prefix: r.prefix, collector: r.collector, routes: r.peerIps.length });
const lifecycleContext = (e: LifecycleEvent) => ({ type: e?.type });

/** Rows a batch is cut at by default (the same cuts give the same dedup tokens: every writer of a store uses it). */
export const BATCH_ROWS = 50_000;

/**
 * Rows into the store's tables, as batches handed to `outlet`: events (a RIB dump's entries
 * grouped into snapshot rows), lifecycle changes. Writers wait (back-pressure) while the outlet
 * holds `maxQueuedBatches`. The store writer's outlet inserts the batches; an ingest worker's
 * passes them to the thread that does (cli/ingest/).
 */
export function createRowWriter(
  outlet: BatchOutlet,
  o: { batchSize: number; flushIntervalMs: number; maxQueuedBatches: number; ribSnapshots: boolean },
  s: Pick<WriterCounters, 'accepted' | 'rejectedRows'>,
): RowWriter {
  const batcher = new Batcher(o, (b) => outlet.push(b));
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
      if (encode) batcher.addEncoded(table, columns, encode, a, b, weight);
      else batcher.add(table, columns, values(a, b), weight);
    } catch (err) {
      log.warn({ table, ...context(a, b), err: (err as Error).message }, 'row not storable; skipped');
      s.rejectedRows++;
      return;
    }
    s.accepted++;
    if (outlet.held >= o.maxQueuedBatches) return outlet.room(o.maxQueuedBatches);
  }

  /** RIB snapshot rows a new prefix closed, or a flush; each weighs its routes towards the batch size. */
  function addSnapshots(rows: RibSnapshotRow[]): Promise<void> | void {
    let wait: Promise<void> | void = undefined;
    for (const r of rows) wait = addRow('rib_snapshots', RIB_SNAPSHOT_COLUMNS, encodeRibSnapshot, ribSnapshotValues, r, null, snapshotContext, r.peerIps.length) ?? wait;
    return wait;
  }

  /**
   * Hands over what was written before the call, at once, and waits for it alone: rows a caller
   * writes meanwhile (ingest reading on past a checkpoint, or the next file) are not waited for.
   * The cut never waits for the store, so where batches end (their dedup tokens) does not depend
   * on its pace; the queue may hold a few batches over its bound, and the next row waits for room.
   * The RIB snapshot rows of the prefix being read stay open for its entries still to come.
   */
  function handOver(): Promise<void> {
    batcher.cutAll();
    return outlet.landed();
  }
  /** The input ended: the RIB snapshot rows of its last prefix go into the batches (not cut). */
  function endInput(): void {
    addSnapshots(snapshots.take()); // the queue's bound is the next row's to wait for, as after a cut
  }
  const flush = () => {
    endInput();
    return handOver();
  };

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
    flushComplete: handOver,
    endInput,
    discard() {
      return snapshots.take().length + batcher.dropAll();
    },
    async close() {
      if (closed) return;
      await flush();
      await outlet.drained();
      closed = true;
      batcher.stop();
    },
    get pendingRows() {
      return batcher.rows + outlet.rows;
    },
  };
}
