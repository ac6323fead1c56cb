/**
 * Routed prefixes at a moment: the announced prefixes of a routing state that pass the named
 * filters, each with its peers and the origin its addresses are attributed to.
 */
import { parsePrefix, prefixEnd, type Family } from '../../common/ip.js';
import type { PrefixFilterCounts, RoutedFilters } from '../models/accounting.js';
import { isSpecialPurpose } from './special-purpose.js';

/** The routing state the accounting reads: PrefixState has this shape. */
export interface RouteTable {
  /** Every announced (prefix, origin) pair with the sources announcing it now. */
  forEachRoute(cb: (prefix: string, origin: number, peers: number) => void): void;
}

export interface RoutedPrefix {
  text: string;
  start: bigint;
  /** Last address (inclusive). */
  end: bigint;
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

/** Per family, the routed prefixes sorted by start address, then shortest first (covering before covered). */
export function routedPrefixes(table: RouteTable, filters: RoutedFilters): { 4: RoutedPrefix[]; 6: RoutedPrefix[]; counts: { ipv4: PrefixFilterCounts; ipv6: PrefixFilterCounts } } {
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
  const out: { 4: RoutedPrefix[]; 6: RoutedPrefix[] } = { 4: [], 6: [] };
  const counts = { ipv4: emptyCounts(), ipv6: emptyCounts() };
  for (const [text, e] of byPrefix) {
    const p = parsePrefix(text);
    if (!p) continue; // the state holds canonical prefixes only
    const c = p.family === 4 ? counts.ipv4 : counts.ipv6;
    c.announced++;
    const [min, max] = p.family === 4 ? filters.ipv4_length : filters.ipv6_length;
    const end = prefixEnd(p);
    if (p.length < min || p.length > max) c.length++;
    else if (filters.exclude_special_purpose && isSpecialPurpose(p.family, p.start, end)) c.special_purpose++;
    else if (e.peers < filters.min_peers) c.min_peers++;
    else {
      c.kept++;
      out[p.family].push({ text, start: p.start, end, length: p.length, peers: e.peers, origin: e.origin, moas: e.origins > 1 });
    }
  }
  for (const family of [4, 6] as Family[]) out[family].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.length - b.length));
  return { ...out, counts };
}
