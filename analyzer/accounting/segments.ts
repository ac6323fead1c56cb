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

export interface Interval<K extends Bound = bigint> {
  start: K;
  end: K;
}

export interface Segment<T, K extends Bound = bigint> {
  first: K;
  last: K;
  item: T;
}

// `+` and `-` on two bounds of one kind (TypeScript has no operator typing for number | bigint).
export const plus = <K extends Bound>(a: K, b: K): K => ((a as number) + (b as number)) as K;
export const minus = <K extends Bound>(a: K, b: K): K => ((a as number) - (b as number)) as K;
/** The unit of a bound's kind: 1 or 1n. */
export const unitOf = <K extends Bound>(k: K): K => (typeof k === 'bigint' ? 1n : 1) as K;

/**
 * Nested or disjoint intervals (CIDR prefixes: any two are disjoint or one holds the other),
 * sorted by start and then outermost first, become disjoint segments, each labelled with the
 * position in `sorted` of the innermost interval holding it: the longest match of every
 * address, each address once. `outer[i]` is the position of the interval directly around
 * interval i (-1 for none).
 */
export function innermostSegments<K extends Bound>(sorted: ReadonlyArray<Interval<K>>): { segments: Array<Segment<number, K>>; outer: Int32Array } {
  const out: Array<Segment<number, K>> = [];
  const outer = new Int32Array(sorted.length);
  if (!sorted.length) return { segments: out, outer };
  const one = unitOf(sorted[0].start);
  const stack: number[] = [];
  let cursor = minus(one, one);
  const emitUpTo = (last: K) => {
    if (cursor <= last) out.push({ first: cursor, last, item: stack[stack.length - 1] });
    cursor = plus(last, one);
  };
  for (let i = 0; i < sorted.length; i++) {
    const iv = sorted[i];
    // Close every open interval that ends before this one starts.
    while (stack.length && sorted[stack[stack.length - 1]].end < iv.start) {
      emitUpTo(sorted[stack[stack.length - 1]].end);
      stack.pop();
    }
    if (stack.length) emitUpTo(minus(iv.start, one));
    cursor = iv.start;
    outer[i] = stack.length ? stack[stack.length - 1] : -1;
    stack.push(i);
  }
  while (stack.length) {
    emitUpTo(sorted[stack[stack.length - 1]].end);
    stack.pop();
  }
  return { segments: out, outer };
}

/**
 * The pieces where two sorted lists of disjoint segments meet, plus the parts of `a` that `b`
 * does not cover (with `b` null): every address of `a` exactly once.
 */
export function overlay<A, B, K extends Bound>(
  a: ReadonlyArray<Segment<A, K>>,
  b: ReadonlyArray<{ first: K; last: K } & B>,
  visit: (first: K, last: K, itemA: A, itemB: B | null) => void,
): void {
  if (!a.length) return;
  const one = unitOf(a[0].first);
  let j = 0;
  for (const s of a) {
    let cursor = s.first;
    while (j < b.length && b[j].last < cursor) j++;
    let k = j;
    while (cursor <= s.last) {
      if (k >= b.length || b[k].first > s.last) {
        visit(cursor, s.last, s.item, null);
        break;
      }
      const seg = b[k];
      if (seg.first > cursor) {
        visit(cursor, minus(seg.first, one), s.item, null);
        cursor = seg.first;
      }
      const last = seg.last < s.last ? seg.last : s.last;
      visit(cursor, last, s.item, seg);
      cursor = plus(last, one);
      if (seg.last <= s.last) k++;
    }
  }
}
