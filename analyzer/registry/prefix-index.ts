/**
 * Range indexes over typed arrays: the space is cut into disjoint segments, each listing the
 * entries that cover it, most specific (smallest) first. Lookups are a binary search over
 * the segment starts; nested or overlapping entries (the same space in two RIRs' files)
 * are kept, never merged away.
 *
 * - `Uint32RangeIndex`: keys 0..2^32-1 as numbers (IPv4 addresses, AS numbers).
 * - `Top64RangeIndex`: IPv6 keyed by the top 64 bits (BigUint64Array); an entry or query
 *   longer than /64 is treated as its whole /64 (RIRs delegate no smaller IPv6 blocks).
 */

/** span(): no segment overlaps the range. */
export const NO_SEGMENT = -1;
/** span(): the range meets several segments (or segments and gaps). */
export const SEVERAL_SEGMENTS = -2;

/** Disjoint segments with their covering entries; the builder shared by both key widths. */
interface Segments<K> {
  first: ArrayLike<K>;
  last: ArrayLike<K>;
  /** covers[coverStart[s] .. coverStart[s+1]) are the entries covering segment s. */
  coverStart: Int32Array;
  covers: Int32Array;
}
/** An IPv4/ASN index's segments, as it keeps them. */
export type Segments32 = Segments<number> & { first: Uint32Array; last: Uint32Array };
/** An IPv6 index's segments (top-64-bit keys). */
export type Segments64 = Segments<bigint> & { first: BigUint64Array; last: BigUint64Array };

// The sweep works on numbers and bigints alike (only <, +, - are used): typed loosely here.
/* eslint-disable @typescript-eslint/no-explicit-any */
function buildSegments<K extends number | bigint>(first: ArrayLike<K>, last: ArrayLike<K>, one: K): Segments<K> {
  const n = first.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => cmp(first[a], first[b]) || cmp(last[b], last[a]));
  const bounds: K[] = new Array(2 * n);
  for (let i = 0; i < n; i++) {
    bounds[2 * i] = first[i];
    bounds[2 * i + 1] = ((last[i] as any) + (one as any)) as K;
  }
  bounds.sort(cmp);
  const segFirst: K[] = [];
  const segLast: K[] = [];
  const coverStart: number[] = [0];
  const covers: number[] = [];
  let active: number[] = [];
  let p = 0;
  for (let i = 0; i < bounds.length; i++) {
    const b = bounds[i];
    if (i > 0 && bounds[i - 1] === b) continue;
    if (active.length) active = active.filter((e) => !((last[e] as any) < (b as any)));
    while (p < n && first[order[p]] === b) active.push(order[p++]);
    let next: K | undefined;
    for (let j = i + 1; j < bounds.length; j++) if (bounds[j] !== b) { next = bounds[j]; break; }
    if (!active.length || next === undefined) continue;
    const sorted = active.length === 1 ? active : [...active].sort((x, y) => cmp(((last[x] as any) - (first[x] as any)) as K, ((last[y] as any) - (first[y] as any)) as K) || x - y);
    segFirst.push(b);
    segLast.push(((next as any) - (one as any)) as K);
    for (const e of sorted) covers.push(e);
    coverStart.push(covers.length);
  }
  return { first: segFirst, last: segLast, coverStart: Int32Array.from(coverStart), covers: Int32Array.from(covers) };
}

function cmp<K extends number | bigint>(a: K, b: K): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/**
 * The same sweep as buildSegments for number keys, on typed arrays with native numeric sorts and
 * outputs sized up front (no array growth): the IPv4 index has ~10^5 entries and is built by every
 * command that classifies.
 */
