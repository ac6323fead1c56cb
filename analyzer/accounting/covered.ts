/**
 * The space a set of prefixes covers, each address once: a key's share of a top list, where
 * summing prefix sizes would count a /24 inside an announced /16 twice. In the index's units
 * (IPv4 addresses, IPv6 /48s) and exact: IPv4 in numbers, IPv6 in bigints until the end.
 */
import { minus, plus, prefixBounds, type Bound } from './segments.js';

export interface CoveredSpace {
  /** IPv4 addresses. */
  ipv4: number;
  /** IPv6 /48s (fractions below a /48). */
  ipv6: number;
  /** Texts that are not prefixes (left out, counted). */
  invalid: number;
}

export function coveredSpace(prefixes: Iterable<string>): CoveredSpace {
  const v4: Array<[number, number]> = [];
  const v6: Array<[bigint, bigint]> = [];
  let invalid = 0;
  for (const text of prefixes) {
    const p = prefixBounds(text);
    if (p?.family === 4) v4.push([p.start, p.end]);
    else if (p) v6.push([p.start, p.end]);
    else invalid++;
  }
  return { ipv4: unionSize(v4, 1), ipv6: Number(unionSize(v6, 1n)) / 2 ** 80, invalid };
}

/** Size of the union of inclusive ranges (any overlap, not only nesting). */
function unionSize<K extends Bound>(ranges: Array<[K, K]>, one: K): K {
  ranges.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const add = plus<K>;
  const sub = minus<K>;
  let total = sub(one, one);
  let from: K | null = null;
  let to = total;
  for (const [start, end] of ranges) {
    if (from !== null && start <= add(to, one)) {
      if (end > to) to = end;
      continue;
    }
    if (from !== null) total = add(total, add(sub(to, from), one));
    from = start;
    to = end;
  }
  if (from !== null) total = add(total, add(sub(to, from), one));
  return total;
}
