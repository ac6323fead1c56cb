/**
 * Routed-space accounting: every routed address counted once, with its registering RIR (the
 * most specific delegated record holding it), its country (geo database), that country's RIR
 * service region, and the registry of its origin AS. Exact: ranges are split into CIDRs and
 * each CIDR's country counts come from a walk of the geo database's tree, no sampling.
 */
import { formatPrefix, rangeToPrefixes, type Family } from '../../common/ip.js';
import type { Contributor, FamilyIndex, Figures, Flow, IndexRir, OriginFigures, PrefixFilterCounts, RirIndex, RoutedFilters } from '../models/accounting.js';
import { INDEX_RIRS } from '../models/accounting.js';
import type { GeoLookup } from '../models/geo.js';
import type { AsnRegistration, DelegationRecord, RegisteredSegment, Rir } from '../models/registry.js';
import { numberToIpv4 } from '../registry/addr.js';
import { splitIpv4Range } from '../registry/prefix-index.js';
import { regionOf } from '../registry/regions.js';
import { routedPrefixes, type RoutedPrefix, type RouteTable } from './routed.js';
import { innermostSegments, overlay } from './segments.js';

/** What the accounting needs from the registry (RegistryIndex has it). */
export interface RegisteredSpace {
  registeredSegments(family: Family): RegisteredSegment[];
  asn(asn: number): AsnRegistration;
}

export interface AccountingInput {
  table: RouteTable;
  registry: RegisteredSpace;
  geo: GeoLookup;
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
  'a routed prefix counts once, under the RIR holding the most of its addresses (unregistered when undelegated space is the largest part); it is geolocated when the geo database places any of its addresses, and out of region when more than half of its geolocated addresses lie outside that RIR\'s service region';

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
interface AddressSums {
  routed: bigint;
  geolocated: bigint;
  in_region: bigint;
  out_of_region: bigint;
}

class RirAccumulator {
  readonly space: AddressSums = { routed: 0n, geolocated: 0n, in_region: 0n, out_of_region: 0n };
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

/** IPv4 figures are addresses; IPv6 figures are /48s (2^80 addresses), rounded once. */
const toUnitOf = (family: Family) => (family === 4 ? (n: bigint) => Number(n) : (n: bigint) => Number(n) / 2 ** 80);

function accountFamily(family: Family, routes: RoutedPrefix[], input: AccountingInput, flows: Map<string, Flow & { sum: bigint }>): { index: FamilyIndex; conflicts: bigint } {
  const acc = new Map<IndexRir, RirAccumulator>(INDEX_RIRS.map((r) => [r, new RirAccumulator()]));
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
  let conflicts = 0n;

  overlay(innermostSegments(routes), registered, (first, last, route, seg) => {
    const record = seg?.record ?? null;
    const rir: IndexRir = record?.rir ?? 'unregistered';
    if (seg?.conflict) conflicts += last - first + 1n;
    const a = acc.get(rir) as RirAccumulator;
    const origin = originOf(route.origin);
    forEachCountry(family, first, last, input.geo, (cc, n) => {
      a.space.routed += n;
      if (origin.rir === null) a.origin.unknown += n;
      else if (origin.rir === rir) a.origin.same_rir += n;
      else a.origin.other_rir += n;
      const region = regionOf(cc);
      addFlow(flows, { family, rir, registered_cc: record?.cc ?? '', country: cc, usage_region: region ?? '', origin_rir: origin.rir ?? '', addresses: 0, sum: n });
      if (!region) return;
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

  for (const route of routes) countPrefix(route, registered, input.geo, acc);

  const toUnit = toUnitOf(family);
  const index = {} as FamilyIndex;
  for (const rir of INDEX_RIRS) index[rir] = (acc.get(rir) as RirAccumulator).result(toUnit);
  return { index, conflicts };
}

/** The prefix-level figures (PREFIX_RULE) for one routed prefix. */
function countPrefix(route: RoutedPrefix, registered: RegisteredSegment[], geo: GeoLookup, acc: Map<IndexRir, RirAccumulator>): void {
  const size = route.end - route.start + 1n;
  const held = new Map<IndexRir, bigint>();
  let covered = 0n;
  for (let i = firstEndingAtOrAfter(registered, route.start); i < registered.length && registered[i].first <= route.end; i++) {
    const s = registered[i];
    const n = (s.last < route.end ? s.last : route.end) - (s.first > route.start ? s.first : route.start) + 1n;
    held.set(s.record.rir, (held.get(s.record.rir) ?? 0n) + n);
    covered += n;
  }
  held.set('unregistered', size - covered);
  let rir: IndexRir = 'unregistered';
  let most = -1n;
  for (const r of INDEX_RIRS) {
    const n = held.get(r) ?? 0n;
    if (n > most) {
      most = n;
      rir = r;
    }
  }
  const f = (acc.get(rir) as RirAccumulator).prefixes;
  f.routed++;
  let inside = 0;
  let outside = 0;
  for (const c of geo.distribution(route.text, { cache: false }).countries) {
    const region = regionOf(c.cc);
    if (!region) continue;
    if (region === rir) inside += c.addresses;
    else outside += c.addresses;
  }
  if (inside + outside === 0) return;
  f.geolocated++;
  if (rir === 'unregistered') return;
  if (outside > (inside + outside) / 2) f.out_of_region++;
  else f.in_region++;
}

/** Index of the first segment whose last address is at or after `address` (binary search). */
function firstEndingAtOrAfter(segments: ReadonlyArray<{ last: bigint }>, address: bigint): number {
  let lo = 0;
  let hi = segments.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (segments[mid].last < address) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Country counts of an address range: its exact CIDRs, each walked in the geo database. */
function forEachCountry(family: Family, first: bigint, last: bigint, geo: GeoLookup, visit: (cc: string, addresses: bigint) => void): void {
  // Walk counts are whole numbers (IPv4) or powers of two (IPv6 networks), so BigInt() is exact.
  if (family === 4) {
    for (const [start, len] of splitIpv4Range(Number(first), Number(last))) {
      for (const c of geo.distribution(`${numberToIpv4(start)}/${len}`, { cache: false }).countries) visit(c.cc, BigInt(c.addresses));
    }
    return;
  }
  for (const p of rangeToPrefixes(6, first, last)) {
    for (const c of geo.distribution(formatPrefix(p), { cache: false }).countries) visit(c.cc, BigInt(c.addresses));
  }
}

const holderKey = (r: DelegationRecord): string => r.opaqueId ?? `cc:${r.cc || '??'}`;

function addTo(map: Map<string, { cc: string; sum: bigint }>, key: string, cc: string, n: bigint): void {
  const c = map.get(key);
  if (c) c.sum += n;
  else map.set(key, { cc, sum: n });
}

function addFlow(flows: Map<string, Flow & { sum: bigint }>, f: Flow & { sum: bigint }): void {
  const key = `${f.family}|${f.rir}|${f.registered_cc}|${f.country}|${f.origin_rir}`;
  const e = flows.get(key);
  if (e) e.sum += f.sum;
  else flows.set(key, f);
}

const zeroFigures = (): Figures => ({ routed: 0, geolocated: 0, in_region: 0, out_of_region: 0, share_out: null });
const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);
const withShare = (f: Figures): Figures => ({ ...f, share_out: ratio(f.out_of_region, f.in_region + f.out_of_region) });

function compareFlows(a: Flow, b: Flow): number {
  return a.family - b.family || cmp(a.rir, b.rir) || cmp(a.registered_cc, b.registered_cc) || cmp(a.country, b.country) || cmp(a.origin_rir, b.origin_rir);
}
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
