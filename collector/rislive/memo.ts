/**
 * A memo for pure functions of a string with a bounded number of entries. Prefix and peer
 * texts repeat heavily in a BGP stream, and canonicalising an IPv6 prefix costs far more
 * than a map lookup. When full, the memo starts over (simple, bounded, no LRU bookkeeping).
 */
export function boundedMemo<T>(fn: (key: string) => T, maxEntries = 200_000): (key: string) => T {
  let cache = new Map<string, T>();
  return (key: string): T => {
    const hit = cache.get(key);
    if (hit !== undefined || cache.has(key)) return hit as T;
    const value = fn(key);
    if (cache.size >= maxEntries) cache = new Map();
    cache.set(key, value);
    return value;
  };
}
