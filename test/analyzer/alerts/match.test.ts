import { describe, expect, it } from 'vitest';
import { ruleMatchesEvent, ruleMatchesFinding } from '../../../analyzer/alerts/match.js';
import { ended, finding, originChanged, rule, started } from './fixtures.js';

describe('rule matching', () => {
  it('matches everything without criteria', () => {
    expect(ruleMatchesFinding(rule(''), finding())).toBe(true);
  });

  it('matches prefixes and their more-specifics, not less-specifics or other families', () => {
    const r = rule('prefixes: [192.0.2.0/23, 2001:db8::/32]');
    expect(ruleMatchesFinding(r, finding({ prefix: '192.0.2.0/24' }))).toBe(true);
    expect(ruleMatchesFinding(r, finding({ prefix: '192.0.3.128/25' }))).toBe(true);
    expect(ruleMatchesFinding(r, finding({ prefix: '192.0.2.0/23' }))).toBe(true);
    expect(ruleMatchesFinding(r, finding({ prefix: '192.0.0.0/22' }))).toBe(false);
    expect(ruleMatchesFinding(r, finding({ prefix: '192.0.4.0/24' }))).toBe(false);
    expect(ruleMatchesFinding(r, finding({ prefix: '2001:db8:ff::/48', family: 6 }))).toBe(true);
    expect(ruleMatchesFinding(r, finding({ prefix: '2001:db9::/48', family: 6 }))).toBe(false);
  });

  it('matches origin ASNs, including AS_SET members and the previous origin of an origin change', () => {
    const r = rule('origin-asns: [AS64500]');
    expect(ruleMatchesFinding(r, finding({ originAsn: 64500 }))).toBe(true);
    expect(ruleMatchesFinding(r, finding({ originAsn: 64501 }))).toBe(false);
    expect(ruleMatchesFinding(r, finding({ originAsn: 64499, originAsns: [64499, 64500] }))).toBe(true);
    const hijack = originChanged(10, finding({ originAsn: 64666 }), [64500]);
    expect(ruleMatchesEvent(r, hijack)).toBe(true);
    expect(ruleMatchesEvent(r, originChanged(10, finding({ originAsn: 64666 }), [64501]))).toBe(false);
  });

  it('matches the registering RIR and the usage region', () => {
    expect(ruleMatchesFinding(rule('rirs: [ripencc, arin]'), finding({ prefixRir: 'arin' }))).toBe(true);
    expect(ruleMatchesFinding(rule('rirs: [ripencc]'), finding({ prefixRir: 'apnic' }))).toBe(false);
    expect(ruleMatchesFinding(rule('rirs: [ripencc]'), finding({ prefixRir: null }))).toBe(false);
    expect(ruleMatchesFinding(rule('usage-regions: [arin]'), finding({ usageRegion: 'arin' }))).toBe(true);
    expect(ruleMatchesFinding(rule('usage-regions: [lacnic]'), finding({ usageRegion: 'arin' }))).toBe(false);
    expect(ruleMatchesFinding(rule('usage-regions: [lacnic]'), finding({ usageRegion: null }))).toBe(false);
  });

  it('matches a country as the main usage country or the registered country', () => {
    const r = rule('countries: [nl]');
    expect(ruleMatchesFinding(r, finding({ registeredCc: 'NL', mainCountry: 'US' }))).toBe(true);
    expect(ruleMatchesFinding(r, finding({ registeredCc: 'DE', mainCountry: 'NL' }))).toBe(true);
    expect(ruleMatchesFinding(r, finding({ registeredCc: 'DE', mainCountry: 'US' }))).toBe(false);
    expect(ruleMatchesFinding(r, finding({ registeredCc: null, mainCountry: null }))).toBe(false);
  });

  it('matches kinds (any of), minimum severity (by order) and minimum addresses', () => {
    expect(ruleMatchesFinding(rule('kinds: [legacy, transferred]'), finding({ kinds: ['geo-out-of-region', 'legacy'] }))).toBe(true);
    expect(ruleMatchesFinding(rule('kinds: [legacy]'), finding({ kinds: ['geo-out-of-region'] }))).toBe(false);
    expect(ruleMatchesFinding(rule('min-severity: medium'), finding({ severity: 'high' }))).toBe(true);
    expect(ruleMatchesFinding(rule('min-severity: medium'), finding({ severity: 'medium' }))).toBe(true);
    expect(ruleMatchesFinding(rule('min-severity: medium'), finding({ severity: 'low' }))).toBe(false);
    expect(ruleMatchesFinding(rule('min-addresses: 1024'), finding({ addresses: 1024 }))).toBe(true);
    expect(ruleMatchesFinding(rule('min-addresses: 1024'), finding({ addresses: 256 }))).toBe(false);
  });

  it('needs every criterion (AND) and the event type', () => {
    const r = rule('rirs: [ripencc]\nkinds: [geo-out-of-region]\nevents: [finding-started]');
    expect(ruleMatchesEvent(r, started(1, finding()))).toBe(true);
    expect(ruleMatchesEvent(r, started(1, finding({ prefixRir: 'arin' })))).toBe(false);
    expect(ruleMatchesEvent(r, originChanged(1, finding(), [64501]))).toBe(false);
    expect(ruleMatchesEvent(rule(''), ended(1, finding()))).toBe(true);
  });
});
