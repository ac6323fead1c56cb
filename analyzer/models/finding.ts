import type { Rir } from './registry.js';
import type { CountryShare, GeoConfidence } from './geo.js';
import type { RovState } from './rpki.js';

/** The mismatch kinds (docs/design.md). */
export const MISMATCH_KINDS = [
  'geo-out-of-region',
  'origin-out-of-region',
  'registered-out-of-region',
  'in-region-country',
  'transferred',
  'legacy',
  'unregistered',
  'rpki-rir-mismatch',
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
  /**
   * Route-origin validation (RFC 6811) of (prefix, origin) against the loaded VRPs; null when no
   * RPKI data is loaded or there is no origin (a registry lookup). Optional: findings made
   * before RPKI support (fixtures, stored state) lack it, which reads as null.
   */
  rov?: RovState | null;
  /** Trust anchors of the ROAs covering the prefix (empty or absent: none, or no RPKI data). */
  rpkiTas?: string[];
  /**
   * With several independent geolocation databases (`--geo A,B`): how far they agree on the
   * usage region (geo/consensus.ts). Absent or null with one database: no second opinion.
   */
  geoConfidence?: GeoConfidence | null;
  /** Share of the located addresses whose region the independent databases agree on. */
  geoAgreement?: number | null;
  /** Independent databases that located the prefix, and how many of them put it in the consensus region. */
  geoDatabases?: { agreeing: number; independent: number } | null;
  /** Each database's main country for the prefix, in `--geo` order (several databases only). */
  geoAnswers?: Array<{ db: string; cc: string | null; echo: boolean }>;
  /** One sentence a person can check. */
  why: string;
}