function buildSegments32(first: Float64Array, last: Float64Array): { first: Uint32Array; last: Uint32Array; coverStart: Int32Array; covers: Int32Array } {
  const n = first.length;
  const order = sortedOrder(first, last);
  const bounds = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    bounds[2 * i] = first[i];
    bounds[2 * i + 1] = last[i] + 1;
  }
  bounds.sort();
  // A segment starts at a bound and ends before the next one: fewer segments than bounds.
  const segFirst = new Uint32Array(bounds.length);
  const segLast = new Uint32Array(bounds.length);
  const coverStart = new Int32Array(bounds.length + 1);
  let covers = new Int32Array(bounds.length + 16);
  let segments = 0;
  let covered = 0;
  const active: number[] = [];
  let p = 0;
  for (let i = 0; i < bounds.length; i++) {
    const b = bounds[i];
    if (i > 0 && bounds[i - 1] === b) continue;
    if (active.length) {
      let keep = 0;
      for (let k = 0; k < active.length; k++) if (last[active[k]] >= b) active[keep++] = active[k];
      active.length = keep;
    }
    while (p < n && first[order[p]] === b) active.push(order[p++]);
    if (!active.length) continue;
    let j = i + 1;
    while (j < bounds.length && bounds[j] === b) j++;
    if (j === bounds.length) continue;
    segFirst[segments] = b;
    segLast[segments] = bounds[j] - 1;
    if (covered + active.length > covers.length) {
      const grown = new Int32Array(2 * (covered + active.length));
      grown.set(covers);
      covers = grown;
    }
    if (active.length === 1) covers[covered++] = active[0];
    else {
      const sorted = active.slice().sort((x, y) => last[x] - first[x] - (last[y] - first[y]) || x - y);
      for (const e of sorted) covers[covered++] = e;
    }
    coverStart[++segments] = covered;
  }
  return { first: segFirst.slice(0, segments), last: segLast.slice(0, segments), coverStart: coverStart.slice(0, segments + 1), covers: covers.slice(0, covered) };
}

/**
 * Entry indexes by first ascending, then last descending (enclosing before enclosed). A native
 * numeric sort of `first * 2^21 + index` keys (exact in a double) does the bulk of it; only runs
 * with the same first then need the comparator. A comparator sort over the whole typed array
 * cost several times more on the real files.
 */
function sortedOrder(first: Float64Array, last: Float64Array): Int32Array {
  const n = first.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (n >= 2 ** 21) return order.sort((a, b) => first[a] - first[b] || last[b] - last[a]);
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = first[i] * 2 ** 21 + i;
  keys.sort();
  for (let i = 0; i < n; i++) order[i] = keys[i] % 2 ** 21;
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && first[order[j]] === first[order[i]]) j++;
    if (j - i > 1) order.subarray(i, j).sort((a, b) => last[b] - last[a] || a - b);
    i = j;
  }
  return order;
}

/**
 * What both key widths share: each entry's payload, each segment's covers, and the stamp that
 * visits an entry once per overlapping() call. The searches stay in the subclasses, each on its
 * own typed arrays, so the IPv4 lookup path stays monomorphic.
 */
abstract class RangeIndexBase {
  protected readonly seen: Int32Array;
  protected stamp = 0;

  constructor(
    readonly payload: Int32Array,
    protected readonly coverStart: Int32Array,
    protected readonly covers: Int32Array,
  ) {
    this.seen = new Int32Array(payload.length);
  }

  get size(): number {
    return this.payload.length;
  }

  coverAt(c: number): number {
    return this.covers[c];
  }

  /** Segment s's covers are coverAt(coverFrom(s)) .. coverAt(coverTo(s) - 1). */
  coverFrom(s: number): number {
    return this.coverStart[s];
  }

  coverTo(s: number): number {
    return this.coverStart[s + 1];
  }
}

/** Index over 32-bit keys (IPv4, ASN). Entries are inclusive ranges with an integer payload. */
export class Uint32RangeIndex extends RangeIndexBase {
  readonly entryFirst: Float64Array;
  readonly entryLast: Float64Array;
  private readonly segFirst: Uint32Array;
  private readonly segLast: Uint32Array;

