/**
 * Routed-space accounting: every routed address counted once, with its registering RIR (the
 * most specific delegated record holding it), its country (geo database), that country's RIR
 * service region, and the registry of its origin AS. Exact: routed prefixes and registered
 * segments meet in pieces (segments.ts), each piece is placed by the geo database's runs or tree
 * walks (placement.ts), and sums are integers (numbers for IPv4, below 2^53; bigints for IPv6).
 * Columns and small ids throughout: one pass over the pieces, no map lookup per address range.
 */
import type { Contributor, FamilyIndex, Figures, Flow, IndexRir, OriginFigures, PrefixFilterCounts, RirIndex, RoutedFilters } from '../models/accounting.js';
import { INDEX_RIRS } from '../models/accounting.js';
import type { DelegationRecord, RecordOwner, RegisteredColumns, Rir } from '../models/registry.js';
import { RIRS } from '../models/registry.js';
import { CountryIds, placeIpv4, placeIpv6, type GeoWalk, type Placements } from './placement.js';
import { routedPrefixes, type RoutedColumns, type RoutedSpace, type RouteTable } from './routed.js';
import { boundColumn, innermostSegments, minus, overlay, plus, type Bound, type Pieces } from './segments.js';

/** What the accounting needs from the registry (RegistryIndex has it; so does a prepared space, space-cache.ts). */
export interface RegisteredSpace {
  registeredColumns(family: 4): RegisteredColumns<number>;
  registeredColumns(family: 6): RegisteredColumns<bigint>;
  /** The registry of an AS: its RIR and record (for the country), or nulls. */
  asn(asn: number): { rir: Rir | null; record: Pick<DelegationRecord, 'cc'> | null };
}

export interface AccountingInput {
  /** A routing state, or its routed prefixes already picked with these filters (routedPrefixes). */
  table: RouteTable | RoutedSpace;
  registry: RegisteredSpace;
  geo: GeoWalk;
  filters: RoutedFilters;
}

export interface AccountingResult {
  ipv4: FamilyIndex;
  ipv6: FamilyIndex;
  flows: Flow[];
  prefixes_seen: { ipv4: PrefixFilterCounts; ipv6: PrefixFilterCounts };
  registry_conflicts: { ipv4: number; ipv6: number };
}

/** Contributors kept per list. */
export const TOP_N = 10;

export const PREFIX_RULE =
  "a routed prefix counts once, under the RIR holding the most of its addresses (unregistered when undelegated space is the largest part); it is geolocated when the geo database places any of its addresses, and out of region when more than half of its geolocated addresses lie outside that RIR's service region";

/** What differs between the families: the kind of bound, the placing, and the published unit. */
interface FamilyMath<K extends Bound> {
  family: 4 | 6;
  zero: K;
  one: K;
  place(geo: GeoWalk, pieces: Pieces<K>, ids: CountryIds): Placements<K>;
  /** IPv4 figures are addresses; IPv6 figures are /48s (2^80 addresses), rounded once. */
  toUnit(n: K): number;
}

const IPV4: FamilyMath<number> = {
  family: 4,
  zero: 0,
  one: 1,
  place: (geo, pieces, ids) => placeIpv4(geo, pieces.first, pieces.last, pieces.count, ids),
  toUnit: (n) => n,
};

const IPV6: FamilyMath<bigint> = {
  family: 6,
  zero: 0n,
  one: 1n,
  place: (geo, pieces, ids) => placeIpv6(geo, pieces.first, pieces.last, pieces.count, ids),
  toUnit: (n) => Number(n) / 2 ** 80,
};

const RIR_SLOT = new Map<IndexRir, number>(INDEX_RIRS.map((r, i) => [r, i]));
/** Per INDEX_RIRS slot, the RIR's own service region as a slot in RIRS (-1 for unregistered space). */
const HOME_REGION = INDEX_RIRS.map((r) => RIRS.indexOf(r as Rir));

/**
 * Per routed prefix (by position): addresses per registering RIR (`held`, INDEX_RIRS slots) and
 * per usage region of geolocated addresses (`used`, RIRS slots), its own and those of the
 * prefixes it holds; flat arrays, one row per prefix. Pieces add to their innermost prefix only;
 * `addNested()` then adds each row to the row of the prefix around it, once.
 */
class PrefixTallies<K extends Bound> {
  readonly held: K[];
  readonly used: K[];

  constructor(
    count: number,
    /** Position of the prefix directly around each one (-1: none); always before it. */
    private readonly outer: Int32Array,
    zero: K,
  ) {
    this.held = boundColumn(zero, count * INDEX_RIRS.length);
    this.used = boundColumn(zero, count * RIRS.length);
  }

