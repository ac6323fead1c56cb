import type { ClickHouseClient } from '@clickhouse/client';
import type { RouteEvent } from '../../collector/models/route-event.js';
import { log } from '../../common/log.js';
import type { Finding } from '../models/finding.js';
import type { LifecycleEvent } from '../models/lifecycle.js';
import { LIFECYCLE_COLUMNS, lifecycleValues, ROUTE_EVENT_COLUMNS, routeEventValues } from './rows.js';
import { batchBuilder, payloadToken, type BatchBuilder, type Payload } from './batch.js';
import { storeInserter, type EmbeddedChdb } from './insert.js';
import { Spool } from './spool.js';

export interface WriterOptions {
  /** Rows per insert (per table). */
  batchSize?: number;
  /** A partly filled batch is sent after this long. */
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
   * meaning (rows carry their times, read models are order-free).
   */
  concurrentInserts?: number;
  /** The embedded store's chDB (`connect` returns it): batches go in as RowBinary through it. Without it, over `client` as text. */
  chdb?: EmbeddedChdb | null;
  /** Cluster mode: inserts go through Distributed tables synchronously. */
  distributed?: boolean;
  /** Called after each successful batch insert (first tries, retries and spool replays) with its wall time. */
  onInsert?(seconds: number, table: string, rows: number): void;
}