  /** `segments`: what columns() gave of an index built on the same entries (a prepared registry); built here when absent. */
  constructor(first: ArrayLike<number>, last: ArrayLike<number>, payload: ArrayLike<number>, segments?: Segments32) {
    // Typed columns are kept as given (the index never writes to them), other arrays copied into them.
    const entryFirst = first instanceof Float64Array ? first : Float64Array.from(first);
    const entryLast = last instanceof Float64Array ? last : Float64Array.from(last);
    const s = segments ?? buildSegments32(entryFirst, entryLast);
    super(payload instanceof Int32Array ? payload : Int32Array.from(payload), s.coverStart, s.covers);
    this.entryFirst = entryFirst;
    this.entryLast = entryLast;
    this.segFirst = s.first;
    this.segLast = s.last;
  }

  /** The entries and segments, to build the same index again without the sweep. */
  columns(): { first: Float64Array; last: Float64Array; payload: Int32Array; segments: Segments32 } {
    return { first: this.entryFirst, last: this.entryLast, payload: this.payload, segments: { first: this.segFirst, last: this.segLast, coverStart: this.coverStart, covers: this.covers } };
  }

  get segments(): number {
    return this.segFirst.length;
  }

  /** First and last key of segment s (0 <= s < segments). */
  segmentFirst(s: number): number {
    return this.segFirst[s];
  }

  segmentLast(s: number): number {
    return this.segLast[s];
  }

  /** Segment holding `key`, or -1. */
  segmentOf(key: number): number {
    const sf = this.segFirst;
    let lo = 0;
    let hi = sf.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (sf[mid] <= key) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi >= 0 && this.segLast[hi] >= key ? hi : -1;
  }

  /** The most specific entry covering `key`, or -1. */
  first(key: number): number {
    const s = this.segmentOf(key);
    return s < 0 ? -1 : this.covers[this.coverStart[s]];
  }

  /**
   * Visits every entry overlapping [from, to] once, with how many keys of the range it
   * covers, and every segment with its covers (and its index, for segmentFirst/segmentLast). Returns how many keys of the range some entry covers.
   */
  overlapping(from: number, to: number, onEntry: (entry: number, overlap: number) => void, onSegment?: (coverFrom: number, coverTo: number, segment: number) => void): number {
    const sf = this.segFirst;
    const sl = this.segLast;
    // First segment whose end is at or after `from`.
    let lo = 0;
    let hi = sl.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sl[mid] < from) lo = mid + 1;
      else hi = mid;
    }
    const stamp = ++this.stamp;
    let covered = 0;
    for (let s = lo; s < sf.length && sf[s] <= to; s++) {
      covered += Math.min(sl[s], to) - Math.max(sf[s], from) + 1;
      const a = this.coverStart[s];
      const b = this.coverStart[s + 1];
      if (onSegment) onSegment(a, b, s);
      for (let c = a; c < b; c++) {
        const e = this.covers[c];
        if (this.seen[e] === stamp) continue;
        this.seen[e] = stamp;
        onEntry(e, Math.min(this.entryLast[e], to) - Math.max(this.entryFirst[e], from) + 1);
      }
    }
    return covered;
  }

  /**
   * How [from, to] meets the segments: the segment index when one segment holds all of it
   * (then every cover of that segment covers the whole range), NO_SEGMENT when no segment
   * overlaps it, SEVERAL_SEGMENTS otherwise (use overlapping()). Lets the common lookups skip
   * callbacks and sorting.
   */
  span(from: number, to: number): number {
    const sl = this.segLast;
    let lo = 0;
    let hi = sl.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sl[mid] < from) lo = mid + 1;
      else hi = mid;
    }
    if (lo === sl.length || this.segFirst[lo] > to) return NO_SEGMENT;
    return this.segFirst[lo] <= from && sl[lo] >= to ? lo : SEVERAL_SEGMENTS;
  }

}

