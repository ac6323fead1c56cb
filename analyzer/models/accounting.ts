/**
 * Data types of routed-space accounting and the daily portability index. Field names in
 * snake_case are the published JSON of `portolan index build --json` (fixed: scripts read them).
 */
import type { Rir } from './registry.js';

/** The RIR keys of an index: the five RIRs, plus space no RIR has delegated. */
export const INDEX_RIRS = ['afrinic', 'apnic', 'arin', 'lacnic', 'ripencc', 'unregistered'] as const;
export type IndexRir = (typeof INDEX_RIRS)[number];

/** The filters that decide which announced prefixes make up routed space. */
export interface RoutedFilters {
  /** Prefix length range kept, per family (inclusive). */
  ipv4_length: [number, number];
  ipv6_length: [number, number];
  /** Distinct peers (sources) that must announce a prefix at the moment measured. */
  min_peers: number;
  /** IANA special-purpose space (RFC 6890 registries, multicast, the default route) is left out. */
  exclude_special_purpose: true;
}

/** The filters' defaults (`--help` shows them; the index records the filters it used). */
export const DEFAULT_FILTERS: RoutedFilters = {
  ipv4_length: [8, 24],
  ipv6_length: [16, 48],
  min_peers: 2,
  exclude_special_purpose: true,
};

/**
 * One set of figures. IPv4 counts addresses; IPv6 counts /48s (an exact double: every IPv6
 * figure is a whole number of /48s under the default length filter, a multiple of 2^-16 at most).
 */
export interface Figures {
  /** Routed space (each address once) whose registering RIR is this one. */
  routed: number;
  /** Of it, placed by the geo database in a country with a known RIR service region. */
  geolocated: number;
  /** Geolocated inside the registering RIR's service region. */
  in_region: number;
  /** Geolocated outside it. */
  out_of_region: number;
  /** out_of_region / (in_region + out_of_region); null when nothing is geolocated. */
  share_out: number | null;
}

/** Routed space split by the registry of the origin AS of its longest matching routed prefix. */
export interface OriginFigures {
  /** Origin AS registered with the same RIR as the space. */
  same_rir: number;
  /** Origin AS registered with another RIR. */
  other_rir: number;
  /** Origin AS not found in any RIR's files. */
  unknown: number;
  /** other_rir / (same_rir + other_rir); null when no origin is known. */
  share_other: number | null;
}

/** One contributor behind a RIR's out-of-region space. */
export interface Contributor {
  /** Holder opaque-id (or `cc:XX` when the file has none), `AS<n>`, or a country code. */
  key: string;
  /** Registered country of the holder / of the origin AS; '' when unknown or not applicable. */
  cc: string;
  /** Out-of-region space attributed to it (same unit as the figures). */
  out_of_region: number;
}

export interface RirIndex extends Figures {
  /** The same figures counted in routed prefixes (see `params.prefix_rule`). */
  prefixes: Figures;
  by_origin: OriginFigures;
  top_holders: Contributor[];
  top_origins: Contributor[];
  top_countries: Contributor[];
}

export type FamilyIndex = Record<IndexRir, RirIndex>;

/** Routed space per (registering RIR, registered cc, usage country, origin RIR): the matrix and map read this. */
export interface Flow {
  family: 4 | 6;
  rir: IndexRir;
  /** Country in the registering record; '' when unregistered or empty. */
  registered_cc: string;
  /** Geolocated country; 'ZZ' when the geo database places no country. */
  country: string;
  /** Region of `country`; '' when unknown. */
  usage_region: Rir | '';
  /** Registry of the origin AS; '' when unknown. */
  origin_rir: Rir | '';
  addresses: number;
}

export interface IndexDataVersion {
  rir: string;
  /** Date the file describes (YYYY-MM-DD) or null. */
  date: string | null;
  file: string;
}

export interface IndexParams {
  filters: RoutedFilters;
  units: { ipv4: 'addresses'; ipv6: '/48s' };
  /** The moment the routed table describes (ISO 8601, UTC). */
  snapshot_at: string;
  /** How the day's snapshot was chosen. */
  snapshot_rule: string;
  origin_rule: string;
  prefix_rule: string;
  registry: IndexDataVersion[];
  geo: { database: string; build_date: string; file: string };
  /** Where the routes came from: files (index build) or the live state (run). */
  source: { kind: 'files' | 'live'; files: string[]; peers: number; elements: number };
  /** Routed prefixes before and after the filters, per family, and why the rest were left out. */
  prefixes_seen: { ipv4: PrefixFilterCounts; ipv6: PrefixFilterCounts };
  /** Addresses whose most specific records of identical extent came from two RIRs (resolved by the registry's tie-break). */
  registry_conflicts: { ipv4: number; ipv6: number };
  /** Present when the build also has a confirmed-only count (`--confirmed`): what it counts. */
  geo_agreement?: GeoAgreementFilter;
}

export interface PrefixFilterCounts {
  announced: number;
  kept: number;
  length: number;
  special_purpose: number;
  min_peers: number;
}

/** How a confirmed-only count is made (`--confirmed`): stated in its filters block. */
export interface GeoAgreementFilter {
  /** Exactly what counts as geolocated. */
  rule: string;
  /** The independent databases that must agree, the primary (whose country is kept) first. */
  databases: Array<{ name: string; database: string; build_date: string }>;
  /** Registry echoes given with --geo, not consulted. */
  echoes_ignored: string[];
}

/**
 * The same day counted again with only the addresses whose independent geo databases agree
 * (`index build --confirmed`): routed space is the same, geolocated space is what they agree on.
 * Flows are stored (portability_confirmed_flows, migration 9), not printed.
 */
export interface ConfirmedIndex {
  filters: RoutedFilters & { geo_agreement: GeoAgreementFilter };
  ipv4: Record<IndexRir, Figures>;
  ipv6: Record<IndexRir, Figures>;
  flows: Flow[];
}

/** The portability index for one day: what `index build --json` prints and `portability_daily` stores. */
export interface PortabilityIndex {
  /** UTC day, YYYY-MM-DD. */
  date: string;
  params: IndexParams;
  ipv4: FamilyIndex;
  ipv6: FamilyIndex;
  flows: Flow[];
  /** With --confirmed and at least two independent geo databases. */
  confirmed?: ConfirmedIndex;
}

/** What `index build --json` prints: the index without its flows. */
export type PublishedIndex = Omit<PortabilityIndex, 'flows' | 'confirmed'> & { confirmed?: Omit<ConfirmedIndex, 'flows'> };
