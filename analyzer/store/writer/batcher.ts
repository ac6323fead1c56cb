import { batchBuilder, payloadToken, type BatchBuilder, type RowEncoder } from '../batch.js';
import type { Batch } from './types.js';

/**
 * Rows into per-table batches: a table's batch goes out (to `emit`) when it reaches `batchSize`
 * rows, or `flushIntervalMs` after its first row, or on `cutAll`. With `flushIntervalMs` 0 there
 * is no timed cut: the boundaries then depend only on the rows and the `cutAll` calls, so the
 * same input cut the same way again gives the same batches and insert dedup tokens (a rerun of
 * an interrupted `ingest` re-inserts nothing twice).
 */
export class Batcher {
  /** One builder per table for the writer's life (it keeps its buffer, sized by the last batch). */
  private readonly builders = new Map<string, BatchBuilder>();
  /** The weight of each table's current batch (its rows, unless they stand for more). */
  private readonly weights = new Map<string, number>();
  /** When the first row of each table's current batch came. */
  private readonly started = new Map<string, number>();
  private readonly timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly opts: { batchSize: number; flushIntervalMs: number },
    private readonly emit: (b: Batch) => void,
  ) {
    if (!(opts.flushIntervalMs > 0)) return;
    this.timer = setInterval(() => {
      const now = Date.now();
      for (const [table, started] of this.started) if (now - started >= opts.flushIntervalMs) this.cut(table);
    }, Math.max(10, Math.floor(opts.flushIntervalMs / 4)));
    this.timer.unref();
  }

  /**
   * Adds one row (`values` in `columns` order). A row that cannot be encoded throws and leaves
   * nothing behind. `weight`: the events the row stands for (a RIB snapshot row's routes), which
   * count towards `batchSize` as rows do, so an insert carries about as much work whatever its rows.
   */
  add(table: string, columns: readonly string[], values: unknown[], weight = 1): void {
    const builder = this.builder(table, columns);
    builder.add(values);
    this.added(table, builder, weight);
  }

  private builder(table: string, columns: readonly string[]): BatchBuilder {
    let builder = this.builders.get(table);
    if (!builder) this.builders.set(table, (builder = batchBuilder(table, columns)));
    return builder;
  }

  private added(table: string, builder: BatchBuilder, weight = 1): void {
    if (builder.rows === 1) this.started.set(table, Date.now());
    const weighed = (this.weights.get(table) ?? 0) + weight;
    this.weights.set(table, weighed);
    if (weighed >= this.opts.batchSize) this.cut(table);
  }

  /** Adds one row through the table's own RowBinary encoder (see BatchBuilder.addEncoded), with the rule of `add`. */
  addEncoded<A, B>(table: string, columns: readonly string[], encode: RowEncoder<A, B>, a: A, b: B, weight = 1): void {
    const builder = this.builder(table, columns);
    builder.addEncoded(encode, a, b);
    this.added(table, builder, weight);
  }

  /** Sends every partly filled batch now. */
  cutAll(): void {
    for (const table of [...this.started.keys()]) this.cut(table);
  }

  /** Drops every partly filled batch; returns its rows. */
  dropAll(): number {
    let rows = 0;
    for (const table of [...this.started.keys()]) {
      const builder = this.builders.get(table);
      if (builder) rows += builder.take().rows;
      this.started.delete(table);
      this.weights.delete(table);
    }
    return rows;
  }

  /** Rows in batches not sent yet. */
  get rows(): number {
    let n = 0;
    for (const b of this.builders.values()) n += b.rows;
    return n;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private cut(table: string): void {
    const builder = this.builders.get(table);
    if (!builder || builder.rows === 0) return;
    this.started.delete(table);
    this.weights.delete(table);
    const payload = builder.take();
    this.emit({ payload, token: payloadToken(payload) });
  }
}
