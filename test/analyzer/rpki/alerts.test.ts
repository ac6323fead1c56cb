/** RPKI in alerts: the rule filters (`ignore-rpki-valid`, `rov`), their checks, and the state carried on each item. */
import { describe, expect, it } from 'vitest';
import { AlertEngine } from '../../../analyzer/alerts/engine.js';
import { ruleMatchesFinding } from '../../../analyzer/alerts/match.js';
import { describeConfig, parseAlertsConfig } from '../../../analyzer/alerts/rules.js';
import { finding, started } from '../alerts/fixtures.js';

const T = 1_700_000_000;
const config = (ruleLines: string) => parseAlertsConfig(`channels:\n  log: { type: jsonl, path: /dev/null }\nrules:\n  - name: r\n    channels: [log]\n${ruleLines}`);

describe('RPKI rule filters', () => {
  it('ignore-rpki-valid drops RPKI-valid findings and keeps the others, also those without RPKI data', () => {
    const [rule] = config('    ignore-rpki-valid: true\n').rules;
    expect(rule.ignoreRpkiValid).toBe(true);
    expect(ruleMatchesFinding(rule, finding({ rov: 'valid' }))).toBe(false);
    expect(ruleMatchesFinding(rule, finding({ rov: 'invalid-origin' }))).toBe(true);
    expect(ruleMatchesFinding(rule, finding({ rov: 'not-found' }))).toBe(true);
    expect(ruleMatchesFinding(rule, finding())).toBe(true);
  });

  it('rov lists the states wanted; a finding without RPKI data matches none', () => {
    const cfg = config('    rov: [invalid-origin, invalid-length]\n');
    const [rule] = cfg.rules;
    expect(ruleMatchesFinding(rule, finding({ rov: 'invalid-length' }))).toBe(true);
    expect(ruleMatchesFinding(rule, finding({ rov: 'valid' }))).toBe(false);
    expect(ruleMatchesFinding(rule, finding())).toBe(false);
    expect(describeConfig(cfg)).toContain('RPKI invalid-origin invalid-length');
  });

  it('mistakes are reported with their line', () => {
    expect(() => config('    rov: [bogus]\n')).toThrow(/alerts\.yml:\d+:\d+: rule "r"\.rov: not an RPKI state \(one of valid, invalid-origin, invalid-length, not-found\)/);
    expect(() => config('    ignore-rpki-valid: maybe\n')).toThrow(/ignore-rpki-valid/);
    expect(() => config('    kind: registry-change\n    rov: [valid]\n')).toThrow(/"rov" applies to finding rules/);
  });

  it('alert items carry the state and trust anchors when there are RPKI data, and no such fields otherwise', () => {
    const engine = new AlertEngine(config('').rules, { groupingWindowSeconds: 60, quietPeriodSeconds: 1800, dashboardUrl: null });
    engine.handle([started(T, finding({ rov: 'invalid-origin', rpkiTas: ['ripe'] })), started(T, finding({ prefix: '198.51.100.0/24', originAsn: 64502 }))], 0);
    const [withRpki, without] = engine.flush();
    expect(withRpki.items[0]).toMatchObject({ rov: 'invalid-origin', rpkiTas: ['ripe'] });
    expect('rov' in without.items[0]).toBe(false);
  });
});
