import { log } from '../../../common/log.js';
import type { Spool } from '../spool.js';
import type { BatchAttempts } from './attempts.js';
import type { Changes } from './changes.js';
import type { Batch, WriterCounters } from './types.js';

/**
 * The on-disk spool while the store is down: batches that could not be inserted go there (with
 * back-pressure when it is full), and a timer replays them, oldest first, once the store takes
 * them again. Once anything is spooled, later batches go behind it, so replay keeps their order.
 */
export class Spooler {
  private replaying = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly spool: Spool,
    private readonly attempts: BatchAttempts,
    private readonly counters: WriterCounters,
    private readonly changes: Changes,
    private readonly opts: { maxSpoolRows: number; recoveryIntervalMs: number },
  ) {
    counters.storeDown = spool.depthRows > 0;
    this.timer = setInterval(() => {
      if (spool.depthRows > 0) void this.replay();
    }, opts.recoveryIntervalMs);
    this.timer.unref();
  }

  /** True while batches must go behind the spooled ones. */
  get holding(): boolean {
    return this.spool.depthRows > 0;
  }

  /** Writes a batch to the spool, first waiting for replay to make room (one batch always fits in an empty spool). */
  async keep(b: Batch): Promise<void> {
    const s = this.counters;
    while (this.spool.depthRows > 0 && this.spool.depthRows + b.payload.rows > this.opts.maxSpoolRows) await this.changes.next();
    this.spool.append(b.token, b.payload);
    s.spooledRows += b.payload.rows;
    if (!s.storeDown) log.warn({ spool: this.spool.dir }, 'store unreachable: spooling batches to disk');
    s.storeDown = true;
  }

  /** Replays spooled batches in order while the store accepts them. */
  async replay(): Promise<void> {
    if (this.replaying || this.spool.depthRows === 0) return;
    this.replaying = true;
    try {
      for (let b = this.spool.peek(); b; b = this.spool.peek()) {
        const outcome = await this.attempts.insert({ payload: b.payload, token: b.token }, 'spooled');
        if (outcome === 'down') return;
        this.spool.shift();
        if (outcome === 'ok') this.counters.replayedRows += b.payload.rows;
        this.changes.wake();
      }
      this.counters.storeDown = false;
      log.info({ replayed: this.counters.replayedRows }, 'store reachable again: spool replayed');
    } finally {
      this.replaying = false;
      this.changes.wake();
    }
  }

  /** Stops the timer, then waits for a running replay and tries a last one. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    while (this.replaying) await this.changes.next();
    await this.replay();
  }
}
