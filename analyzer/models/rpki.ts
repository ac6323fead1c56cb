/** Data types of RPKI: validated ROA payloads (VRPs) and route-origin validation (RFC 6811). */
import type { Rir } from './registry.js';

/** One validated ROA payload: the prefix, the longest length it allows, the AS it authorises, its trust anchor. */
export interface Vrp {
  family: 4 | 6;
  /** First address of the prefix. */
  start: bigint;
  length: number;
  maxLength: number;
  asn: number;
  /** Trust anchor as the validator names it, lower case (`ripe`, `apnic`, `arin`, `lacnic`, `afrinic`, `apnic-as0` …). */
  ta: string;
  /** Seconds since 1970 when the validator gives them (rpki-client `expires`, jsonext/CSV validity). */
  notBefore: number | null;
  notAfter: number | null;
}

/** The VRP export formats Portolan reads. */
export const VRP_FORMATS = ['rpki-client', 'routinator-jsonext', 'ripe-csv'] as const;
export type VrpFormat = (typeof VRP_FORMATS)[number];

/** What a load read and what it left out (each left-out row is also logged). */
export interface VrpLoadStats {
  source: string;
  format: VrpFormat;
  /** Rows (ROA entries) in the file. */
  rows: number;
  /** VRPs kept. */
  vrps: number;
  /** Rows that could not be read (bad prefix, ASN or maxLength). */
  malformed: number;
  /** Rows whose validity ended before the load (or starts after it). */
  expired: number;
  notYetValid: number;
  /** When the export was built (seconds), if it says. */
  builtAt: number | null;
  /** When it was loaded (seconds). */
  loadedAt: number;
}

/** RFC 6811 route-origin validation states; `invalid` is split by its cause. */
export const ROV_STATES = ['valid', 'invalid-origin', 'invalid-length', 'not-found'] as const;
export type RovState = (typeof ROV_STATES)[number];

/** Why a trust anchor that is not the registering RIR's is no mismatch (documented in docs/rpki.md). */
export type TaExceptionReason = 'nir' | 'arin-legacy' | 'as0-ta';

/** The route-origin validation of one (prefix, origin). */
export interface RovResult {
  state: RovState;
  /** Trust anchors of the covering VRPs, sorted; empty for not-found. */
  tas: string[];
  /** Covering VRPs (all of them, up to a bound kept for display). */
  covering: number;
}

/** The trust-anchor view of a prefix: who certified it against who registered it. */
export interface TaCheck {
  /** Trust anchors of the VRPs covering the prefix, sorted. */
  tas: string[];
  /** RIRs those trust anchors belong to (NIR anchors mapped to their RIR), sorted. */
  taRirs: Rir[];
  /** A covering VRP's RIR differs from the registering RIR with no known explanation. */
  mismatch: boolean;
  /** The RIR it differs from, for the why. */
  mismatchRir: Rir | null;
  /** A difference that is explained (no finding), and how. */
  exception: TaExceptionReason | null;
}

/** The RPKI facts a finding carries. */
export interface FindingRpki {
  rov: RovState;
  tas: string[];
}

/** What the classifier asks of RPKI data; the VRP index implements it. */
export interface RpkiLookup {
  /** RFC 6811 validation of `prefix` originated by `origin` (null: no single origin, e.g. an AS_SET). */
  validate(prefix: string, origin: number | null): RovResult;
  /** The same state without the result object (the classifier's per-event path). */
  state(prefix: string, origin: number | null): RovState;
  /** Trust anchors of the VRPs covering the prefix (those whose prefix contains it). */
  coveringTas(prefix: string): string[];
  readonly stats: VrpLoadStats;
}
