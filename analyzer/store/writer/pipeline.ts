import { log } from '../../../common/log.js';
import type { Changes } from './changes.js';
import type { Batch } from './types.js';

/**
 * Batches on their way to the store: waiting for a slot, then delivered (inserted or spooled),
 * at most `slots()` at a time. The order batches land in carries no meaning (rows carry their
 * times, read models are order-free); with one slot they go in the order they came.
 */
export class InsertPipeline {
  private readonly queue: Batch[] = [];
  private readonly inFlight = new Set<Batch>();

  constructor(
    private readonly slots: () => number,
    private readonly deliver: (b: Batch) => Promise<void>,
    private readonly changes: Changes,
  ) {}

  push(b: Batch): void {
    this.queue.push(b);
    this.work();
  }

  /** Batches held in memory: waiting or being delivered. */
  get held(): number {
    return this.queue.length + this.inFlight.size;
  }

  get rows(): number {
    let n = 0;
    for (const b of this.queue) n += b.payload.rows;
    for (const b of this.inFlight) n += b.payload.rows;
    return n;
  }

  /** Resolves once fewer than `max` batches are held (back-pressure on whoever adds rows). */
  async room(max: number): Promise<void> {
    while (this.held >= max) await this.changes.next();
  }

  /** Resolves once nothing is held: every batch pushed so far, and any pushed meanwhile, delivered. */
  async drained(): Promise<void> {
    while (this.held > 0) await this.changes.next();
  }

  /** Resolves once every batch held now (or those of `batches`) is delivered; batches pushed meanwhile are not waited for. */
  async landed(batches: Iterable<Batch> = [...this.queue, ...this.inFlight]): Promise<void> {
    const waiting = new Set(batches);
    while (waiting.size > 0) {
      await this.changes.next();
      for (const b of waiting) if (!this.inFlight.has(b) && !this.queue.includes(b)) waiting.delete(b);
    }
  }

  /** Starts deliveries while slots are free. */
  private work(): void {
    const slots = this.slots();
    while (this.inFlight.size < slots && this.queue.length > 0) {
      const b = this.queue.shift()!;
      this.inFlight.add(b);
      this.deliver(b)
        .catch((err: unknown) => log.error({ table: b.payload.table, rows: b.payload.rows, err: (err as Error).message }, 'batch neither stored nor spooled (spool not writable)'))
        .finally(() => {
          this.inFlight.delete(b);
          this.changes.wake();
          this.work();
        });
    }
  }
}
