/**
 * Routed prefixes at a moment: the announced prefixes of a routing state that pass the named
 * filters, each with its peers and the origin its addresses are attributed to.
 */
import type { PrefixFilterCounts, RoutedFilters } from '../models/accounting.js';
import { boundColumn, prefixBounds, type Bound, type PrefixBounds } from './segments.js';
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

const emptyCounts = (): PrefixFilterCounts => ({ announced: 0, kept: 0, length: 0, special_purpose: 0, min_peers: 0 });

/** What the accounting reads: per family the routed prefixes' columns, and what the filters kept and dropped. */
export interface RoutedSpace {
  4: RoutedColumns<number>;
  6: RoutedColumns<bigint>;
  counts: { ipv4: PrefixFilterCounts; ipv6: PrefixFilterCounts };
}

/** The routed prefixes of route files, with what was read. */
export interface RoutedTable {
  routed: RoutedSpace;
  elements: number;
  /** Latest element time (seconds), or null when the files held none. */
  latest: number | null;
  /** Distinct peers (collector, address, AS), as PrefixState counts them. */
  peers: number;
}

export interface RoutedPrefixes extends RoutedSpace {
  4: NamedRoutedColumns<number>;
  6: NamedRoutedColumns<bigint>;
}

/** Per family, the routed prefixes sorted by start address, then shortest first (covering before covered). */
export function routedPrefixes(table: RouteTable, filters: RoutedFilters): RoutedPrefixes {
  const kept = new RoutedBuilder(filters, true);
  const vote = new OriginVote();
  // The routes of one prefix come together (RouteTable), so each prefix is summed as it passes.
  let text: string | null = null;
  const flush = () => {
    if (text === null || vote.peers === 0) return;
    const p = prefixBounds(text); // the state holds canonical prefixes only
    if (p) kept.add(text, p, vote);
  };
  table.forEachRoute((prefix, asn, n) => {
    if (n <= 0) return;
    if (prefix !== text) {
      flush();
      text = prefix;
      vote.reset();
    }
    vote.add(asn, n);
  });
  flush();
  return kept.named();
}

/** One prefix's routes summed by ORIGIN_RULE: add each (origin, sources) of the prefix, then read. */
export class OriginVote {
  /** Sources announcing the prefix, any origin. */
  peers = 0;
  /** The origin picked. */
  origin = 0;
  /** Routes (origins) added: more than one is MOAS. */
  origins = 0;
  private originPeers = 0;

  reset(): void {
    this.peers = 0;
    this.origins = 0;
    this.originPeers = 0;
  }

  add(asn: number, sources: number): void {
    this.peers += sources;
    this.origins++;
    if (this.origins === 1 || sources > this.originPeers || (sources === this.originPeers && asn < this.origin)) {
      this.origin = asn;
      this.originPeers = sources;
    }
  }
}

/** Applies the filters to announced prefixes one by one (counting what each drops) and keeps the rest as columns. */
export class RoutedBuilder {
  private readonly counts = { ipv4: emptyCounts(), ipv6: emptyCounts() };
  private readonly kept: { 4: ColumnsBuilder<number>; 6: ColumnsBuilder<bigint> };

  /** `named`: keep each prefix's text (for named()); a table read only for the accounting keeps none. */
  constructor(
    private readonly filters: RoutedFilters,
    named: boolean,
  ) {
    this.kept = { 4: new ColumnsBuilder<number>(0, named), 6: new ColumnsBuilder<bigint>(0n, named) };
  }

  /** An announced prefix (its text and bounds) with its routes summed. */
  add(text: string, p: PrefixBounds, vote: OriginVote): void {
    const { filters } = this;
    const c = p.family === 4 ? this.counts.ipv4 : this.counts.ipv6;
    const lengths = p.family === 4 ? filters.ipv4_length : filters.ipv6_length;
    c.announced++;
    if (p.length < lengths[0] || p.length > lengths[1]) c.length++;
    else if (filters.exclude_special_purpose && (p.family === 4 ? isSpecialPurpose4(p.start, p.end) : isSpecialPurpose(6, p.start, p.end))) c.special_purpose++;
    else if (vote.peers < filters.min_peers) c.min_peers++;
    else {
      c.kept++;
      if (p.family === 4) this.kept[4].push(text, p.start, p.end, p.length, vote.peers, vote.origin, vote.origins > 1);
      else this.kept[6].push(text, p.start, p.end, p.length, vote.peers, vote.origin, vote.origins > 1);
    }
  }

