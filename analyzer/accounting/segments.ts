/** Exact interval arithmetic on address ranges (inclusive bigint bounds). */

export interface Interval {
  start: bigint;
  end: bigint;
}

export interface Segment<T> {
  first: bigint;
  last: bigint;
  item: T;
}

/**
 * Nested or disjoint intervals (CIDR prefixes: any two are disjoint or one holds the other),
 * sorted by start and then outermost first, become disjoint segments, each labelled with the
 * innermost interval holding it: the longest match of every address, each address once.
 * `onNest` is told, for each interval in order, the interval directly around it (or null).
 */
export function innermostSegments<T extends Interval>(sorted: readonly T[], onNest?: (item: T, outer: T | null) => void): Array<Segment<T>> {
  const out: Array<Segment<T>> = [];
  const stack: T[] = [];
  let cursor = 0n;
  const emitUpTo = (last: bigint) => {
    const top = stack[stack.length - 1];
    if (cursor <= last) out.push({ first: cursor, last, item: top });
    cursor = last + 1n;
  };
  for (const iv of sorted) {
    // Close every open interval that ends before this one starts.
    while (stack.length && stack[stack.length - 1].end < iv.start) {
      emitUpTo(stack[stack.length - 1].end);
      stack.pop();
    }
    if (stack.length) emitUpTo(iv.start - 1n);
    cursor = iv.start;
    onNest?.(iv, stack.length ? stack[stack.length - 1] : null);
    stack.push(iv);
  }
  while (stack.length) {
    emitUpTo(stack[stack.length - 1].end);
    stack.pop();
  }
  return out;
}

/**
 * The pieces where two sorted lists of disjoint segments meet, plus the parts of `a` that `b`
 * does not cover (with `b` null): every address of `a` exactly once.
 */
export function overlay<A, B>(a: ReadonlyArray<Segment<A>>, b: ReadonlyArray<{ first: bigint; last: bigint } & B>, visit: (first: bigint, last: bigint, itemA: A, itemB: B | null) => void): void {
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
        visit(cursor, seg.first - 1n, s.item, null);
        cursor = seg.first;
      }
      const last = seg.last < s.last ? seg.last : s.last;
      visit(cursor, last, s.item, seg);
      cursor = last + 1n;
      if (seg.last <= s.last) k++;
    }
  }
}
