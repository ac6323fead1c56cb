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
  const outer = new Int32Array(start.length);
  if (!start.length) return { segments: { count: 0, first: [], last: [], item: new Int32Array(0) }, outer };
  const one = unitOf(start[0]);
  // Each interval emits at most one segment where it starts and one where it ends.
  const capacity = 2 * start.length;
  const out = { count: 0, first: boundColumn(one, capacity), last: boundColumn(one, capacity), item: new Int32Array(capacity) };
  const stack: number[] = [];
  let cursor = minus(one, one);
  const emitUpTo = (last: K) => {
    if (cursor <= last) {
      out.first[out.count] = cursor;
      out.last[out.count] = last;
      out.item[out.count++] = stack[stack.length - 1];
    }
    cursor = plus(last, one);
  };
  for (let i = 0; i < start.length; i++) {
    // Close every open interval that ends before this one starts.
    while (stack.length && end[stack[stack.length - 1]] < start[i]) {
      emitUpTo(end[stack[stack.length - 1]]);
      stack.pop();
    }
    if (stack.length) emitUpTo(minus(start[i], one));
    cursor = start[i];
    outer[i] = stack.length ? stack[stack.length - 1] : -1;
    stack.push(i);
  }
  while (stack.length) {
    emitUpTo(end[stack[stack.length - 1]]);
    stack.pop();
  }
  return { segments: out, outer };
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
  // A piece ends where a's segment does or where one of b's starts or ends inside it.
  const capacity = a.count + 2 * n;
  const one = unitOf(a.first[0]);
  const out = { count: 0, first: boundColumn(one, capacity), last: boundColumn(one, capacity), itemA: new Int32Array(capacity), itemB: new Int32Array(capacity) };
  const piece = (first: K, last: K, itemA: number, itemB: number) => {
    out.first[out.count] = first;
    out.last[out.count] = last;
    out.itemA[out.count] = itemA;
    out.itemB[out.count++] = itemB;
  };
  let j = 0;
  for (let i = 0; i < a.count; i++) {
    const sLast = a.last[i];
    const item = a.item[i];
    let cursor = a.first[i];
    while (j < n && b.last[j] < cursor) j++;
    let k = j;
    while (cursor <= sLast) {
      if (k >= n || b.first[k] > sLast) {
        piece(cursor, sLast, item, -1);
        break;
      }
      const bFirst = b.first[k];
      const bLast = b.last[k];
      if (bFirst > cursor) {
        piece(cursor, minus(bFirst, one), item, -1);
        cursor = bFirst;
      }
      const last = bLast < sLast ? bLast : sLast;
      piece(cursor, last, item, k);
      cursor = plus(last, one);
      if (bLast <= sLast) k++;
    }
  }
  return out;
}
