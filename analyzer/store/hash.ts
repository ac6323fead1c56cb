/**
 * A fast non-cryptographic 64-bit hash of a string, as a bigint (a ClickHouse UInt64).
 * Two independent 32-bit lanes (MurmurHash3's mixing, different seeds) over UTF-16 code units;
 * every event is hashed once, so this runs on the hot path where SHA-1 cost ~2 µs per call.
 * Ids only need to tell events with the same prefix and time apart (the sort key), so 64
 * well-mixed bits are far more than enough; no adversary chooses BGP messages to collide them.
 */
const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function lane(text: string, seed: number): number {
  let h = seed | 0;
  for (let i = 0; i < text.length; i++) {
    let k = Math.imul(text.charCodeAt(i), C1);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, C2);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= text.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function hash64(text: string): bigint {
  const hi = lane(text, 0x9747b28c);
  const lo = lane(text, 0x5bd1e995);
  return (BigInt(hi) << 32n) | BigInt(lo);
}
