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

/**
 * One family's routed prefixes as columns, position i in each, sorted by start address and then
 * shortest first (covering before covered). Bounds are numbers for IPv4 (a Float64Array, so the
 * columns move between threads without a copy and no object is made per prefix) and bigints for
 * IPv6 (see segments.ts).
 */
export interface RoutedColumns<K extends Bound = Bound> {
  start: ArrayLike<K>;
  /** Last address (inclusive). */
  end: ArrayLike<K>;
  length: Uint8Array;
  /** Distinct sources announcing the prefix, any origin (a source announces one route per prefix). */
  peers: Uint32Array;
  /** The origin announced by the most peers; ties go to the smallest ASN (see ORIGIN_RULE). */
  origin: Uint32Array;
  /** 1 when more than one origin announced it at the moment. */
  moas: Uint8Array;
}

/** The columns with each prefix's text, for readers that name the prefixes (the accounting does not). */
export interface NamedRoutedColumns<K extends Bound = Bound> extends RoutedColumns<K> {
  text: string[];
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

/** What the accounting reads: per family the routed prefixes' columns, and what the filters kept and dropped. */
export interface RoutedSpace {
  4: RoutedColumns<number>;
  6: RoutedColumns<bigint>;
  counts: { ipv4: PrefixFilterCounts; ipv6: PrefixFilterCounts };
}

export interface RoutedPrefixes extends RoutedSpace {
  4: NamedRoutedColumns<number>;
  6: NamedRoutedColumns<bigint>;
}

/** Per family, the routed prefixes sorted by start address, then shortest first (covering before covered). */
export function routedPrefixes(table: RouteTable, filters: RoutedFilters): RoutedPrefixes {
  const counts = { ipv4: emptyCounts(), ipv6: emptyCounts() };
  const kept = { 4: new ColumnsBuilder<number>(), 6: new ColumnsBuilder<bigint>() };
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
    const c = p.family === 4 ? counts.ipv4 : counts.ipv6;
    const lengths = p.family === 4 ? filters.ipv4_length : filters.ipv6_length;
    c.announced++;
    if (p.length < lengths[0] || p.length > lengths[1]) c.length++;
    else if (filters.exclude_special_purpose && (p.family === 4 ? isSpecialPurpose4(p.start, p.end) : isSpecialPurpose(6, p.start, p.end))) c.special_purpose++;
    else if (peers < filters.min_peers) c.min_peers++;
    else {
      c.kept++;
      if (p.family === 4) kept[4].push(text, p.start, p.end, p.length, peers, origin, origins > 1);
      else kept[6].push(text, p.start, p.end, p.length, peers, origin, origins > 1);
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
  return { 4: kept[4].columns((xs) => Float64Array.from(xs)), 6: kept[6].columns((xs) => xs), counts };
}

/** Collects one family's kept prefixes in arrival order; `columns` sorts them (most tables arrive sorted: then no sort runs). */
class ColumnsBuilder<K extends Bound> {
  private readonly text: string[] = [];
  private readonly start: K[] = [];
  private readonly end: K[] = [];
  private readonly length: number[] = [];
  private readonly peers: number[] = [];
  private readonly origin: number[] = [];
  private readonly moas: boolean[] = [];

  push(text: string, start: K, end: K, length: number, peers: number, origin: number, moas: boolean): void {
    this.text.push(text);
    this.start.push(start);
    this.end.push(end);
    this.length.push(length);
    this.peers.push(peers);
    this.origin.push(origin);
    this.moas.push(moas);
  }

  columns(bounds: (xs: K[]) => ArrayLike<K>): NamedRoutedColumns<K> {
    const { start, length } = this;
    const n = start.length;
    const before = (a: number, b: number) => start[a] < start[b] || (start[a] === start[b] && length[a] < length[b]);
    let sorted = true;
    for (let i = 1; i < n && sorted; i++) sorted = !before(i, i - 1);
    const order = sorted ? null : Array.from({ length: n }, (_, i) => i).sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
    const pick = <T>(xs: T[]): T[] => (order ? order.map((i) => xs[i]) : xs);
    return {
      text: pick(this.text),
      start: bounds(pick(start)),
      end: bounds(pick(this.end)),
      length: Uint8Array.from(pick(length)),
      peers: Uint32Array.from(pick(this.peers)),
      origin: Uint32Array.from(pick(this.origin)),
      moas: Uint8Array.from(pick(this.moas), Number),
    };
  }
}
