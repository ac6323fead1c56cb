/**
 * Routed-space accounting: every routed address counted once, with its registering RIR (the
 * most specific delegated record holding it), its country (geo database), that country's RIR
 * service region, and the registry of its origin AS. Exact: ranges are split into CIDRs, each
 * CIDR's networks come from a walk of the geo database's tree, and sums are integers.
 */
import { rangeToPrefixes, type Family } from '../../common/ip.js';
import type { Contributor, FamilyIndex, Figures, Flow, IndexRir, OriginFigures, PrefixFilterCounts, RirIndex, RoutedFilters } from '../models/accounting.js';
import { INDEX_RIRS } from '../models/accounting.js';
import type { GeoDatabaseInfo } from '../models/geo.js';
import type { AsnRegistration, DelegationRecord, RegisteredSegment, Rir } from '../models/registry.js';
import { RIRS } from '../models/registry.js';
import { splitIpv4Range } from '../registry/prefix-index.js';
import { regionOf } from '../registry/regions.js';
import { routedPrefixes, type RoutedPrefix, type RouteTable } from './routed.js';
import { innermostSegments, overlay } from './segments.js';

/** What the accounting needs from the registry (RegistryIndex has it). */
export interface RegisteredSpace {
  registeredSegments(family: Family): RegisteredSegment[];
  asn(asn: number): AsnRegistration;
}

/** What it needs from the geo database (GeoDatabase has it): every network inside a prefix. */
export interface GeoWalk {
  walk(family: Family, start: bigint, length: number, visit: (cc: string | null, addresses: number) => void): void;
  info(): GeoDatabaseInfo;
}

export interface AccountingInput {
  table: RouteTable;
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

/** IPv4 figures are addresses; IPv6 figures are /48s (2^80 addresses), rounded once. */
const toUnitOf = (family: Family) => (family === 4 ? (n: bigint) => Number(n) : (n: bigint) => Number(n) / 2 ** 80);

const RIR_SLOT = new Map<IndexRir, number>(INDEX_RIRS.map((r, i) => [r, i]));
const REGION_SLOT = new Map<Rir, number>(RIRS.map((r, i) => [r, i]));

/** Per routed prefix, while its pieces are visited: addresses per registering RIR and per usage region. */
interface PrefixTally {
  route: RoutedPrefix;
  parent: PrefixTally | null;
  /** By INDEX_RIRS slot. */
  held: bigint[];
  /** By RIRS slot (usage region of geolocated addresses). */
  used: bigint[];
}

export function accountRoutedSpace(input: AccountingInput): AccountingResult {
  const routed = routedPrefixes(input.table, input.filters);
  const flows = new Map<string, Flow & { sum: bigint }>();
  const ipv4 = accountFamily(4, routed[4], input, flows);
  const ipv6 = accountFamily(6, routed[6], input, flows);
  return {
    ipv4: ipv4.index,
    ipv6: ipv6.index,
    flows: [...flows.values()].map(({ sum, ...f }) => ({ ...f, addresses: toUnitOf(f.family)(sum) })).sort(compareFlows),
    prefixes_seen: routed.counts,
    registry_conflicts: { ipv4: toUnitOf(4)(ipv4.conflicts), ipv6: toUnitOf(6)(ipv6.conflicts) },
  };
}

/** Address sums as exact integers; converted to the published unit once, at the end. */
class RirAccumulator {
  readonly space = { routed: 0n, geolocated: 0n, in_region: 0n, out_of_region: 0n };
  readonly prefixes = zeroFigures();
  readonly origin = { same_rir: 0n, other_rir: 0n, unknown: 0n };
  readonly holders = new Map<string, { cc: string; sum: bigint }>();
  readonly origins = new Map<string, { cc: string; sum: bigint }>();
  readonly countries = new Map<string, { cc: string; sum: bigint }>();

