/**
 * Routed-space accounting: every routed address counted once, with its registering RIR (the
 * most specific delegated record holding it), its country (geo database), that country's RIR
 * service region, and the registry of its origin AS. Exact: ranges are split into CIDRs, each
 * CIDR's networks come from a walk of the geo database's tree, and sums are integers (numbers
 * for IPv4, below 2^53; bigints for IPv6: see segments.ts).
 */
import { rangeToPrefixes, type Family } from '../../common/ip.js';
import type { Contributor, FamilyIndex, Figures, Flow, IndexRir, OriginFigures, PrefixFilterCounts, RirIndex, RoutedFilters } from '../models/accounting.js';
import { INDEX_RIRS } from '../models/accounting.js';
import type { CountryRuns, GeoDatabaseInfo } from '../models/geo.js';
import type { DelegationRecord, RegisteredColumns, Rir } from '../models/registry.js';
import { RIRS } from '../models/registry.js';
import { forEachIpv4Cidr } from '../registry/prefix-index.js';
import { regionOf } from '../registry/regions.js';
import { routedPrefixes, type RoutedColumns, type RoutedSpace, type RouteTable } from './routed.js';
import { boundColumn, innermostSegments, minus, overlay, plus, type Bound } from './segments.js';

/** What the accounting reads of a registering record. */
export type RecordOwner = Pick<DelegationRecord, 'rir' | 'cc' | 'opaqueId'>;

/** What the accounting needs from the registry (RegistryIndex has it; so does a prepared space, space-cache.ts). */
export interface RegisteredSpace {
  registeredColumns(family: 4): RegisteredColumns<number, RecordOwner>;
  registeredColumns(family: 6): RegisteredColumns<bigint, RecordOwner>;
  /** The registry of an AS: its RIR and record (for the country), or nulls. */
  asn(asn: number): { rir: Rir | null; record: Pick<DelegationRecord, 'cc'> | null };
}

