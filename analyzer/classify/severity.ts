/**
 * Severity of a finding: the registering RIR's out-of-region rule (policy.ts) times the share of
 * addresses abroad, raised by a foreign origin AS and scaled by how widely the route is seen.
 * Each kind gives a score in 0..1; the finding takes the highest.
 */
import type { GeoSubkind, MismatchKind, Severity } from '../models/finding.js';
import type { Rir } from '../models/registry.js';
import { RIR_POLICIES } from './policy.js';

export interface SeverityInput {
  kinds: readonly MismatchKind[];
  geoSubkind: GeoSubkind | null;
  prefixRir: Rir | null;
  shareAbroad: number;
  /** Peers announcing the pair; undefined for routing-independent lookups (no scaling). */
  visibility?: number;
  /** True when the prefix is seen announced (a route event), false for a registry lookup. */
  announced: boolean;
}

/** Score thresholds, highest first. */
const LEVELS: Array<[number, Severity]> = [
  [0.75, 'high'],
  [0.5, 'medium'],
  [0.25, 'low'],
  [0, 'info'],
];

/** Peers at which a route counts as fully visible; fewer peers scale the score down to half. */
export const FULL_VISIBILITY_PEERS = 10;

export function severityScore(input: SeverityInput): number {
  const { kinds } = input;
  let score = 0;
  if (kinds.includes('geo-out-of-region') && input.prefixRir) {
    let geo = RIR_POLICIES[input.prefixRir].weight * input.shareAbroad;
    // A foreign origin AS corroborates the geolocation.
    if (kinds.includes('origin-out-of-region')) geo += 0.15;
    // Space used where the registry says the holder is not is less explained than the
    // holder simply being abroad.
    if (input.geoSubkind === 'abroad-inconsistent') geo += 0.05;
    score = Math.max(score, geo);
  }
  if (kinds.includes('unregistered')) score = Math.max(score, input.announced ? 0.6 : 0.3);
  if (kinds.includes('origin-out-of-region')) score = Math.max(score, 0.3);
  if (kinds.includes('registered-out-of-region')) score = Math.max(score, 0.25);
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
