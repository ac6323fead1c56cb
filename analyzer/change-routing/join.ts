/**
 * Joins registry change events with a routing snapshot (pure): for each changed range, the
 * routed prefixes overlapping it (covering it or inside it), their origins, the origins'
 * registries and the usage regions, and the share of the range they cover. An ASN range is
 * joined with the routed prefixes its ASNs originate.
 */
import { sameItems } from '../../common/arrays.js';
import { familyBits, parseIp, type Family } from '../../common/ip.js';
import { PREFIX_LIMIT, type ChangeRouting, type RoutingMoment, type SideRouting } from '../models/change-routing.js';
import type { RegistryChange } from '../models/registry.js';

/** One routed prefix at the moment, with its origin (most peers) and the classification of its latest announcement. */
export interface RoutedRoute {
  text: string;
  family: Family;
  start: bigint;
  /** Last address (inclusive). */
  end: bigint;
  length: number;
  origin: number;
  originRir: string;
  usageRegion: string;
  country: string;
}

export interface RoutingSnapshot {
  moment: RoutingMoment;
  routes: RoutedRoute[];
}

const SLASH48 = 2 ** 80;
const UNKNOWN: SideRouting = { routing: 'unknown', prefixes: [], prefix_count: 0, origins: [], origin_rirs: [], usage_regions: [], countries: [], routed_addresses: 0 };

/** Looks up the routing of ranges in one snapshot. */
export class RoutingLookup {
  private readonly sorted: Record<Family, RoutedRoute[]> = { 4: [], 6: [] };
  private readonly byKey = new Map<string, RoutedRoute>();
  private readonly lengths: Record<Family, number[]> = { 4: [], 6: [] };
  /** Distinct origins ascending, each with its prefixes. */
  private readonly origins: number[];
  private readonly byOrigin = new Map<number, RoutedRoute[]>();

  constructor(readonly snapshot: RoutingSnapshot) {
    const lens: Record<Family, Set<number>> = { 4: new Set(), 6: new Set() };
    for (const r of snapshot.routes) {
      this.sorted[r.family].push(r);
      this.byKey.set(`${r.family}|${r.length}|${r.start}`, r);
      lens[r.family].add(r.length);
      let list = this.byOrigin.get(r.origin);
      if (!list) this.byOrigin.set(r.origin, (list = []));
      list.push(r);
    }
    for (const f of [4, 6] as Family[]) {
      this.sorted[f].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.length - b.length));
      this.lengths[f] = [...lens[f]].sort((a, b) => a - b);
    }
    this.origins = [...this.byOrigin.keys()].sort((a, b) => a - b);
  }

  /** The routing of an event's range on this snapshot's side. */
  side(e: Pick<RegistryChange, 'family' | 'start' | 'end'>): SideRouting {
    if (!this.snapshot.moment.known) return UNKNOWN;
    if (e.family === 'asn') return this.asnSide(Number(e.start), Number(e.end));
    const a = parseIp(e.start);
    const b = parseIp(e.end);
    if (!a || !b || a.family !== b.family) return UNKNOWN;
    return this.ipSide(a.family, a.value, b.value);
  }

  private ipSide(family: Family, s: bigint, e: bigint): SideRouting {
    const bits = familyBits(family);
    const found: RoutedRoute[] = [];
    // Prefixes starting before s that overlap the range contain s: at most one per length.
    for (const len of this.lengths[family]) {
      const shift = BigInt(bits - len);
      const start = (s >> shift) << shift;
      if (start === s) continue;
      const r = this.byKey.get(`${family}|${len}|${start}`);
      if (r) found.push(r);
    }
    const list = this.sorted[family];
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].start < s) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < list.length && list[i].start <= e; i++) found.push(list[i]);
    // Union of the found prefixes clipped to [s, e] (they come in start order).
    let covered = 0n;
    let cur = s - 1n;
    for (const r of found) {
      const from = r.start > cur + 1n ? r.start : cur + 1n;
      const to = r.end < e ? r.end : e;
      if (to >= from) {
        covered += to - from + 1n;
        cur = to;
      }
    }
    return summarise(found, family === 4 ? Number(covered) : Number(covered) / SLASH48);
  }

  private asnSide(s: number, e: number): SideRouting {
    let lo = 0;
    let hi = this.origins.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.origins[mid] < s) lo = mid + 1;
      else hi = mid;
    }
    const found: RoutedRoute[] = [];
    let asns = 0;
    for (let i = lo; i < this.origins.length && this.origins[i] <= e; i++) {
      asns++;
      found.push(...this.byOrigin.get(this.origins[i])!);
    }
    return summarise(found, asns);
  }
}