/** Index over IPv6 keyed by the top 64 bits. */
export class Top64RangeIndex extends RangeIndexBase {
  readonly entryFirst: BigUint64Array;
  readonly entryLast: BigUint64Array;
  private readonly segFirst: BigUint64Array;
  private readonly segLast: BigUint64Array;

  /** `first`/`last` are top-64-bit keys (inclusive); `segments` as for Uint32RangeIndex. */
  constructor(first: ArrayLike<bigint>, last: ArrayLike<bigint>, payload: ArrayLike<number>, segments?: Segments64) {
    const s = segments ?? buildSegments<bigint>(first, last, 1n);
    const column = (a: ArrayLike<bigint>) => (a instanceof BigUint64Array ? a : BigUint64Array.from(a));
    super(payload instanceof Int32Array ? payload : Int32Array.from(payload), s.coverStart, s.covers);
    this.entryFirst = column(first);
    this.entryLast = column(last);
    this.segFirst = column(s.first);
    this.segLast = column(s.last);
  }

  /** The entries and segments, to build the same index again without the sweep. */
  columns(): { first: BigUint64Array; last: BigUint64Array; payload: Int32Array; segments: Segments64 } {
    return { first: this.entryFirst, last: this.entryLast, payload: this.payload, segments: { first: this.segFirst, last: this.segLast, coverStart: this.coverStart, covers: this.covers } };
  }

  get segments(): number {
    return this.segFirst.length;
  }

  /** First and last top-64 key of segment s. */
  segmentFirst(s: number): bigint {
    return this.segFirst[s];
  }

  segmentLast(s: number): bigint {
    return this.segLast[s];
  }

  segmentOf(key: bigint): number {
    const sf = this.segFirst;
    let lo = 0;
    let hi = sf.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (sf[mid] <= key) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi >= 0 && this.segLast[hi] >= key ? hi : -1;
  }

  first(key: bigint): number {
    const s = this.segmentOf(key);
    return s < 0 ? -1 : this.covers[this.coverStart[s]];
  }

  /** As Uint32RangeIndex.overlapping, with counts in /64 units. */
  overlapping(from: bigint, to: bigint, onEntry: (entry: number, overlap: bigint) => void, onSegment?: (coverFrom: number, coverTo: number, segment: number) => void): bigint {
    const sf = this.segFirst;
    const sl = this.segLast;
    let lo = 0;
    let hi = sl.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sl[mid] < from) lo = mid + 1;
      else hi = mid;
    }
    const stamp = ++this.stamp;
    let covered = 0n;
    for (let s = lo; s < sf.length && sf[s] <= to; s++) {
      covered += min(sl[s], to) - max(sf[s], from) + 1n;
      const a = this.coverStart[s];
      const b = this.coverStart[s + 1];
      if (onSegment) onSegment(a, b, s);
      for (let c = a; c < b; c++) {
        const e = this.covers[c];
        if (this.seen[e] === stamp) continue;
        this.seen[e] = stamp;
        onEntry(e, min(this.entryLast[e], to) - max(this.entryFirst[e], from) + 1n);
      }
    }
    return covered;
  }

}

const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);

/**
 * Visits the exact CIDR blocks of [first, last] (numbers, inclusive, within 0..2^32-1) in order,
 * with each block's prefix length and address count: each block is the largest power of two
 * that both divides its start and fits in what is left.
 */
export function forEachIpv4Cidr(first: number, last: number, visit: (start: number, length: number, size: number) => void): void {
  let cur = first;
  while (cur <= last) {
    const align = cur === 0 ? TWO_32 : (cur & -cur) >>> 0;
    const left = last - cur + 1;
    // The largest power of two in `left`, by shift: Math.pow is a call into C.
    const fit = left >= TWO_32 ? TWO_32 : 0x80000000 >>> Math.clz32(left);
    const size = align < fit ? align : fit;
    visit(cur, size === TWO_32 ? 0 : Math.clz32(size) + 1, size);
    cur += size;
  }
}

const TWO_32 = 2 ** 32;