  addHeld(i: number, slot: number, n: K): void {
    this.held[i * INDEX_RIRS.length + slot] = plus(this.held[i * INDEX_RIRS.length + slot], n);
  }

  addUsed(i: number, slot: number, n: K): void {
    this.used[i * RIRS.length + slot] = plus(this.used[i * RIRS.length + slot], n);
  }

  /** Innermost first (a prefix's position is after the one around it), so each row is whole when it is added. */
  addNested(): void {
    for (let i = this.outer.length - 1; i >= 0; i--) {
      const o = this.outer[i];
      if (o < 0) continue;
      for (let s = 0; s < INDEX_RIRS.length; s++) this.held[o * INDEX_RIRS.length + s] = plus(this.held[o * INDEX_RIRS.length + s], this.held[i * INDEX_RIRS.length + s]);
      for (let r = 0; r < RIRS.length; r++) this.used[o * RIRS.length + r] = plus(this.used[o * RIRS.length + r], this.used[i * RIRS.length + r]);
    }
  }
}

/**
 * Builds now what the accounting reads (registered segments, the ASN table, the geo runs), all
 * built on first use and kept, so that this work can overlap other work: `index build` does it
 * while its worker is still reading the route files.
 */
export function prepareAccounting(registry: RegisteredSpace, geo: GeoWalk): void {
  registry.registeredColumns(4);
  registry.registeredColumns(6);
  registry.asn(0);
  geo.ipv4Runs?.();
}

export function accountRoutedSpace(input: AccountingInput): AccountingResult {
  const routed = 'forEachRoute' in input.table ? routedPrefixes(input.table, input.filters) : input.table;
  const ipv4 = accountFamily(IPV4, routed[4], input.registry.registeredColumns(4), input);
  const ipv6 = accountFamily(IPV6, routed[6], input.registry.registeredColumns(6), input);
  return {
    ipv4: ipv4.index,
    ipv6: ipv6.index,
    flows: [...ipv4.flows, ...ipv6.flows].sort(compareFlows),
    prefixes_seen: routed.counts,
    registry_conflicts: { ipv4: ipv4.conflicts, ipv6: ipv6.conflicts },
  };
}

type Sums<K> = Map<string, { cc: string; sum: K }>;

/** Address sums as exact integers; converted to the published unit once, at the end. */
class RirAccumulator<K extends Bound> {
  readonly space: { routed: K; geolocated: K; in_region: K; out_of_region: K };
  readonly prefixes = zeroFigures();
  readonly origin: { same_rir: K; other_rir: K; unknown: K };
  readonly holders: Sums<K> = new Map();
  readonly origins: Sums<K> = new Map();
  /** Out-of-region addresses by usage country id. */
  readonly countries: K[];

  constructor(
    zero: K,
    private readonly ids: CountryIds,
  ) {
    this.space = { routed: zero, geolocated: zero, in_region: zero, out_of_region: zero };
    this.origin = { same_rir: zero, other_rir: zero, unknown: zero };
    this.countries = boundColumn(zero, ids.codes.length);
  }

  result(toUnit: (n: K) => number): RirIndex {
    const s = this.space;
    const o = this.origin;
    const origin = { same_rir: toUnit(o.same_rir), other_rir: toUnit(o.other_rir), unknown: toUnit(o.unknown) };
    const top = (map: Sums<K>): Contributor[] =>
      [...map]
        .sort(([ka, a], [kb, b]) => (b.sum > a.sum ? 1 : b.sum < a.sum ? -1 : ka < kb ? -1 : 1))
        .slice(0, TOP_N)
        .map(([key, c]) => ({ key, cc: c.cc, out_of_region: toUnit(c.sum) }));
    const countries: Sums<K> = new Map();
    this.ids.codes.forEach((cc, id) => {
      if (this.countries[id]) countries.set(cc, { cc, sum: this.countries[id] });
    });
    return {
      ...withShare({ routed: toUnit(s.routed), geolocated: toUnit(s.geolocated), in_region: toUnit(s.in_region), out_of_region: toUnit(s.out_of_region), share_out: null }),
      prefixes: withShare(this.prefixes),
      by_origin: { ...origin, share_other: ratio(origin.other_rir, origin.same_rir + origin.other_rir) } satisfies OriginFigures,
      top_holders: top(this.holders),
      top_origins: top(this.origins),
      top_countries: top(countries),
    };
  }
}

/**
 * One family's flows (registering RIR and cc, usage country, origin registry): per (RIR, cc,
 * origin registry) a column of addresses by usage country id. Nested maps, so that finding a
 * piece's group builds no key string.
 */
