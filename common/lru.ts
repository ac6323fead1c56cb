/**
 * A bounded cache with approximate least-recently-used eviction, cheap enough for the per-event
 * path: two generations of Maps. Reads hit the young generation, or promote from the old one;
 * when the young one fills (capacity / 2), it becomes the old one and the previous old one is
 * dropped. So anything used within the last half-capacity insertions survives, and the size never
 * exceeds `capacity`. (A strict LRU re-inserts into a Map on every hit, which costs more than the
 * lookups it saves here.)
 */
export class LruCache<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  private readonly half: number;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 2) throw new Error(`cache capacity must be an integer >= 2, got ${capacity}`);
    this.half = Math.floor(capacity / 2);
  }

  get(key: K): V | undefined {
    const hit = this.young.get(key);
    if (hit !== undefined) return hit;
    const aged = this.old.get(key);
    if (aged !== undefined) {
      this.old.delete(key);
      this.insert(key, aged);
    }
    return aged;
  }

  set(key: K, value: V): void {
    if (this.young.has(key)) this.young.set(key, value);
    else {
      this.old.delete(key);
      this.insert(key, value);
    }
  }

  /**
   * set() for a key the caller has just missed with get(): skips the two lookups set() makes
   * (the miss path of every new prefix).
   */
  add(key: K, value: V): void {
    this.insert(key, value);
  }

  private insert(key: K, value: V): void {
    if (this.young.size >= this.half) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  clear(): void {
    this.young.clear();
    this.old.clear();
  }
}
