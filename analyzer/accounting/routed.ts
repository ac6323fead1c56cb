/**
 * Routed prefixes at a moment: the announced prefixes of a routing state that pass the named
 * filters, each with its peers and the origin its addresses are attributed to.
 */
import type { PrefixFilterCounts, RoutedFilters } from '../models/accounting.js';
import { prefixBounds, type Bound } from './segments.js';
import { isSpecialPurpose, isSpecialPurpose4 } from './special-purpose.js';

/** The routing state the accounting reads: PrefixState has this shape. */
export interface RouteTable {
  /** Every announced (prefix, origin) pair with the sources announcing it now; the pairs of one prefix one after another. */
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
  const out: RoutedPrefixes = { 4: [], 6: [], counts: { ipv4: emptyCounts(), ipv6: emptyCounts() } };
  // The routes of one prefix come together (RouteTable), so each prefix is summed as it passes.
  let text: string | null = null;
  let peers = 0;
  let origin = 0;
  let originPeers = 0;
  let origins = 0;
  const flush = () => {
    if (text === null || peers === 0) return;
    const p = prefixBounds(text); // the state holds canonical prefixes only
    if (!p) return;
    const c = p.family === 4 ? out.counts.ipv4 : out.counts.ipv6;
    const [min, max] = p.family === 4 ? filters.ipv4_length : filters.ipv6_length;
    c.announced++;
    if (p.length < min || p.length > max) c.length++;
    else if (filters.exclude_special_purpose && (p.family === 4 ? isSpecialPurpose4(p.start, p.end) : isSpecialPurpose(6, p.start, p.end))) c.special_purpose++;
    else if (peers < filters.min_peers) c.min_peers++;
    else {
      c.kept++;
      const route = { text, start: p.start, end: p.end, length: p.length, peers, origin, moas: origins > 1 };
      if (p.family === 4) out[4].push(route as RoutedPrefix<number>);
      else out[6].push(route as RoutedPrefix<bigint>);
    }
  };
  table.forEachRoute((prefix, asn, n) => {
    if (n <= 0) return;
    if (prefix !== text) {
      flush();
      text = prefix;
      peers = 0;
      originPeers = 0;
      origins = 0;
    }
    peers += n;
    origins++;
    if (origins === 1 || n > originPeers || (n === originPeers && asn < origin)) {
      origin = asn;
      originPeers = n;
    }
  });
  flush();
  out[4].sort((a, b) => a.start - b.start || a.length - b.length);
  out[6].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.length - b.length));
  return out;
}