/** What it needs from the geo database (GeoDatabase has it): every network inside a prefix. */
export interface GeoWalk {
  /** `start` is a number for IPv4 (no bigint on the hot path) and a bigint for IPv6. */
  walk(family: Family, start: number | bigint, length: number, visit: (cc: string | null, addresses: number) => void): void;
  info(): GeoDatabaseInfo;
  /** Optional: the IPv4 space as runs of one country; each IPv4 range is then placed by a binary search, not tree walks. */
  ipv4Runs?(): CountryRuns;
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

/** Places an address range: its countries ('ZZ': not placed) with the addresses in each, adding up to its size. */
type Placer<K extends Bound> = (first: K, last: K, visit: (cc: string, addresses: K) => void) => void;

/** What differs between the families: the kind of bound, the placing, and the published unit. */
interface FamilyMath<K extends Bound> {
  family: Family;
  zero: K;
  one: K;
  placer(geo: GeoWalk): Placer<K>;
  /** IPv4 figures are addresses; IPv6 figures are /48s (2^80 addresses), rounded once. */
  toUnit(n: K): number;
}

const IPV4: FamilyMath<number> = {
  family: 4,
  zero: 0,
  one: 1,
  placer(geo) {
    const runs = geo.ipv4Runs?.();
    if (!runs) {
      // The range's exact CIDRs, each walked in the database's tree.
      return (first, last, visit) => {
        const each = (cc: string | null, n: number) => visit(cc ?? 'ZZ', n);
        forEachIpv4Cidr(first, last, (start, len) => geo.walk(4, start, len, each));
      };
    }
    const { starts, countries } = runs;
    return (first, last, visit) => {
      let i = runAt(starts, first);
      for (let at = first; at <= last; i++) {
        const end = i + 1 < starts.length && starts[i + 1] - 1 < last ? starts[i + 1] - 1 : last;
        visit(countries[i] ?? 'ZZ', end - at + 1);
        at = end + 1;
      }
    };
  },
  toUnit: (n) => n,
};

const IPV6: FamilyMath<bigint> = {
  family: 6,
  zero: 0n,
  one: 1n,
  placer(geo) {
    return (first, last, visit) => {
      // Walk counts of IPv6 networks are powers of two, so BigInt() is exact.
      const each = (cc: string | null, n: number) => visit(cc ?? 'ZZ', BigInt(n));
      for (const p of rangeToPrefixes(6, first, last)) geo.walk(6, p.start, p.length, each);
    };
  },
  toUnit: (n) => Number(n) / 2 ** 80,
};

/** The run holding `address`: the last i with starts[i] <= address (starts[0] is 0). */
function runAt(starts: Float64Array, address: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (starts[mid] <= address) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

const RIR_SLOT = new Map<IndexRir, number>(INDEX_RIRS.map((r, i) => [r, i]));
const REGION_SLOT = new Map<Rir, number>(RIRS.map((r, i) => [r, i]));

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
  readonly countries: Sums<K> = new Map();

  constructor(zero: K) {
    this.space = { routed: zero, geolocated: zero, in_region: zero, out_of_region: zero };
    this.origin = { same_rir: zero, other_rir: zero, unknown: zero };
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
    return {
      ...withShare({ routed: toUnit(s.routed), geolocated: toUnit(s.geolocated), in_region: toUnit(s.in_region), out_of_region: toUnit(s.out_of_region), share_out: null }),
      prefixes: withShare(this.prefixes),
      by_origin: { ...origin, share_other: ratio(origin.other_rir, origin.same_rir + origin.other_rir) } satisfies OriginFigures,
      top_holders: top(this.holders),
      top_origins: top(this.origins),
      top_countries: top(this.countries),
    };
  }
}

type FlowSums<K extends Bound> = Map<string, { sum: K }>;

/**
 * One family's flows (registering RIR and cc, usage country, origin registry): per (RIR, cc,
 * origin registry) a map keyed by usage country. Nested maps, so that finding a piece's group
 * builds no key string.
 */
class FlowTally<K extends Bound> {
  private readonly groups = new Map<IndexRir, Map<string, Map<Rir | '', FlowSums<K>>>>();

  constructor(private readonly math: FamilyMath<K>) {}

  group(rir: IndexRir, registeredCc: string, originRir: Rir | ''): FlowSums<K> {
    let byCc = this.groups.get(rir);
    if (!byCc) this.groups.set(rir, (byCc = new Map()));
    let byOrigin = byCc.get(registeredCc);
    if (!byOrigin) byCc.set(registeredCc, (byOrigin = new Map()));
    let byCountry = byOrigin.get(originRir);
    if (!byCountry) byOrigin.set(originRir, (byCountry = new Map()));
    return byCountry;
  }

