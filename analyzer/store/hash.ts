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

/** Both lanes part way through a joined text: resumable, so leading parts that ids share are mixed once. */
export interface Lanes {
  hi: number;
  lo: number;
  /** Code units mixed so far (the separators included). */
  length: number;
  /** Parts mixed so far: every part after the first is preceded by a separator. */
  parts: number;
}

const SEED_HI = 0x9747b28c | 0;
const SEED_LO = 0x5bd1e995 | 0;

/** Mixes `parts` into `lanes` (each after a separator unless `lanes` is at the start): the joined text in order. */
function mixInto(lanes: Lanes, parts: ArrayLike<string | number>): void {
  let hi = lanes.hi;
  let lo = lanes.lo;
  let length = lanes.length;
  const before = lanes.parts;
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p];
    const text = typeof part === 'string' ? part : String(part);
    // The separator before every part but the text's first, then the part's code units.
    const first = before + p === 0;
    for (let i = first ? 0 : -1; i < text.length; i++) {
      let k = Math.imul(i < 0 ? 1 : text.charCodeAt(i), C1);
      k = Math.imul((k << 15) | (k >>> 17), C2);
      hi ^= k;
      hi = (hi << 13) | (hi >>> 19);
      hi = (Math.imul(hi, 5) + 0xe6546b64) | 0;
      lo ^= k;
      lo = (lo << 13) | (lo >>> 19);
      lo = (Math.imul(lo, 5) + 0xe6546b64) | 0;
    }
    length += text.length + (first ? 0 : 1);
  }
  lanes.hi = hi;
  lanes.lo = lo;
  lanes.length = length;
  lanes.parts = before + parts.length;
}

/** Sets `lanes` to the state after `parts.join('\u0001')`, to be resumed by `writeHash64From`. */
export function lanesAfter(lanes: Lanes, parts: ArrayLike<string | number>): void {
  lanes.hi = SEED_HI;
  lanes.lo = SEED_LO;
  lanes.length = 0;
  lanes.parts = 0;
  mixInto(lanes, parts);
}

/** Scratch lanes for one hash (module state: no object per call). */
const run: Lanes = { hi: 0, lo: 0, length: 0, parts: 0 };

/** Finalises `run` into laneHi/laneLo. */
function finish(): void {
  laneHi = fmix(run.hi, run.length);
  laneLo = fmix(run.lo, run.length);
}

/** Both lanes of `hash64(parts.join('\u0001'))`, into laneHi/laneLo, without building the joined text. */
function mixParts(parts: ArrayLike<string | number>): void {
  lanesAfter(run, parts);
  finish();
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

/**
 * `writeHash64Parts` of the parts `head` was made from (`lanesAfter`) followed by `parts`: the
 * head's parts are not mixed again. `head` is not changed.
 */
export function writeHash64From(out: ByteSink, head: Readonly<Lanes>, parts: ArrayLike<string | number>): void {
  run.hi = head.hi;
  run.lo = head.lo;
  run.length = head.length;
  run.parts = head.parts;
  mixInto(run, parts);
  finish();
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