class FlowTally<K extends Bound> {
  private readonly groups = new Map<IndexRir, Map<string, Map<Rir | '', K[]>>>();

  constructor(
    private readonly math: FamilyMath<K>,
    private readonly ids: CountryIds,
  ) {}

  group(rir: IndexRir, registeredCc: string, originRir: Rir | ''): K[] {
    let byCc = this.groups.get(rir);
    if (!byCc) this.groups.set(rir, (byCc = new Map()));
    let byOrigin = byCc.get(registeredCc);
    if (!byOrigin) byCc.set(registeredCc, (byOrigin = new Map()));
    let byCountry = byOrigin.get(originRir);
    if (!byCountry) byOrigin.set(originRir, (byCountry = boundColumn(this.math.zero, this.ids.codes.length)));
    return byCountry;
  }

  result(): Flow[] {
    const out: Flow[] = [];
    for (const [rir, byCc] of this.groups)
      for (const [registered_cc, byOrigin] of byCc)
        for (const [origin_rir, byCountry] of byOrigin)
          this.ids.codes.forEach((country, id) => {
            if (byCountry[id]) out.push({ family: this.math.family, rir, registered_cc, country, usage_region: RIRS[this.ids.region[id]] ?? '', origin_rir, addresses: this.math.toUnit(byCountry[id]) });
          });
    return out;
  }
}

/** An origin AS as the accounting reads it: its registry and country, and its key in the top lists. */
interface OriginAs {
  asn: number;
  rir: Rir | null;
  cc: string;
  key: string;
}

function accountFamily<K extends Bound>(
  math: FamilyMath<K>,
  routes: RoutedColumns<K>,
  registered: RegisteredColumns<K>,
  input: AccountingInput,
): { index: FamilyIndex; conflicts: number; flows: Flow[] } {
  const { segments, outer } = innermostSegments(routes.start, routes.end);
  const pieces = overlay(segments, registered);
  const ids = new CountryIds();
  const placed = math.place(input.geo, pieces, ids);
  const tally = new PieceTally(math, routes, registered, placed, ids, outer, input.registry);
  for (let p = 0, v = 0; p < pieces.count; p++) v = tally.add(p, pieces.itemA[p], pieces.itemB[p], plus(minus(pieces.last[p], pieces.first[p]), math.one), v);
  return tally.result(routes.origin.length);
}

/**
 * The sums of one family, piece by piece (one routed prefix, one registered record): the piece's
 * size is known, so only what depends on the country is summed per placement; the rest is added
 * once per piece. A method called per piece rather than one long loop: V8 optimizes it after a
 * few hundred calls, where one long loop waits for on-stack replacement and falls back to the interpreter at each branch not yet taken.
 */
class PieceTally<K extends Bound> {
  readonly acc: Array<RirAccumulator<K>>;
  readonly tallies: PrefixTallies<K>;
  readonly flows: FlowTally<K>;
  private readonly origins = new Map<number, OriginAs>();
  private lastOrigin: OriginAs = { asn: -1, rir: null, cc: '', key: '' };
  private readonly used: K[];
  private conflicts: K;
  // The flow group of the piece before, kept while the record and the origin's registry stay the same.
  private groupRecord: RecordOwner | null = null;
  private groupOriginRir: Rir | null | undefined = undefined;
  private group: K[] = [];

  constructor(
    private readonly math: FamilyMath<K>,
    private readonly routes: RoutedColumns<K>,
    private readonly registered: RegisteredColumns<K>,
    private readonly placed: Placements<K>,
    private readonly ids: CountryIds,
    outer: Int32Array,
    private readonly registry: RegisteredSpace,
  ) {
    this.acc = INDEX_RIRS.map(() => new RirAccumulator(math.zero, ids));
    this.tallies = new PrefixTallies(routes.origin.length, outer, math.zero);
    this.flows = new FlowTally(math, ids);
    this.used = boundColumn(math.zero, RIRS.length);
    this.conflicts = math.zero;
  }

