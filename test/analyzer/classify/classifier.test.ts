import { beforeAll, describe, expect, it } from 'vitest';
import { openGeo } from '../../../analyzer/geo/index.js';
import { createClassifier, type Classifier, percent, severityOf, severityScore } from '../../../analyzer/classify/index.js';
import { SEVERITIES as SEVERITIES_ORDER } from '../../../analyzer/models/finding.js';
import { loadRegistry } from '../../../analyzer/registry/index.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { writeFixture } from './fixture.js';

let classifier: Classifier;
const rank = (s: string) => SEVERITIES_ORDER.indexOf(s as (typeof SEVERITIES_ORDER)[number]);

beforeAll(async () => {
  const { files, mmdb } = writeFixture(makeTmpDir('classify'));
  const registry = await loadRegistry({ files });
  classifier = createClassifier({ registry, geo: await openGeo(mmdb), cacheSize: 1000 });
});

const classify = (prefix: string, originAsns: number[], visibility?: number) => classifier.classify({ prefix, originAsns, time: 1_700_000_000, visibility });

describe('classifier on a known world', () => {
  // 41.1.0.0/16 was delegated in 2010, before AFRINIC's soft landing: whether CPM 5.4.6.2 binds it
  // is disputed, so no breach is claimed (at most medium; policy.test.ts has space after soft landing).
  it('AFRINIC space used in HK by an APNIC origin: geo + origin mismatch, abroad-inconsistent, medium (scope disputed)', () => {
    const f = classify('41.1.0.0/16', [4134], 20);
    expect(f).toMatchObject({
      prefix: '41.1.0.0/16',
      family: 4,
      addresses: 65536,
      time: 1_700_000_000,
      originAsn: 4134,
      originAsns: [4134],
      prefixRir: 'afrinic',
      registeredCc: 'SC',
      holderId: 'AF000002',
      ianaRir: 'afrinic',
      legacy: false,
      originRir: 'apnic',
      originCc: 'CN',
      usageRegion: 'apnic',
      mainCountry: 'HK',
      shareAbroad: 1,
      kinds: ['geo-out-of-region', 'origin-out-of-region'],
      geoSubkind: 'abroad-inconsistent',
      severity: 'medium',
      visibility: 20,
    });
    expect(f.geo).toEqual([{ cc: 'HK', addresses: 65536, share: 1 }]);
    expect(f.why).toBe(
      '41.1.0.0/16 is registered with AFRINIC to a holder in SC; 100% of its geolocated addresses are in HK (APNIC region); AFRINIC CPM 5.4.6.2 expects use outside the region only in support of connectivity back to it (scope disputed for space allocated before soft landing on 2017-04-03, as this was in 2010), see https://afrinic.net/policy/manual; origin AS4134 is registered with APNIC.',
    );
  });

  it('holder registered abroad and used there: abroad-as-registered plus registered-out-of-region', () => {
    const f = classify('41.2.0.0/16', [37000]);
    expect(f.kinds).toEqual(['geo-out-of-region', 'registered-out-of-region']);
    expect(f.geoSubkind).toBe('abroad-as-registered');
    expect(f.originRir).toBe('afrinic');
    expect(f.why).toBe(
      '41.2.0.0/16 is registered with AFRINIC to a holder in SG (APNIC region); 100% of its geolocated addresses are in SG (APNIC region); AFRINIC CPM 5.4.6.2 expects use outside the region only in support of connectivity back to it (scope disputed for space allocated before soft landing on 2017-04-03, as this was in 2010), see https://afrinic.net/policy/manual; origin AS37000 is registered with AFRINIC.',
    );
  });

  it('in-region use: no kinds, severity none', () => {
    const f = classify('41.0.0.0/16', [37000]);
    expect(f.kinds).toEqual([]);
    expect(f.severity).toBe('none');
    expect(f.usageRegion).toBe('afrinic');
    expect(classify('2c0f:f000::/32', [37000])).toMatchObject({ family: 6, kinds: [], prefixRir: 'afrinic', mainCountry: 'MU' });
  });

  it('another country of the same region: in-region-country, info', () => {
    const f = classify('41.3.0.0/16', [37000]);
    expect(f.kinds).toEqual(['in-region-country']);
    expect(f.severity).toBe('info');
    expect(f.mainCountry).toBe('KE');
    expect(f.why).toContain('75% of its geolocated addresses are in KE (AFRINIC region)');
  });

  it('share abroad is of the located addresses only', () => {
    const f = classify('41.4.0.0/16', [37000]);
    expect(f.shareAbroad).toBeCloseTo(2 / 3, 12);
    expect(f.geo.map((g) => [g.cc, g.share])).toEqual([
      ['HK', 0.5],
      ['ZA', 0.25],
      ['ZZ', 0.25],
    ]);
    expect(f.kinds).toEqual(['geo-out-of-region']);
    expect(f.why).toBe(
      '41.4.0.0/16 is registered with AFRINIC to a holder in SC; 67% of its geolocated addresses are in HK (APNIC region) (25% not geolocated); AFRINIC CPM 5.4.6.2 expects use outside the region only in support of connectivity back to it (scope disputed for space allocated before soft landing on 2017-04-03, as this was in 2010), see https://afrinic.net/policy/manual; origin AS37000 is registered with AFRINIC.',
    );
  });

  it('mixed and partial coverage: no registering RIR, nothing guessed', () => {
    const mixed = classify('41.5.0.0/16', [4134]);
    expect(mixed).toMatchObject({ prefixRir: null, registeredCc: null, kinds: [], shareAbroad: 0, severity: 'none' });
    expect(mixed.why).toMatch(/^41\.5\.0\.0\/16 spans records of several RIRs \(AFRINIC 50%, RIPE NCC 50%\)/);
    const partial = classify('41.6.0.0/16', [4134]);
    expect(partial).toMatchObject({ prefixRir: null, kinds: [] });
    expect(partial.why).toMatch(/^41\.6\.0\.0\/16 is only partly delegated \(50% by AFRINIC/);
  });

  it('unregistered space: medium when announced, low as a registry lookup', () => {
    const f = classify('41.7.0.0/16', [4134]);
    expect(f.kinds).toEqual(['unregistered']);
    expect(f.severity).toBe('medium');
    expect(f.why).toMatch(/^41\.7\.0\.0\/16 is not delegated by any RIR \(IANA: AFRINIC, ALLOCATED\)/);
    expect(classifier.describePrefix('41.7.0.0/16').severity).toBe('low');
  });

  it('legacy and transferred context', () => {
    const legacy = classify('23.0.0.0/16', [3356]);
    expect(legacy.kinds).toEqual(['geo-out-of-region', 'legacy']);
    expect(legacy.legacy).toBe(true);
    expect(legacy.why).toContain('registered with ARIN to a holder in US, legacy space');
    const moved = classify('185.1.0.0/16', [3333]);
    expect(moved.kinds).toEqual(['transferred']);
    expect(moved.severity).toBe('info');
    expect(moved.why).toContain('transferred from ARIN to RIPE NCC on 2019-05-01');
  });

  it('severity follows the registering RIR policy: AFRINIC (disputed) > ARIN (allowed), RIPE NCC (no restriction) for the same use', () => {
    const afrinic = classify('41.1.0.0/16', [37000]).severity;
    const arin = classify('23.0.0.0/16', [3356]).severity;
    const ripe = classify('185.0.0.0/16', [3333]).severity;
    // AFRINIC space from 2010 (before soft landing): disputed, capped at medium; ARIN allows
    // out-of-region use and RIPE NCC does not restrict it: low.
    expect([afrinic, arin, ripe]).toEqual(['medium', 'low', 'low']);
    // A foreign origin corroborates: never lower.
    expect(rank(classify('185.0.0.0/16', [4134]).severity)).toBeGreaterThan(rank(ripe));
    // Low visibility scales down; full visibility does not.
    expect(rank(classify('41.1.0.0/16', [37000], 0).severity)).toBeLessThan(rank(classify('41.1.0.0/16', [37000], 50).severity));
    // More addresses abroad, higher severity (ARIN: allowed, so low either way).
    const arinAt = (shareAbroad: number) => ({ kinds: ['geo-out-of-region' as const], geoSubkind: 'abroad-inconsistent' as const, prefixRir: 'arin' as const, shareAbroad, announced: true });
    expect(severityOf(arinAt(0.55))).toBe('low');
    expect(severityOf(arinAt(1))).toBe('low');
    expect(severityScore(arinAt(1))).toBeGreaterThan(severityScore(arinAt(0.55)));
    const afrinicAt = (shareAbroad: number) => ({ ...arinAt(shareAbroad), prefixRir: 'afrinic' as const, delegated: '20180101' });
    expect(severityOf(afrinicAt(0.55))).toBe('medium');
    expect(severityOf(afrinicAt(1))).toBe('high');
  });

  it('AS_SET origin: every member kept, no origin mismatch when members disagree', () => {
    const f = classify('41.1.0.0/16', [37000, 4134, 37000]);
    expect(f.originAsns).toEqual([4134, 37000]);
    expect(f.originAsn).toBe(4134);
    expect(f.originRir).toBeNull();
    expect(f.kinds).toEqual(['geo-out-of-region']);
    expect(f.why).toContain('origin AS_SET {4134,37000} spans APNIC and AFRINIC');
    // A set whose members share a RIR counts as that RIR.
    expect(classify('41.1.0.0/16', [4134, 4134]).originRir).toBe('apnic');
  });

  it('unknown origin AS and routing-independent description', () => {
    const f = classify('41.0.0.0/16', [64512]);
    expect(f.originRir).toBeNull();
    expect(f.kinds).toEqual([]);
    expect(f.why).toContain('origin AS64512 is not registered with any RIR');
    const d = classifier.describePrefix('41.1.0.0/16');
    expect(d).toMatchObject({ originAsn: null, originAsns: [], kinds: ['geo-out-of-region'], visibility: 0 });
    expect(d.why).not.toContain('origin');
  });

  it('caches prefix context and rejects invalid prefixes', () => {
    expect(classifier.context('41.1.0.0/16')).toBe(classifier.context('41.1.0.0/16'));
    expect(() => classify('41.1.0.1/16', [1])).toThrow(/invalid prefix/);
  });

  it('rounds percentages for people', () => {
    expect([percent(0), percent(0.004), percent(0.5), percent(0.996), percent(1)]).toEqual(['0%', '<1%', '50%', '>99%', '100%']);
  });
});
