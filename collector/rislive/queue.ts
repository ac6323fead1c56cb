/**
 * A bounded FIFO between the socket (producer, never waits) and the consumer (awaits items).
 * When full, `push` refuses the item and counts it as dropped: memory stays bounded however
 * far the consumer falls behind. `onLow` lets a lossless producer pause and resume instead.
 */
export class BoundedQueue<T> {
  private items: (T | undefined)[];
  private head = 0;
  private size = 0;
  private waiter: ((v: IteratorResult<T>) => void) | undefined;
  private closed = false;
  dropped = 0;
  highWater = 0;

  constructor(
    readonly capacity: number,
    /** Called when the length falls to `lowMark` (a paused producer may resume). */
    private readonly hooks: { lowMark?: number; onLow?: () => void } = {},
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`queue capacity must be a positive integer, got ${capacity}`);
    this.items = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.size;
  }

  get full(): boolean {
    return this.size >= this.capacity;
  }

  /**
   * Adds an item; false (and one more drop) when the queue is full or closed. `overfill`
   * admits it past the capacity, for items that must not be lost and come in bounded numbers:
   * what was in flight when a producer paused its input, or a peer's state.
   */
  push(item: T, overfill = false): boolean {
    if (this.closed) return false;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w({ value: item, done: false });
      return true;
    }
    if (this.size >= this.capacity) {
      if (!overfill) {
        this.dropped++;
        return false;
      }
      this.grow();
    }
    this.items[(this.head + this.size) % this.items.length] = item;
    this.size++;
    if (this.size > this.highWater) this.highWater = this.size;
    return true;
  }

  /** Next item; waits while empty; `done` once closed and drained. */
  next(): Promise<IteratorResult<T>> {
    if (this.size > 0) {
      const value = this.items[this.head] as T;
      this.items[this.head] = undefined;
      this.head = (this.head + 1) % this.items.length;
      this.size--;
      if (this.size === (this.hooks.lowMark ?? 0)) this.hooks.onLow?.();
      return Promise.resolve({ value, done: false });
    }
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiter = resolve));
  }

  /** Doubles the ring (overfill only), keeping order. */
  private grow(): void {
    if (this.size < this.items.length) return;
    const next = new Array<T | undefined>(this.items.length * 2);
    for (let i = 0; i < this.size; i++) next[i] = this.items[(this.head + i) % this.items.length];
    this.items = next;
    this.head = 0;
  }

  /** No more pushes; the consumer still receives what is queued. */
  close(): void {
    this.closed = true;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w({ value: undefined, done: true });
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return { next: () => this.next() };
  }
}
