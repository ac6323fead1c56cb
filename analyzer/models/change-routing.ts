/**
 * The routing of a changed registry range on each side of a registry diff (issue 14): what the
 * store's routing table said about the range at the end of each snapshot's UTC day.
 */
import type { RegistryChange } from './registry.js';

/** routed: some routed prefix overlaps the range (an ASN range: some ASN in it originates one); unknown: the store holds no route events of that day. */
export type RoutingState = 'routed' | 'unrouted' | 'unknown';

/** Fields of one side, as they appear on an event (`from_` / `to_` + these names). */
export interface SideRouting {
  routing: RoutingState;
  /** Routed prefixes overlapping the range (an ASN range: originated by it), at most PREFIX_LIMIT, largest first. */
  prefixes: string[];
  /** How many there were in all. */
  prefix_count: number;
  /** Origin ASes of those prefixes (each prefix's origin: the one most peers announce), ascending. */
  origins: number[];
  /** Registries of those origin ASes ('' when no RIR lists one). */
  origin_rirs: string[];
  /** Usage regions (RIR service regions) and main usage countries of those prefixes, as classified when announced. */
  usage_regions: string[];
  countries: string[];
  /** The part of the range covered by routed prefixes (IPv4 addresses, IPv6 /48s); for an ASN range the ASNs that originate. */
  routed_addresses: number;
}

export const PREFIX_LIMIT = 20;

/** The routing of one event: before (at the from date) and after (at the to date), and a sentence. */
export interface ChangeRouting {
  from: SideRouting;
  to: SideRouting;
  /** e.g. "routed before and after; origin AS unchanged (AS64500); used in HK before and after". */
  summary: string;
}

/** The moment a side's routing is read at, and whether the store knew the routing then. */
export interface RoutingMoment {
  /** The snapshot date (YYYY-MM-DD). */
  date: string;
  /** The end of that UTC day (ISO): routes announced and not withdrawn before it. */
  at: string;
  known: boolean;
}

/** A change event with its routing (null when the routing was not read), as alerts see it. */
export type RoutedChange = RegistryChange & { from_date: string; to_date: string; routing: ChangeRouting | null };

/** The routing of a diff's events (same order as the events) and the two moments read. */
export interface RoutedChanges {
  routing: ChangeRouting[];
  from: RoutingMoment;
  to: RoutingMoment;
}

export const ROUTING_RULE =
  "a side's routing is the store's routing table at the end of the snapshot's UTC day (each peer's last route event before the next midnight), filtered as the portability index filters routed space; unknown when the store holds no route events of that day";

/** The flat JSON fields added to an event (stable names: scripts read them). */
export function routingFields(r: ChangeRouting): Record<string, unknown> {
  const side = (p: 'from' | 'to', s: SideRouting) => ({
    [`${p}_routing`]: s.routing,
    [`${p}_prefixes`]: s.prefixes,
    [`${p}_prefix_count`]: s.prefix_count,
    [`${p}_origins`]: s.origins,
    [`${p}_origin_rirs`]: s.origin_rirs,
    [`${p}_usage_regions`]: s.usage_regions,
    [`${p}_countries`]: s.countries,
    [`${p}_routed_addresses`]: s.routed_addresses,
  });
  return { ...side('from', r.from), ...side('to', r.to), routing_summary: r.summary };
}