const distinct = (xs: Iterable<string>): string[] => [...new Set([...xs].filter((x) => x !== ''))].sort();

function summarise(found: RoutedRoute[], routed: number): SideRouting {
  if (!found.length) return { ...UNKNOWN, routing: 'unrouted' };
  const bySize = [...found].sort((a, b) => a.family - b.family || a.length - b.length || (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  return {
    routing: 'routed',
    prefixes: bySize.slice(0, PREFIX_LIMIT).map((r) => r.text),
    prefix_count: found.length,
    origins: [...new Set(found.map((r) => r.origin))].sort((a, b) => a - b),
    origin_rirs: distinct(found.map((r) => r.originRir)),
    usage_regions: distinct(found.map((r) => r.usageRegion)),
    countries: distinct(found.map((r) => r.country)),
    routed_addresses: routed,
  };
}

const list = (xs: ReadonlyArray<string | number>, prefix = ''): string => xs.map((x) => `${prefix}${x}`).join('/');

/** One sentence on the routing before and after, e.g. "routed before and after; origin AS unchanged (AS64500); used in HK before and after". */
export function routingSummary(from: SideRouting, to: SideRouting): string {
  if (from.routing === 'unknown' && to.routing === 'unknown') return 'routing unknown (no route events stored for either date)';
  const a = from.routing === 'routed';
  const b = to.routing === 'routed';
  const parts: string[] = [];
  if (!a && !b) {
    parts.push(from.routing === 'unknown' ? 'not routed after; routing before unknown' : to.routing === 'unknown' ? 'not routed before; routing after unknown' : 'not routed');
    return parts.join('; ');
  }
  parts.push(a && b ? 'routed before and after' : a ? `routed before, ${to.routing === 'unknown' ? 'routing after unknown' : 'not after'}` : `routed after, ${from.routing === 'unknown' ? 'routing before unknown' : 'not before'}`);
  if (a && b) {
    parts.push(sameItems(from.origins, to.origins) ? `origin AS unchanged (${list(from.origins, 'AS')})` : `origin ${list(from.origins, 'AS')} → ${list(to.origins, 'AS')}`);
    if (from.origin_rirs.length || to.origin_rirs.length)
      parts.push(sameItems(from.origin_rirs, to.origin_rirs) ? `origin registered with ${list(from.origin_rirs)}` : `origin registry ${list(from.origin_rirs) || '?'} → ${list(to.origin_rirs) || '?'}`);
    if (from.countries.length || to.countries.length)
      parts.push(sameItems(from.countries, to.countries) ? `used in ${list(from.countries)} before and after` : `used in ${list(from.countries) || '?'} before, ${list(to.countries) || '?'} after`);
  } else {
    const s = a ? from : to;
    parts.push(`origin ${list(s.origins, 'AS')}`);
    if (s.origin_rirs.length) parts.push(`origin registered with ${list(s.origin_rirs)}`);
    if (s.countries.length) parts.push(`used in ${list(s.countries)}`);
  }
  return parts.join('; ');
}

/** The routing of every event: the "from" snapshot for before, the "to" snapshot for after. */
export function joinRouting(events: readonly RegistryChange[], from: RoutingSnapshot, to: RoutingSnapshot): ChangeRouting[] {
  const a = new RoutingLookup(from);
  const b = new RoutingLookup(to);
  return events.map((e) => {
    const f = a.side(e);
    const t = b.side(e);
    return { from: f, to: t, summary: routingSummary(f, t) };
  });
}
