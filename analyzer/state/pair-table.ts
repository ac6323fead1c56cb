/**
 * Storage of (prefix, origin) pairs as parallel typed arrays indexed by a pair number, instead of
 * one object per pair: a full table (~1.2 M pairs) then costs tens of bytes per pair plus its
 * peer bitset (`words` 32-bit words per pair, one bit per source). Pairs of one prefix form a
 * singly linked list through `next`; the prefix → first pair map is kept by the caller.
 */
export class PairTable {
  capacity = 0;
  /** 32-bit words per pair bitset; grows when sources outnumber words × 32. */
  words = 1;
  origin = new Uint32Array(0);
  originSet = new Uint32Array(0);
  firstSeen = new Float64Array(0);
  lastSeen = new Float64Array(0);
  /** Sources currently announcing the pair (visibility); 0 = withdrawn. */
  count = new Uint32Array(0);
  /** Encoded finding essentials (finding-code.ts). */
  status = new Uint16Array(0);
  next = new Int32Array(0);
  bits = new Uint32Array(0);
  /** Pairs in use. */
  live = 0;
  private top = 0;
  private readonly free: number[] = [];

  constructor(initialCapacity = 1024) {
    this.resize(initialCapacity);
  }

  alloc(): number {
    let i = this.free.pop();
    if (i === undefined) {
      if (this.top === this.capacity) this.resize(this.capacity * 2);
      i = this.top++;
    }
    this.live++;
    this.next[i] = -1;
    this.count[i] = 0;
    this.bits.fill(0, i * this.words, (i + 1) * this.words);
    return i;
  }

  release(i: number): void {
    this.live--;
    this.count[i] = 0;
    this.free.push(i);
  }

  hasBit(i: number, source: number): boolean {
    const w = source >>> 5;
    return w < this.words && (this.bits[i * this.words + w] & (1 << (source & 31))) !== 0;
  }

  setBit(i: number, source: number): void {
    this.bits[i * this.words + (source >>> 5)] |= 1 << (source & 31);
  }

  clearBit(i: number, source: number): void {
    this.bits[i * this.words + (source >>> 5)] &= ~(1 << (source & 31));
  }

  /** Makes room for source ids below `sources`; re-strides every bitset when it must grow. */
  ensureSources(sources: number): void {
    const needed = Math.ceil(sources / 32);
    if (needed <= this.words) return;
    // Grow by half again so that a stream of new peers re-strides only logarithmically often.
    const words = Math.max(needed, Math.ceil(this.words * 1.5));
    const bits = new Uint32Array(this.capacity * words);
    // Word by word: a subarray per pair would make an object each (re-striding 100k pairs took 28 ms so).
    for (let i = 0; i < this.top; i++) for (let w = 0; w < this.words; w++) bits[i * words + w] = this.bits[i * this.words + w];
    this.bits = bits;
    this.words = words;
  }

  private resize(capacity: number): void {
    const grow = <T extends Uint32Array | Float64Array | Uint16Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(capacity);
      b.set(a as never);
      return b;
    };
    this.origin = grow(this.origin, (n) => new Uint32Array(n));
    this.originSet = grow(this.originSet, (n) => new Uint32Array(n));
    this.firstSeen = grow(this.firstSeen, (n) => new Float64Array(n));
    this.lastSeen = grow(this.lastSeen, (n) => new Float64Array(n));
    this.count = grow(this.count, (n) => new Uint32Array(n));
    this.status = grow(this.status, (n) => new Uint16Array(n));
    this.next = grow(this.next, (n) => new Int32Array(n));
    this.bits = grow(this.bits, (n) => new Uint32Array(n * this.words));
    this.capacity = capacity;
  }
}