  result(toUnit: (n: bigint) => number): RirIndex {
    const s = this.space;
    const o = this.origin;
    const origin = { same_rir: toUnit(o.same_rir), other_rir: toUnit(o.other_rir), unknown: toUnit(o.unknown) };
    const top = (map: Map<string, { cc: string; sum: bigint }>): Contributor[] =>
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

function accountFamily(family: Family, routes: RoutedPrefix[], input: AccountingInput, flows: Map<string, Flow & { sum: bigint }>): { index: FamilyIndex; conflicts: bigint } {
  const acc = INDEX_RIRS.map(() => new RirAccumulator());
  const registered = input.registry.registeredSegments(family);
  const asnRirs = new Map<number, { rir: Rir | null; cc: string }>();
  const originOf = (asn: number) => {
    let o = asnRirs.get(asn);
    if (!o) {
      const reg = input.registry.asn(asn);
      o = { rir: reg.rir, cc: reg.record?.cc ?? '' };
      asnRirs.set(asn, o);
    }
    return o;
  };
  const tallies = new Map<RoutedPrefix, PrefixTally>();
  const segments = innermostSegments(routes, (route, outer) =>
    tallies.set(route, { route, parent: outer ? (tallies.get(outer) as PrefixTally) : null, held: INDEX_RIRS.map(() => 0n), used: RIRS.map(() => 0n) }),
  );
  let conflicts = 0n;

  overlay(segments, registered, (first, last, route, seg) => {
    const record = seg?.record ?? null;
    const rir: IndexRir = record?.rir ?? 'unregistered';
    const slot = RIR_SLOT.get(rir) as number;
    if (seg?.conflict) conflicts += last - first + 1n;
    const tally = tallies.get(route) as PrefixTally;
    for (let t: PrefixTally | null = tally; t; t = t.parent) t.held[slot] += last - first + 1n;
    const a = acc[slot];
    const origin = originOf(route.origin);
    const flowKey = `${family}|${rir}|${record?.cc ?? ''}|${origin.rir ?? ''}|`;
    forEachCountry(family, first, last, input.geo, (cc, n) => {
      a.space.routed += n;
      if (origin.rir === null) a.origin.unknown += n;
      else if (origin.rir === rir) a.origin.same_rir += n;
      else a.origin.other_rir += n;
      const region = regionOf(cc);
      const key = flowKey + cc;
      const flow = flows.get(key);
      if (flow) flow.sum += n;
      else flows.set(key, { family, rir, registered_cc: record?.cc ?? '', country: cc, usage_region: region ?? '', origin_rir: origin.rir ?? '', addresses: 0, sum: n });
      if (!region) return;
      for (let t: PrefixTally | null = tally; t; t = t.parent) t.used[REGION_SLOT.get(region) as number] += n;
      a.space.geolocated += n;
      if (rir === 'unregistered') return;
      if (region === rir) {
        a.space.in_region += n;
        return;
      }
      a.space.out_of_region += n;
      addTo(a.holders, holderKey(record as DelegationRecord), (record as DelegationRecord).cc, n);
      addTo(a.origins, `AS${route.origin}`, origin.cc, n);
      addTo(a.countries, cc, cc, n);
    });
  });

  for (const t of tallies.values()) countPrefix(t, acc);

  const toUnit = toUnitOf(family);
  const index = {} as FamilyIndex;
  INDEX_RIRS.forEach((rir, i) => (index[rir] = acc[i].result(toUnit)));
  return { index, conflicts };
}

/** The prefix-level figures (PREFIX_RULE) for one routed prefix, from its tally. */
function countPrefix(t: PrefixTally, acc: RirAccumulator[]): void {
  let slot = 0;
  for (let i = 1; i < t.held.length; i++) if (t.held[i] > t.held[slot]) slot = i;
  const f = acc[slot].prefixes;
  f.routed++;
  const located = t.used.reduce((a, b) => a + b, 0n);
  if (located === 0n) return;
  f.geolocated++;
  const rir = INDEX_RIRS[slot];
  if (rir === 'unregistered') return;
  const outside = located - t.used[REGION_SLOT.get(rir) as number];
  if (outside * 2n > located) f.out_of_region++;
  else f.in_region++;
}

/** Country counts of an address range: its exact CIDRs, each walked in the geo database ('ZZ': not placed). */
function forEachCountry(family: Family, first: bigint, last: bigint, geo: GeoWalk, visit: (cc: string, addresses: bigint) => void): void {
  // Walk counts are whole numbers (IPv4) or powers of two (IPv6 networks), so BigInt() is exact.
  const each = (cc: string | null, n: number) => visit(cc ?? 'ZZ', BigInt(n));
  if (family === 4) {
    for (const [start, len] of splitIpv4Range(Number(first), Number(last))) geo.walk(4, BigInt(start), len, each);
    return;
  }
  for (const p of rangeToPrefixes(6, first, last)) geo.walk(6, p.start, p.length, each);
}

const holderKey = (r: DelegationRecord): string => r.opaqueId ?? `cc:${r.cc || '??'}`;

function addTo(map: Map<string, { cc: string; sum: bigint }>, key: string, cc: string, n: bigint): void {
  const c = map.get(key);
  if (c) c.sum += n;
  else map.set(key, { cc, sum: n });
}

const zeroFigures = (): Figures => ({ routed: 0, geolocated: 0, in_region: 0, out_of_region: 0, share_out: null });
const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);
const withShare = (f: Figures): Figures => ({ ...f, share_out: ratio(f.out_of_region, f.in_region + f.out_of_region) });

function compareFlows(a: Flow, b: Flow): number {
  return a.family - b.family || cmp(a.rir, b.rir) || cmp(a.registered_cc, b.registered_cc) || cmp(a.country, b.country) || cmp(a.origin_rir, b.origin_rir);
}
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
