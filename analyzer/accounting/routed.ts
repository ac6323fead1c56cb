/**
 * Routed prefixes at a moment: the announced prefixes of a routing state that pass the named
 * filters, each with its peers and the origin its addresses are attributed to.
 */
import type { PrefixFilterCounts, RoutedFilters } from '../models/accounting.js';
import { prefixBounds, type Bound } from './segments.js';
import { isSpecialPurpose } from './special-purpose.js';

/** The routing state the accounting reads: PrefixState has this shape. */
export interface RouteTable {
  /** Every announced (prefix, origin) pair with the sources announcing it now. */
  forEachRoute(cb: (prefix: string, origin: number, peers: number) => void): void;
}

/** A routed prefix; its bounds are numbers for IPv4 and bigints for IPv6 (see segments.ts). */
export interface RoutedPrefix<K extends Bound = Bound> {
  text: string;
  start: K;
  /** Last address (inclusive). */
  end: K;
  length: number;
  /** Distinct sources announcing the prefix, any origin (a source announces one route per prefix). */
  peers: number;
  /** The origin announced by the most peers; ties go to the smallest ASN (see ORIGIN_RULE). */
  origin: number;
  /** More than one origin announced it at the moment. */
  moas: boolean;
}

export const ORIGIN_RULE =
  "an address's origin is the origin AS of its longest matching routed prefix; when several origins announce that prefix (MOAS), the one announced by the most peers, ties to the smallest ASN; an AS_SET origin counts as its smallest member";

export const DEFAULT_FILTERS: RoutedFilters = {
  ipv4_length: [8, 24],
  ipv6_length: [16, 48],
  min_peers: 2,
  exclude_special_purpose: true,
};

const emptyCounts = (): PrefixFilterCounts => ({ announced: 0, kept: 0, length: 0, special_purpose: 0, min_peers: 0 });

export interface RoutedPrefixes {
  4: Array<RoutedPrefix<number>>;
  6: Array<RoutedPrefix<bigint>>;
  counts: { ipv4: PrefixFilterCounts; ipv6: PrefixFilterCounts };
}

/** Per family, the routed prefixes sorted by start address, then shortest first (covering before covered). */
export function routedPrefixes(table: RouteTable, filters: RoutedFilters): RoutedPrefixes {
  const byPrefix = new Map<string, { peers: number; origin: number; originPeers: number; origins: number }>();
  table.forEachRoute((prefix, origin, peers) => {
    if (peers <= 0) return;
    const e = byPrefix.get(prefix);
    if (!e) {
      byPrefix.set(prefix, { peers, origin, originPeers: peers, origins: 1 });
      return;
    }
    e.peers += peers;
    e.origins++;
    if (peers > e.originPeers || (peers === e.originPeers && origin < e.origin)) {
      e.origin = origin;
      e.originPeers = peers;
    }
  });
  const out: RoutedPrefixes = { 4: [], 6: [], counts: { ipv4: emptyCounts(), ipv6: emptyCounts() } };
  const keep = <K extends Bound>(list: Array<RoutedPrefix<K>>, c: PrefixFilterCounts, [min, max]: [number, number], family: 4 | 6, text: string, start: K, end: K, length: number) => {
    const e = byPrefix.get(text)!;
    c.announced++;
    if (length < min || length > max) c.length++;
    else if (filters.exclude_special_purpose && isSpecialPurpose(family, start, end)) c.special_purpose++;
    else if (e.peers < filters.min_peers) c.min_peers++;
    else {
      c.kept++;
      list.push({ text, start, end, length, peers: e.peers, origin: e.origin, moas: e.origins > 1 });
    }
  };
  for (const text of byPrefix.keys()) {
    const p = prefixBounds(text); // the state holds canonical prefixes only
    if (p?.family === 4) keep(out[4], out.counts.ipv4, filters.ipv4_length, 4, text, p.start, p.end, p.length);
    else if (p) keep(out[6], out.counts.ipv6, filters.ipv6_length, 6, text, p.start, p.end, p.length);
  }
  out[4].sort((a, b) => a.start - b.start || a.length - b.length);
  out[6].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.length - b.length));
  return out;
}
