import type { MessagePort } from 'node:worker_threads';
import type { Batch, BatchOutlet } from '../../analyzer/store/index.js';
import { Changes } from '../../analyzer/store/writer/changes.js';
import type { BatchMessage, LandedMessage } from './messages.js';

/**
 * An ingest worker's batches go to the thread that owns the store, which answers `landed` for
 * each once it is inserted or spooled: held, room, landed and drained then mean what they mean
 * for the store writer's own insert pipeline.
 */
export class PortOutlet implements BatchOutlet {
  private next = 0;
  private readonly pending = new Map<number, number>();
  private readonly changes = new Changes();

  constructor(private readonly port: MessagePort) {}

  /** Feeds a message from the inserting thread (the worker's one listener dispatches). */
  onLanded(m: LandedMessage): void {
    this.pending.delete(m.id);
    this.changes.wake();
  }

  push(batch: Batch): void {
    const id = this.next++;
    this.pending.set(id, batch.payload.rows);
    const data = batch.payload.data;
    // A buffer bigger than Node's pool is its own: moved. A small one may share the pool: copied.
    const transfer = data.buffer.byteLength > Buffer.poolSize ? [data.buffer as ArrayBuffer] : [];
    const message: BatchMessage = { type: 'batch', id, batch };
    this.port.postMessage(message, transfer);
  }

  get held(): number {
    return this.pending.size;
  }

  get rows(): number {
    let n = 0;
    for (const rows of this.pending.values()) n += rows;
    return n;
  }

  async room(max: number): Promise<void> {
    while (this.held >= max) await this.changes.next();
  }

  async landed(): Promise<void> {
    const waiting = [...this.pending.keys()];
    while (waiting.some((id) => this.pending.has(id))) await this.changes.next();
  }

  async drained(): Promise<void> {
    while (this.held > 0) await this.changes.next();
  }
}

/** A batch as it arrives on the inserting thread (structured clone makes its Buffer a Uint8Array). */
export function receivedBatch(batch: Batch): Batch {
  const d = batch.payload.data as Uint8Array;
  return { token: batch.token, payload: { ...batch.payload, data: Buffer.from(d.buffer, d.byteOffset, d.byteLength) } };
}