  /** Piece p of routed prefix `at` and registered segment `seg` (-1: none), of `size` addresses; its placements start at v. Returns where the next piece's placements start. */
  add(p: number, at: number, seg: number, size: K, v: number): number {
    const zero = this.math.zero;
    const record = seg < 0 ? null : this.registered.record[seg];
    const rir: IndexRir = record?.rir ?? 'unregistered';
    const slot = RIR_SLOT.get(rir) as number;
    const home = HOME_REGION[slot];
    if (seg >= 0 && this.registered.conflict[seg] === 1) this.conflicts = plus(this.conflicts, size);
    this.tallies.addHeld(at, slot, size);
    const a = this.acc[slot];
    const origin = this.originOf(this.routes.origin[at]);
    if (record !== this.groupRecord || origin.rir !== this.groupOriginRir) {
      this.group = this.flows.group(rir, record?.cc ?? '', origin.rir ?? '');
      this.groupRecord = record;
      this.groupOriginRir = origin.rir;
    }
    const flow = this.group;
    const used = this.used;
    used.fill(zero);
    let outside = zero;
    const { country, addresses } = this.placed;
    for (const end = this.placed.end[p]; v < end; v++) {
      const cc = country[v];
      const n = addresses[v];
      flow[cc] = plus(flow[cc], n);
      const region = this.ids.region[cc];
      if (region < 0) continue;
      used[region] = plus(used[region], n);
      if (home < 0 || region === home) continue;
      outside = plus(outside, n);
      a.countries[cc] = plus(a.countries[cc], n);
    }

    a.space.routed = plus(a.space.routed, size);
    if (origin.rir === null) a.origin.unknown = plus(a.origin.unknown, size);
    else if (origin.rir === rir) a.origin.same_rir = plus(a.origin.same_rir, size);
    else a.origin.other_rir = plus(a.origin.other_rir, size);
    let located = zero;
    for (let r = 0; r < used.length; r++) {
      if (used[r] === zero) continue;
      located = plus(located, used[r]);
      this.tallies.addUsed(at, r, used[r]);
    }
    a.space.geolocated = plus(a.space.geolocated, located);
    if (home < 0) return v;
    a.space.in_region = plus(a.space.in_region, minus(located, outside));
    if (outside === zero) return v;
    a.space.out_of_region = plus(a.space.out_of_region, outside);
    addTo(a.holders, holderKey(record as RecordOwner), (record as RecordOwner).cc, outside);
    addTo(a.origins, origin.key, origin.cc, outside);
    return v;
  }

  result(prefixes: number): { index: FamilyIndex; conflicts: number; flows: Flow[] } {
    this.tallies.addNested();
    for (let i = 0; i < prefixes; i++) countPrefix(this.tallies, i, this.acc, this.math.zero);
    const index = {} as FamilyIndex;
    INDEX_RIRS.forEach((r, i) => (index[r] = this.acc[i].result(this.math.toUnit)));
    return { index, conflicts: this.math.toUnit(this.conflicts), flows: this.flows.result() };
  }

  private originOf(asn: number): OriginAs {
    // The pieces of one prefix come together: most ask for the AS the piece before did.
    if (asn === this.lastOrigin.asn) return this.lastOrigin;
    let o = this.origins.get(asn);
    if (!o) {
      const reg = this.registry.asn(asn);
      this.origins.set(asn, (o = { asn, rir: reg.rir, cc: reg.record?.cc ?? '', key: `AS${asn}` }));
    }
    return (this.lastOrigin = o);
  }
}

/** The prefix-level figures (PREFIX_RULE) for routed prefix i, from its tallies. */
function countPrefix<K extends Bound>(t: PrefixTallies<K>, i: number, acc: Array<RirAccumulator<K>>, zero: K): void {
  const held = i * INDEX_RIRS.length;
  let slot = 0;
  for (let s = 1; s < INDEX_RIRS.length; s++) if (t.held[held + s] > t.held[held + slot]) slot = s;
  const f = acc[slot].prefixes;
  f.routed++;
  let located = zero;
  for (let r = 0; r < RIRS.length; r++) located = plus(located, t.used[i * RIRS.length + r]);
  if (located === zero) return;
  f.geolocated++;
  const home = HOME_REGION[slot];
  if (home < 0) return;
  const outside = minus(located, t.used[i * RIRS.length + home]);
  if (plus(outside, outside) > located) f.out_of_region++;
  else f.in_region++;
}

const holderKey = (r: RecordOwner): string => r.opaqueId ?? `cc:${r.cc || '??'}`;

function addTo<K extends Bound>(map: Sums<K>, key: string, cc: string, n: K): void {
  const c = map.get(key);
  if (c) c.sum = plus(c.sum, n);
  else map.set(key, { cc, sum: n });
}

const zeroFigures = (): Figures => ({ routed: 0, geolocated: 0, in_region: 0, out_of_region: 0, share_out: null });
const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);
const withShare = (f: Figures): Figures => ({ ...f, share_out: ratio(f.out_of_region, f.in_region + f.out_of_region) });

function compareFlows(a: Flow, b: Flow): number {
  return a.family - b.family || cmp(a.rir, b.rir) || cmp(a.registered_cc, b.registered_cc) || cmp(a.country, b.country) || cmp(a.origin_rir, b.origin_rir);
}
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