export interface WriterStats {
  /** Rows given to writeEvent/writeLifecycle. */
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

export interface StoreWriter {
  writeEvent(event: RouteEvent, finding: Finding | null): Promise<void> | void;
  writeLifecycle(event: LifecycleEvent): Promise<void> | void;
  /** Resolves when every row written so far is in the store or in the on-disk spool. */
  flush(): Promise<void>;
  /** Flush, try a last replay, stop timers. A non-empty spool stays on disk for the next start. */
  close(): Promise<void>;
  stats(): WriterStats;
}

/** A batch ready to send: its bytes and its deduplication token. */
interface Batch {
  payload: Payload;
  token: string;
}

// ClickHouse error codes that mean "this data is bad", where retrying cannot help.
const PERMANENT_CODES = new Set(['6', '26', '27', '38', '41', '53', '69', '70', '72', '117']);

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

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
    ...options,
  };
  const spool = new Spool(o.spoolDir);
  const rejected = new Spool(`${o.spoolDir}/rejected`);
  const s = {
    accepted: 0,
    inserted: 0,
    insertedBatches: 0,
    retriedBatches: 0,
    failedAttempts: 0,
    spooledRows: 0,
    replayedRows: 0,
    rejectedRows: 0,
    storeDown: spool.depthRows > 0,
  };
  const inserter = storeInserter(client, { chdb: o.chdb, distributed: o.distributed });
  /** One builder per table for the writer's life (it keeps its buffer, sized by the last batch). */
  const builders = new Map<string, BatchBuilder>();
  /** When the first row of each table's current batch came. */
  const batchStarted = new Map<string, number>();
  /** Batches waiting for an insert slot, and those being inserted (or spooled). */
  const queue: Batch[] = [];
  const inFlight = new Set<Batch>();
  const held = () => queue.length + inFlight.size;
  let replaying = false;
  let closed = false;
  let waiters: Array<() => void> = [];
  const wake = () => {
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };
  const changed = () => new Promise<void>((r) => waiters.push(r));

  async function insertBatch(b: Batch): Promise<void> {
    const started = performance.now();
    await inserter.insert(b.payload, b.token);
    o.onInsert?.((performance.now() - started) / 1000, b.payload.table, b.payload.rows);
  }

  const isPermanent = (err: unknown) => PERMANENT_CODES.has(String((err as { code?: unknown }).code));

  /** Inserts with exponential backoff; false when the store stays down. */
  async function tryInsert(b: Batch): Promise<'ok' | 'down' | 'rejected'> {
    for (let attempt = 0; attempt < o.maxRetries; attempt++) {
      try {
        await insertBatch(b);
        if (attempt > 0) s.retriedBatches++;
        return 'ok';
      } catch (err) {
        s.failedAttempts++;
        if (isPermanent(err)) {
          log.error({ table: b.payload.table, rows: b.payload.rows, err: (err as Error).message }, 'store rejected a batch; kept in the spool rejected folder');
          rejected.append(b.token, b.payload);
          s.rejectedRows += b.payload.rows;
          return 'rejected';
        }
        log.warn({ table: b.payload.table, attempt: attempt + 1, err: (err as Error).message }, 'store insert failed');
        if (attempt + 1 < o.maxRetries) await sleep(Math.min(o.retryMaxMs, o.retryBaseMs * 2 ** attempt));
      }
    }
    return 'down';
  }

  async function toSpool(b: Batch): Promise<void> {
    // Back-pressure: wait for replay to make room (one batch always fits in an empty spool).
    while (spool.depthRows > 0 && spool.depthRows + b.payload.rows > o.maxSpoolRows) await changed();
    spool.append(b.token, b.payload);
    s.spooledRows += b.payload.rows;
    if (!s.storeDown) log.warn({ spool: o.spoolDir }, 'store unreachable: spooling batches to disk');
    s.storeDown = true;
  }

  /** One batch: inserted, or (store down) kept in the spool. */
  async function deliver(b: Batch): Promise<void> {
    // Once anything is spooled, later batches go behind it, so replay keeps the order they came in.
    if (spool.depthRows > 0) return toSpool(b);
    const r = await tryInsert(b);
    if (r === 'ok') {
      s.inserted += b.payload.rows;
      s.insertedBatches++;
    } else if (r === 'down') await toSpool(b);
  }

  /** Starts inserts while slots are free; one at a time while the store is down, so batches spool in order. */
  function work(): void {
    const slots = s.storeDown ? 1 : o.concurrentInserts;
    while (inFlight.size < slots && queue.length > 0) {
      const b = queue.shift()!;
      inFlight.add(b);
      deliver(b)
        .catch((err: unknown) => log.error({ table: b.payload.table, rows: b.payload.rows, err: (err as Error).message }, 'batch neither stored nor spooled (spool not writable)'))
        .finally(() => {
          inFlight.delete(b);
          wake();
          work();
        });
    }
  }

  /** Replays spooled batches in order while the store accepts them. */
  async function replay(): Promise<void> {
    if (replaying || spool.depthRows === 0) return;
    replaying = true;
    try {
      for (let b = spool.peek(); b; b = spool.peek()) {
        try {
          await insertBatch(b);
        } catch (err) {
          if (isPermanent(err)) {
            rejected.append(b.token, b.payload);
            s.rejectedRows += b.rows;
            spool.shift();
            wake();
            continue;
          }
          log.debug({ err: (err as Error).message }, 'store still unreachable; spool kept');
          return;
        }
        spool.shift();
        s.inserted += b.rows;
        s.insertedBatches++;
        s.replayedRows += b.rows;
        wake();
      }
      s.storeDown = false;
      log.info({ replayed: s.replayedRows }, 'store reachable again: spool replayed');
    } finally {
      replaying = false;
      wake();
    }
  }

  function enqueue(table: string): void {
    const builder = builders.get(table);
    if (!builder || builder.rows === 0) return;
    batchStarted.delete(table);
    const payload = builder.take();
    queue.push({ payload, token: payloadToken(payload) });
    work();
  }

  /** Adds one row (`values` in `columns` order); a row that cannot be encoded is counted, logged and skipped. */
  function add(table: string, columns: readonly string[], values: unknown[], context: object): Promise<void> | void {
    if (closed) throw new Error('store writer is closed');
    let builder = builders.get(table);
    if (!builder) builders.set(table, (builder = batchBuilder(table, columns, inserter.format)));
    try {
      builder.add(values);
    } catch (err) {
      log.warn({ table, ...context, err: (err as Error).message }, 'row not storable; skipped');
      s.rejectedRows++;
      return;
    }
    s.accepted++;
    if (builder.rows === 1) batchStarted.set(table, Date.now());
    if (builder.rows >= o.batchSize) enqueue(table);
    if (held() >= o.maxQueuedBatches) return (async () => {
      while (held() >= o.maxQueuedBatches) await changed();
    })();
  }

  const timer = setInterval(() => {
    const now = Date.now();
    for (const [table, started] of batchStarted) if (now - started >= o.flushIntervalMs) enqueue(table);
  }, Math.max(10, Math.floor(o.flushIntervalMs / 4)));
  timer.unref();
  const recovery = setInterval(() => {
    if (spool.depthRows > 0) void replay();
  }, o.recoveryIntervalMs);
  recovery.unref();

  async function flush(): Promise<void> {
    for (const table of [...batchStarted.keys()]) enqueue(table);
    while (held() > 0) await changed();
  }

  return {
    writeEvent(event, finding) {
      let values: unknown[];
      try {
        values = routeEventValues(event, finding);
      } catch (err) {
        log.warn({ prefix: event?.prefix, collector: event?.collector, err: (err as Error).message }, 'route event not storable; skipped');
        s.rejectedRows++;
        return;
      }
      return add('route_events', ROUTE_EVENT_COLUMNS, values, { prefix: event.prefix, collector: event.collector });
    },
    writeLifecycle(event) {
      let values: unknown[];
      try {
        values = lifecycleValues(event);
      } catch (err) {
        log.warn({ type: event?.type, err: (err as Error).message }, 'lifecycle event not storable; skipped');
        s.rejectedRows++;
        return;
      }
      return add('finding_events', LIFECYCLE_COLUMNS, values, { type: event.type });
    },
    flush,
    async close() {
      if (closed) return;
      await flush();
      closed = true;
      clearInterval(timer);
      clearInterval(recovery);
      while (replaying) await changed();
      await replay();
      inserter.close();
      if (spool.depthRows > 0) log.warn({ rows: spool.depthRows, spool: o.spoolDir }, 'store writer closed with rows in the spool; they replay on the next start');
    },
    stats() {
      let pending = 0;
      for (const b of builders.values()) pending += b.rows;
      for (const b of [...queue, ...inFlight]) pending += b.payload.rows;
      return { ...s, spoolDepthRows: spool.depthRows, spoolDepthBatches: spool.depthBatches, pendingRows: pending };
    },
  };
}
