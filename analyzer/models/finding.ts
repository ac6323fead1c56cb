import type { Rir } from './registry.js';
import type { CountryShare } from './geo.js';

/** The mismatch kinds (docs/design.md). */
export const MISMATCH_KINDS = [
  'geo-out-of-region',
  'origin-out-of-region',
  'registered-out-of-region',
  'in-region-country',
  'transferred',
  'legacy',
  'unregistered',
] as const;
export type MismatchKind = (typeof MISMATCH_KINDS)[number];

/** The split of `geo-out-of-region`: does the main foreign country match the registered cc? */
export type GeoSubkind = 'abroad-as-registered' | 'abroad-inconsistent';

export const SEVERITIES = ['none', 'info', 'low', 'medium', 'high'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The classification of one (prefix, origin) pair at one moment. */
export interface Finding {
  /** Seconds since 1970 (the route event's time). */
  time: number;
  prefix: string;
  family: 4 | 6;
  /** Addresses in the prefix (float for IPv6). */
  addresses: number;
  /** Origin AS; for a path ending in an AS_SET, the set's smallest ASN, all of them in `originAsns`. */
  originAsn: number | null;
  originAsns: number[];
  /** Registering RIR of the prefix (null when unregistered or mixed). */
  prefixRir: Rir | null;
  registeredCc: string | null;
  /** Holder id (opaque-id) from extended files. */
  holderId: string | null;
  /** RIR IANA designated the enclosing block to, and whether it is LEGACY. */
  ianaRir: Rir | null;
  legacy: boolean;
  originRir: Rir | null;
  originCc: string | null;
  /** The region (RIR service region) most of the geolocated addresses are in. */
  usageRegion: Rir | null;
  /** The country holding most of the prefix's located addresses. */
  mainCountry: string | null;
  /** Share of located addresses outside the registering RIR's region (0..1). */
  shareAbroad: number;
  geo: CountryShare[];
  kinds: MismatchKind[];
  geoSubkind: GeoSubkind | null;
  severity: Severity;
  /** Peers currently announcing this (prefix, origin) when the finding was made. */
  visibility: number;
  /** One sentence a person can check. */
  why: string;
}
