import type { ByteSink } from './rowbinary.js';

/**
 * A fast non-cryptographic 64-bit hash of a string, as a bigint (a ClickHouse UInt64).
 * Two independent 32-bit lanes (MurmurHash3's mixing, different seeds) over UTF-16 code units;
 * every event is hashed once, so this runs on the hot path where SHA-1 cost ~2 µs per call.
 * Ids only need to tell events with the same prefix and time apart (the sort key), so 64
 * well-mixed bits are far more than enough; no adversary chooses BGP messages to collide them.
 */
const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** MurmurHash3's 32-bit finalizer. */
function fmix(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Both lanes in one pass over the text (the ids are unchanged: each lane is the same function of it). */
export function hash64(text: string): bigint {
  return hash64Parts([text]);
}

/** The two finalised lanes of the last `mixParts` call (module state: no object per call). */
let laneHi = 0;
let laneLo = 0;

/** Both lanes of `hash64(parts.join('\u0001'))`, into laneHi/laneLo, without building the joined text. */
function mixParts(parts: ArrayLike<string | number>): void {
  let hi = 0x9747b28c | 0;
  let lo = 0x5bd1e995 | 0;
  let length = 0;
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p];
    const text = typeof part === 'string' ? part : String(part);
    // The separator before every part but the first, then the part's code units: the joined text in order.
    for (let i = p === 0 ? 0 : -1; i < text.length; i++) {
      let k = Math.imul(i < 0 ? 1 : text.charCodeAt(i), C1);
      k = Math.imul((k << 15) | (k >>> 17), C2);
      hi ^= k;
      hi = (hi << 13) | (hi >>> 19);
      hi = (Math.imul(hi, 5) + 0xe6546b64) | 0;
      lo ^= k;
      lo = (lo << 13) | (lo >>> 19);
      lo = (Math.imul(lo, 5) + 0xe6546b64) | 0;
    }
    length += text.length + (p === 0 ? 0 : 1);
  }
  laneHi = fmix(hi, length);
  laneLo = fmix(lo, length);
}

/**
 * `hash64(parts.join('\u0001'))` without building the joined text (numbers as `String(n)`, as
 * join writes them): the route-event id on the hot path, one fewer string per row.
 */
export function hash64Parts(parts: ArrayLike<string | number>): bigint {
  mixParts(parts);
  return uint64(laneLo, laneHi);
}

const uint64 = (lo: number, hi: number): bigint => (BigInt(hi) << 32n) | BigInt(lo);

/** `hash64Parts` written to `out` as RowBinary's little-endian UInt64 (low half first), without a bigint per row. */
export function writeHash64Parts(out: ByteSink, parts: ArrayLike<string | number>): void {
  mixParts(parts);
  out.u32(laneLo);
  out.u32(laneHi);
}

/** `hash64Parts` appended to `halves` as its low then high 32 bits (a UInt64 without a bigint, for many ids in an array). */
export function pushHash64Parts(halves: number[], parts: ArrayLike<string | number>): void {
  mixParts(parts);
  halves.push(laneLo, laneHi);
}

/** The bigint of the id `pushHash64Parts` appended at `halves[2 * i]`. */
export const hash64Of = (halves: readonly number[], i: number): bigint => uint64(halves[2 * i], halves[2 * i + 1]);