  result(): Flow[] {
    const out: Flow[] = [];
    for (const [rir, byCc] of this.groups)
      for (const [registered_cc, byOrigin] of byCc)
        for (const [origin_rir, byCountry] of byOrigin)
          for (const [country, c] of byCountry)
            out.push({ family: this.math.family, rir, registered_cc, country, usage_region: regionOf(country) ?? '', origin_rir, addresses: this.math.toUnit(c.sum) });
    return out;
  }
}

function accountFamily<K extends Bound>(
  math: FamilyMath<K>,
  routes: RoutedColumns<K>,
  registered: RegisteredColumns<K, RecordOwner>,
  input: AccountingInput,
): { index: FamilyIndex; conflicts: number; flows: Flow[] } {
  const zero = math.zero;
  const acc = INDEX_RIRS.map(() => new RirAccumulator(zero));
  const asnRirs = new Map<number, { rir: Rir | null; cc: string; key: string }>();
  const originOf = (asn: number) => {
    let o = asnRirs.get(asn);
    if (!o) {
      const reg = input.registry.asn(asn);
      o = { rir: reg.rir, cc: reg.record?.cc ?? '', key: `AS${asn}` };
      asnRirs.set(asn, o);
    }
    return o;
  };
  const { segments, outer } = innermostSegments(routes.start, routes.end);
  const tallies = new PrefixTallies(routes.origin.length, outer, zero);
  const place = math.placer(input.geo);
  const flows = new FlowTally(math);
  let conflicts = zero;

  // Per piece (one routed prefix, one registered record): its size is known, so only what
  // depends on the country is summed per visit; the rest is added once per piece.
  const used: K[] = RIRS.map(() => zero);
  let outside = zero;
  let a = acc[0];
  let rir: IndexRir = 'unregistered';
  let byCountry: Map<string, { sum: K }> = new Map();
  const visit = (cc: string, n: K) => {
    const flow = byCountry.get(cc);
    if (flow) flow.sum = plus(flow.sum, n);
    else byCountry.set(cc, { sum: n });
    const region = regionSlotOf(cc);
    if (region < 0) return;
    used[region] = plus(used[region], n);
    if (rir === 'unregistered' || RIRS[region] === rir) return;
    outside = plus(outside, n);
    addTo(a.countries, cc, cc, n);
  };

  overlay(segments, registered, (first, last, at, seg) => {
    const record = seg < 0 ? null : registered.record[seg];
    rir = record?.rir ?? 'unregistered';
    const slot = RIR_SLOT.get(rir) as number;
    const size = plus(minus(last, first), math.one);
    if (seg >= 0 && registered.conflict[seg] === 1) conflicts = plus(conflicts, size);
    tallies.addHeld(at, slot, size);
    a = acc[slot];
    const origin = originOf(routes.origin[at]);
    byCountry = flows.group(rir, record?.cc ?? '', origin.rir ?? '');
    used.fill(zero);
    outside = zero;
    place(first, last, visit);

    a.space.routed = plus(a.space.routed, size);
    if (origin.rir === null) a.origin.unknown = plus(a.origin.unknown, size);
    else if (origin.rir === rir) a.origin.same_rir = plus(a.origin.same_rir, size);
    else a.origin.other_rir = plus(a.origin.other_rir, size);
    let located = zero;
    for (let r = 0; r < used.length; r++) {
      if (used[r] === zero) continue;
      located = plus(located, used[r]);
      tallies.addUsed(at, r, used[r]);
    }
    a.space.geolocated = plus(a.space.geolocated, located);
    if (rir === 'unregistered') return;
    a.space.in_region = plus(a.space.in_region, minus(located, outside));
    if (outside === zero) return;
    a.space.out_of_region = plus(a.space.out_of_region, outside);
    addTo(a.holders, holderKey(record as RecordOwner), (record as RecordOwner).cc, outside);
    addTo(a.origins, origin.key, origin.cc, outside);
  });

  tallies.addNested();
  for (let i = 0; i < routes.origin.length; i++) countPrefix(tallies, i, acc, zero);

  const index = {} as FamilyIndex;
  INDEX_RIRS.forEach((r, i) => (index[r] = acc[i].result(math.toUnit)));
  return { index, conflicts: math.toUnit(conflicts), flows: flows.result() };
}

/** A country's slot in RIRS by service region, -1 for none ('ZZ', unknown codes); memoised. */
const REGION_SLOT_OF = new Map<string, number>();
function regionSlotOf(cc: string): number {
  let slot = REGION_SLOT_OF.get(cc);
  if (slot === undefined) {
    const region = regionOf(cc);
    REGION_SLOT_OF.set(cc, (slot = region ? (REGION_SLOT.get(region) as number) : -1));
  }
  return slot;
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
  const rir = INDEX_RIRS[slot];
  if (rir === 'unregistered') return;
  const outside = minus(located, t.used[i * RIRS.length + (REGION_SLOT.get(rir) as number)]);
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
