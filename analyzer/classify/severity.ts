/**
 * Severity of a finding: the registering RIR's out-of-region rule (policy.ts) applied to the
 * prefix's use, raised by a foreign origin AS and scaled by how widely the route is seen. Each
 * kind gives a score in 0..1; the finding takes the highest.
 *
 * Only a breach of the rule, as it applies to the space, reaches 'high' through
 * geo-out-of-region (assessUse in policy.ts):
 * - AFRINIC (CPM 5.4.6.2): weight 1 x share abroad for space delegated on or after soft landing
 *   (2017-04-03), a breach as far as the data shows (Portolan cannot see whether the use supports
 *   connectivity back to the region; the why says so). For space delegated before soft landing
 *   (the earliest record date when several), or undated, whether the rule binds is disputed:
 *   the score is capped at NO_BREACH_CAP, so at most 'medium' (the why says the scope is
 *   disputed). 'medium', not 'low': the dispute is open, so such use still ranks above use that a
 *   rule allows or that no rule restricts for the same share abroad.
 * - LACNIC (Policy Manual 1.2): "mainly" in region is more than 50% of the located addresses. The
 *   geo-out-of-region kind already needs more than half abroad (so less than half in region):
 *   such use breaches the rule whatever the share, and its score starts at the 'high' threshold.
 *   With more than 50% in region (e.g. 51%) the rule is met: no geo score (the kind is not even
 *   claimed by the classifier). Exactly 50/50 is not "mainly" in region, but the kind (strictly more
 *   than half abroad) is not claimed there, so no finding is made: geolocation is not that exact.
 * - ARIN (NRPM 9): out-of-region use is allowed: a low weight (0.4), capped below 'high'.
 * - RIPE NCC, APNIC: no restriction: weight 0.3, capped below 'high'.
 */
import type { GeoSubkind, MismatchKind, Severity } from '../models/finding.js';
import type { GeoConfidence } from '../models/geo.js';
import type { Rir } from '../models/registry.js';
import { assessUse, RIR_POLICIES } from './policy.js';

export interface SeverityInput {
  kinds: readonly MismatchKind[];
  geoSubkind: GeoSubkind | null;
  prefixRir: Rir | null;
  shareAbroad: number;
  /** Share of located addresses in the registering RIR's region (LACNIC's test); default 1 - shareAbroad. */
  regionShare?: number;
  /**
   * Delegation date of the prefix's registration record(s), YYYYMMDD (the earliest when several);
   * null or undefined when unknown (AFRINIC: scope disputed, as for space before soft landing).
   */
  delegated?: string | null;
  /** Peers announcing the pair; undefined for routing-independent lookups (no scaling). */
  visibility?: number;
  /** True when the prefix is seen announced (a route event), false for a registry lookup. */
  announced: boolean;
  /** Agreement of several geolocation databases (null or absent: one database, no scaling). */
  geoConfidence?: GeoConfidence | null;
}

/** How much of the geo score stands when the databases do not all agree. */
export const CONFIDENCE_WEIGHT: Record<GeoConfidence, number> = { confirmed: 1, majority: 0.85, disputed: 0.6 };

/** Score thresholds, highest first. */
const LEVELS: Array<[number, Severity]> = [
  [0.75, 'high'],
  [0.5, 'medium'],
  [0.25, 'low'],
  [0, 'info'],
];

/** The geo score of a use the rule does not forbid (disputed, allowed, unrestricted) stays below 'high'. */
export const NO_BREACH_CAP = 0.7;

/** Score at which a finding is 'high'. */
const HIGH = LEVELS[0][0];

/** Peers at which a route counts as fully visible; fewer peers scale the score down to half. */
export const FULL_VISIBILITY_PEERS = 10;

export function severityScore(input: SeverityInput): number {
  const { kinds } = input;
  let score = 0;
  if (kinds.includes('geo-out-of-region') && input.prefixRir) {
    const policy = RIR_POLICIES[input.prefixRir];
    const status = assessUse(input.prefixRir, input);
    if (status !== 'compliant') {
      let geo = policy.weight * input.shareAbroad;
      // LACNIC: crossing the threshold is itself the breach.
      if (status === 'breach' && policy.test === 'main-share') geo = Math.max(HIGH, geo);
      // A foreign origin AS corroborates the geolocation.
      if (kinds.includes('origin-out-of-region')) geo += 0.15;
      // Space used where the registry says the holder is not is less explained than the
      // holder simply being abroad.
      if (input.geoSubkind === 'abroad-inconsistent') geo += 0.05;
      if (status !== 'breach') geo = Math.min(geo, NO_BREACH_CAP);
      // Databases that disagree on the region make the geolocation, and so the finding, less sure.
      if (input.geoConfidence) geo *= CONFIDENCE_WEIGHT[input.geoConfidence];
      score = Math.max(score, geo);
    }
  }
  if (kinds.includes('unregistered')) score = Math.max(score, input.announced ? 0.6 : 0.3);
  if (kinds.includes('origin-out-of-region')) score = Math.max(score, 0.3);
  if (kinds.includes('registered-out-of-region')) score = Math.max(score, 0.25);
  // Certified by another RIR than the one that registered it: a registry anomaly, like the above.
  if (kinds.includes('rpki-rir-mismatch')) score = Math.max(score, 0.25);
  if (input.visibility !== undefined) score *= 0.5 + 0.5 * Math.min(1, Math.max(0, input.visibility) / FULL_VISIBILITY_PEERS);
  // Rounded so sums such as 0.3 + 0.15 + 0.05 land on their threshold, not just below it.
  return Math.min(1, Math.round(score * 1e6) / 1e6);
}

export function severityOf(input: SeverityInput): Severity {
  if (input.kinds.length === 0) return 'none';
  const score = severityScore(input);
  for (const [threshold, level] of LEVELS) if (score >= threshold) return level;
  return 'info';
}
