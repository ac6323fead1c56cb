/**
 * Exact interval arithmetic on address ranges (inclusive bounds). A bound is a number for IPv4
 * (every address and sum stays below 2^53, so exact, and no allocation per operation) and a
 * bigint for IPv6; one call works on one family, so operands are never mixed.
 */

import { packedIpv4Prefix, parsePrefix, prefixEnd } from '../../common/ip.js';

export type Bound = number | bigint;

/** A prefix's first and last address in the kinds above (IPv4 read without a bigint). */
export type PrefixBounds = { family: 4; start: number; end: number; length: number } | { family: 6; start: bigint; end: bigint; length: number };

/** The bounds of a prefix's text, or null when it is not a prefix (host bits set, bad syntax). */
export function prefixBounds(text: string): PrefixBounds | null {
  const packed = packedIpv4Prefix(text);
  if (packed >= 0) {
    const length = packed % 64;
    const start = (packed - length) / 64;
    return { family: 4, start, end: start + 2 ** (32 - length) - 1, length };
  }
  const p = parsePrefix(text);
  if (!p) return null;
  const end = prefixEnd(p);
  return p.family === 4 ? { family: 4, start: Number(p.start), end: Number(end), length: p.length } : { family: 6, start: p.start, end, length: p.length };
}

/** Disjoint segments as columns (no object per segment): segment i < count is first[i]..last[i] (inclusive), labelled item[i]. */
export interface SegmentColumns<K extends Bound> {
  count: number;
  first: ArrayLike<K>;
  last: ArrayLike<K>;
  item: Int32Array;
}

// `+` and `-` on two bounds of one kind (TypeScript has no operator typing for number | bigint).
export const plus = <K extends Bound>(a: K, b: K): K => ((a as number) + (b as number)) as K;
export const minus = <K extends Bound>(a: K, b: K): K => ((a as number) - (b as number)) as K;
/** The unit of a bound's kind: 1 or 1n. */
export const unitOf = <K extends Bound>(k: K): K => (typeof k === 'bigint' ? 1n : 1) as K;

/**
 * A column of n bounds of the kind of `unit`: a Float64Array for numbers (IPv4: exact below 2^53,
 * filled without boxing or a change of element kind), an array of bigints otherwise.
 */
export function boundColumn<K extends Bound>(unit: K, n: number): K[] {
  return typeof unit === 'number' ? (new Float64Array(n) as unknown as K[]) : new Array<K>(n).fill(minus(unit, unit));
}

/**
 * Nested or disjoint intervals (CIDR prefixes: any two are disjoint or one holds the other),
 * given as columns of first and last addresses sorted by start and then outermost first, become
 * disjoint segments, each labelled with the position of the innermost interval holding it: the
 * longest match of every address, each address once. `outer[i]` is the position of the interval
 * directly around interval i (-1 for none).
 */
export function innermostSegments<K extends Bound>(start: ArrayLike<K>, end: ArrayLike<K>): { segments: SegmentColumns<K>; outer: Int32Array } {
  const n = start.length;
  const outer = new Int32Array(n);
  if (!n) return { segments: { count: 0, first: [], last: [], item: new Int32Array(0) }, outer };
  const one = unitOf(start[0]);
  // Each interval emits at most one segment where it starts and one where it ends. Locals and
  // typed columns, no closure: this runs once per build, cold, on ~100k intervals.
  const first = boundColumn(one, 2 * n);
  const last = boundColumn(one, 2 * n);
  const item = new Int32Array(2 * n);
  const open = new Int32Array(n);
  let depth = 0;
  let count = 0;
  let cursor = minus(one, one);
  for (let i = 0; i <= n; i++) {
    // Close every open interval that ends before this one starts (after the last one: all).
    while (depth > 0 && (i === n || end[open[depth - 1]] < start[i])) {
      const closed = open[--depth];
      const to = end[closed];
      if (cursor <= to) {
        first[count] = cursor;
        last[count] = to;
        item[count++] = closed;
      }
      cursor = plus(to, one);
    }
    if (i === n) break;
    // The part of the enclosing interval before this one starts.
    if (depth > 0 && cursor < start[i]) {
      first[count] = cursor;
      last[count] = minus(start[i], one);
      item[count++] = open[depth - 1];
    }
    cursor = start[i];
    outer[i] = depth > 0 ? open[depth - 1] : -1;
    open[depth++] = i;
  }
  return { segments: { count, first, last, item }, outer };
}

/** Where two lists of segments meet, as columns: piece p is first[p]..last[p], inside a's segment itemA[p] and b's segment itemB[p] (-1: none). */
export interface Pieces<K extends Bound> {
  count: number;
  first: ArrayLike<K>;
  last: ArrayLike<K>;
  itemA: Int32Array;
  itemB: Int32Array;
}

/**
 * The pieces where two sorted lists of disjoint segments meet, plus the parts of `a` that `b`
 * does not cover (itemB -1): every address of `a` exactly once, in address order.
 */
export function overlay<K extends Bound>(a: SegmentColumns<K>, b: { first: ArrayLike<K>; last: ArrayLike<K> }): Pieces<K> {
  if (!a.count) return { count: 0, first: [], last: [], itemA: new Int32Array(0), itemB: new Int32Array(0) };
  const n = b.first.length;
  const capacity = countPieces(a, b);
  const one = unitOf(a.first[0]);
  const first = boundColumn(one, capacity);
  const last = boundColumn(one, capacity);
  const itemA = new Int32Array(capacity);
  const itemB = new Int32Array(capacity);
  let count = 0;
  let j = 0;
  for (let i = 0; i < a.count; i++) {
    const sLast = a.last[i];
    const item = a.item[i];
    let cursor = a.first[i];
    while (j < n && b.last[j] < cursor) j++;
    for (let k = j; cursor <= sLast; ) {
      // The next piece: up to b's segment k (not covered), in it, or to the end (no more of b here).
      const inB = k < n && b.first[k] <= cursor;
      const to = k >= n || b.first[k] > sLast ? sLast : inB ? (b.last[k] < sLast ? b.last[k] : sLast) : minus(b.first[k], one);
      first[count] = cursor;
      last[count] = to;
      itemA[count] = item;
      itemB[count++] = inB ? k : -1;
      if (inB && b.last[k] <= sLast) k++;
      cursor = plus(to, one);
    }
  }
  return { count, first, last, itemA, itemB };
}

/** How many pieces overlay() makes: a's segments plus b's starts and ends strictly inside them (the columns are then allocated at their size). */
function countPieces<K extends Bound>(a: SegmentColumns<K>, b: { first: ArrayLike<K>; last: ArrayLike<K> }): number {
  const n = b.first.length;
  let count = a.count;
  let j = 0;
  for (let i = 0; i < a.count; i++) {
    const first = a.first[i];
    const last = a.last[i];
    while (j < n && b.last[j] < first) j++;
    for (let k = j; k < n && b.first[k] <= last; k++) {
      if (b.first[k] > first) count++;
      if (b.last[k] < last) count++;
    }
  }
  return count;
}
