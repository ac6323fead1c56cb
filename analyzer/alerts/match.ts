import { parsePrefix, prefixContains, type Prefix } from '../../common/ip.js';
import { SEVERITIES, type Finding } from '../models/finding.js';
import type { LifecycleEvent } from '../models/lifecycle.js';
import type { RuleConfig } from './rules.js';

/**
 * Whether a finding meets every criterion of a rule. Criteria combine with AND; the values of
 * one criterion with OR; an absent criterion matches everything.
 * - prefixes: the finding's prefix equals or lies inside one of them (more-specifics match);
 * - origin-asns: any of the finding's origins (an AS_SET has several) or, for origin-changed, any previous origin;
 * - countries: the main usage country OR the registered country (so "my country's space abroad"
 *   and "foreign space used here" are both caught by one list);
 * - rov / ignore-rpki-valid: the finding's RPKI route-origin state (`--rpki`).
 */
export function ruleMatchesFinding(rule: RuleConfig, finding: Finding, previousOriginAsns: number[] = [], parsed?: Prefix | null): boolean {
  if (rule.prefixes.length) {
    const p = parsed !== undefined ? parsed : parsePrefix(finding.prefix);
    if (!p || !rule.prefixes.some((watched) => prefixContains(watched, p))) return false;
  }
  if (rule.originAsns.length) {
    const origins = [...finding.originAsns, ...(finding.originAsn !== null ? [finding.originAsn] : []), ...previousOriginAsns];
    if (!origins.some((asn) => rule.originAsns.includes(asn))) return false;
  }
  if (rule.rirs.length && (finding.prefixRir === null || !rule.rirs.includes(finding.prefixRir))) return false;
  if (rule.usageRegions.length && (finding.usageRegion === null || !rule.usageRegions.includes(finding.usageRegion))) return false;
  if (rule.countries.length) {
    const ccs = [finding.mainCountry, finding.registeredCc].filter((c): c is string => c !== null).map((c) => c.toUpperCase());
    if (!ccs.some((cc) => rule.countries.includes(cc))) return false;
  }
  if (rule.kinds.length && !finding.kinds.some((k) => rule.kinds.includes(k))) return false;
  if (rule.minSeverity && SEVERITIES.indexOf(finding.severity) < SEVERITIES.indexOf(rule.minSeverity)) return false;
  if (finding.addresses < rule.minAddresses) return false;
  // A finding without RPKI data (no --rpki) has no state: `rov` lists never match it, `ignore-rpki-valid` keeps it.
  if (rule.ignoreRpkiValid && finding.rov === 'valid') return false;
  if (rule.rov.length && (!finding.rov || !rule.rov.includes(finding.rov))) return false;
  return true;
}

/** Whether a rule wants this lifecycle event: the event type is listed and the finding matches. */
export function ruleMatchesEvent(rule: RuleConfig, event: LifecycleEvent, parsed?: Prefix | null): boolean {
  if (!rule.events.includes(event.type)) return false;
  return ruleMatchesFinding(rule, event.finding, event.type === 'origin-changed' ? event.previousOriginAsns : [], parsed);
}