  /** The kept prefixes as columns, sorted. */
  space(): RoutedSpace {
    return { 4: this.kept[4].columns(), 6: this.kept[6].columns(), counts: this.counts };
  }

  /** The same with each prefix's text (built `named`). */
  named(): RoutedPrefixes {
    const space = this.space();
    return { 4: { ...space[4], text: this.kept[4].texts() }, 6: { ...space[6], text: this.kept[6].texts() }, counts: space.counts };
  }
}

/** Writable columns of one type (bounds: a Float64Array for IPv4, an array of bigints for IPv6; see boundColumn). */
type Column<T> = { [i: number]: T; readonly length: number };

/**
 * Collects one family's kept prefixes in arrival order, in columns that double when full (no
 * object per prefix); `columns` sorts them (most tables arrive sorted: then no sort runs).
 */
class ColumnsBuilder<K extends Bound> {
  private size = 0;
  private text: string[] | null;
  private start: Column<K>;
  private end: Column<K>;
  private length: Uint8Array = new Uint8Array(1024);
  private peers: Uint32Array = new Uint32Array(1024);
  private origin: Uint32Array = new Uint32Array(1024);
  private moas: Uint8Array = new Uint8Array(1024);

  /** `zero`: 0 or 0n, the family's kind of bound; `named`: keep the texts. */
  constructor(
    private readonly zero: K,
    named: boolean,
  ) {
    this.text = named ? [] : null;
    this.start = boundColumn(zero, 1024);
    this.end = boundColumn(zero, 1024);
  }

  push(text: string, start: K, end: K, length: number, peers: number, origin: number, moas: boolean): void {
    const i = this.size++;
    if (i === this.length.length) this.grow(2 * i);
    this.text?.push(text);
    this.start[i] = start;
    this.end[i] = end;
    this.length[i] = length;
    this.peers[i] = peers;
    this.origin[i] = origin;
    this.moas[i] = moas ? 1 : 0;
  }

  /** The columns at their exact size, sorted (the texts with them). */
  columns(): RoutedColumns<K> {
    const { size, start, length } = this;
    const before = (a: number, b: number) => start[a] < start[b] || (start[a] === start[b] && length[a] < length[b]);
    let sorted = true;
    for (let i = 1; i < size && sorted; i++) sorted = !before(i, i - 1);
    const order = sorted ? null : Array.from({ length: size }, (_, i) => i).sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
    this.grow(size, order);
    return { start: this.start, end: this.end, length: this.length, peers: this.peers, origin: this.origin, moas: this.moas };
  }

  texts(): string[] {
    if (!this.text) throw new Error('prefix texts were not kept');
    return this.text;
  }

  /** Every column moved to new ones of `capacity`, in `order` when given. */
  private grow(capacity: number, order: number[] | null = null): void {
    const move = <T>(from: Column<T>, to: Column<T>): Column<T> => {
      if (order) for (let i = 0; i < this.size; i++) to[i] = from[order[i]];
      // In order, a typed column is one copy (an element loop over six kinds of column ran unoptimized: ~20 ms on the 2002 RIB).
      else if (ArrayBuffer.isView(to)) (to as unknown as Uint8Array).set((from as unknown as Uint8Array).subarray(0, this.size));
      else for (let i = 0; i < this.size; i++) to[i] = from[i];
      return to;
    };
    if (order && this.text) this.text = order.map((i) => (this.text as string[])[i]);
    this.start = move(this.start, boundColumn(this.zero, capacity));
    this.end = move(this.end, boundColumn(this.zero, capacity));
    this.length = move(this.length, new Uint8Array(capacity)) as Uint8Array;
    this.peers = move(this.peers, new Uint32Array(capacity)) as Uint32Array;
    this.origin = move(this.origin, new Uint32Array(capacity)) as Uint32Array;
    this.moas = move(this.moas, new Uint8Array(capacity)) as Uint8Array;
  }
}
