/**
 * A small deterministic classifier for the state tests (the real one lives in analyzer/classify):
 * a pair "has a finding" when one of its origins is in `flagged`, which tests change to simulate
 * a registry reload. It records every call so tests can check when the state classifies.
 */
import type { Finding } from '../../../analyzer/models/finding.js';

export interface TestClassifier {
  (prefix: string, originAsns: number[], visibility: number): Finding;
  flagged: Set<number>;
  calls: { prefix: string; originAsns: number[]; visibility: number }[];
}

export function makeClassifier(flagged: number[] = []): TestClassifier {
  const fn = ((prefix: string, originAsns: number[], visibility: number): Finding => {
    fn.calls.push({ prefix, originAsns: [...originAsns], visibility });
    const bad = originAsns.some((a) => fn.flagged.has(a));
    return {
      time: 0,
      prefix,
      family: prefix.includes(':') ? 6 : 4,
      addresses: 0,
      originAsn: Math.min(...originAsns),
      originAsns: [...originAsns],
      prefixRir: 'afrinic',
      registeredCc: 'ZA',
      holderId: null,
      ianaRir: 'afrinic',
      legacy: false,
      originRir: bad ? 'apnic' : 'afrinic',
      originCc: bad ? 'HK' : 'ZA',
      usageRegion: 'afrinic',
      mainCountry: 'ZA',
      shareAbroad: 0,
      geo: [],
      kinds: bad ? ['origin-out-of-region', 'legacy'] : ['legacy'],
      geoSubkind: null,
      severity: bad ? 'medium' : 'none',
      visibility,
      why: bad ? `${prefix} originated out of region` : `${prefix} in region`,
    };
  }) as TestClassifier;
  fn.flagged = new Set(flagged);
  fn.calls = [];
  return fn;
}
