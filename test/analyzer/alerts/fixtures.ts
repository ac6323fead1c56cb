import type { Finding } from '../../../analyzer/models/finding.js';
import type { LifecycleEvent } from '../../../analyzer/models/lifecycle.js';
import type { RuleConfig } from '../../../analyzer/alerts/rules.js';
import { parseAlertsConfig } from '../../../analyzer/alerts/rules.js';

/** A plain-data finding: RIPE space from AS64500 used in the US unless overridden. */
export function finding(over: Partial<Finding> = {}): Finding {
  const origin = over.originAsn === undefined ? 64500 : over.originAsn;
  return {
    time: 1_700_000_000,
    prefix: '192.0.2.0/24',
    family: 4,
    addresses: 256,
    originAsn: origin,
    originAsns: origin === null ? [] : [origin],
    prefixRir: 'ripencc',
    registeredCc: 'NL',
    holderId: null,
    ianaRir: 'ripencc',
    legacy: false,
    originRir: 'ripencc',
    originCc: 'NL',
    usageRegion: 'arin',
    mainCountry: 'US',
    shareAbroad: 0.9,
    geo: [{ cc: 'US', addresses: 230, share: 0.9 }],
    kinds: ['geo-out-of-region'],
    geoSubkind: 'abroad-inconsistent',
    severity: 'medium',
    visibility: 10,
    why: 'RIPE NCC space registered in NL; 90% of its addresses are located in US (ARIN region).',
    ...over,
  };
}

export const started = (time: number, f: Finding): LifecycleEvent => ({ type: 'finding-started', time, finding: { ...f, time } });
export const ended = (time: number, f: Finding, reason: 'restored' | 'withdrawn' = 'restored'): LifecycleEvent => ({
  type: 'finding-ended',
  time,
  reason,
  finding: { ...f, time, kinds: [], severity: 'none', why: reason === 'restored' ? 'Usage is back in the RIPE NCC region.' : 'The last peer withdrew the route.' },
});
export const originChanged = (time: number, f: Finding, previous: number[]): LifecycleEvent => ({
  type: 'origin-changed',
  time,
  prefix: f.prefix,
  previousOriginAsns: previous,
  finding: { ...f, time },
});

/** One rule from YAML text for the rule body (channel "log" exists). */
export function rule(body: string): RuleConfig {
  const text = `channels:\n  log: { type: jsonl, path: /dev/null }\nrules:\n  - name: r\n    channels: [log]\n${body
    .split('\n')
    .filter(Boolean)
    .map((l) => `    ${l}`)
    .join('\n')}\n`;
  return parseAlertsConfig(text).rules[0];
}
