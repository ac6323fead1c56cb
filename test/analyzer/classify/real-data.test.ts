import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { createClassifier, type Classifier } from '../../../analyzer/classify/index.js';
import { openGeo } from '../../../analyzer/geo/index.js';
import type { Finding } from '../../../analyzer/models/finding.js';
import { loadRegistry, regionOf } from '../../../analyzer/registry/index.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../../helpers/shared-data.js';

/** Prefixes originated in May 2014: every prefix in AFRINIC's /8s, and one in 50 of the rest. */
async function samplePrefixes(): Promise<Array<{ prefix: string; asn: number }>> {
  const afrinicSlash8 = new Set(['41', '102', '105', '154', '196', '197']);
  const out: Array<{ prefix: string; asn: number }> = [];
  const lines = createInterface({ input: createReadStream(sharedData('prefix2as', 'ipasn_20140513.dat.gz')).pipe(createGunzip()) });
  let n = 0;
  for await (const line of lines) {
    if (line.startsWith(';') || !line.trim()) continue;
    const [prefix, asn] = line.split('\t');
    if (afrinicSlash8.has(prefix.split('.')[0]) || n++ % 50 === 0) out.push({ prefix, asn: Number(asn) });
  }
  return out;
}

describe.skipIf(!hasSharedData)(`classifier on real data (2014-07-01 RIR files, DB-IP, RouteViews prefix2as) ${hasSharedData ? '' : sharedDataSkipReason}`, () => {
  let classifier: Classifier;
  let findings: Finding[];

  beforeAll(async () => {
    const registry = await loadRegistry({ rirDir: sharedData('rir', '2014-07-01'), ianaDir: sharedData('iana') });
    classifier = createClassifier({ registry, geo: await openGeo() });
    const sample = await samplePrefixes();
    findings = sample.map((s) => classifier.classify({ prefix: s.prefix, originAsns: [s.asn], time: 1_400_000_000 }));
  }, 120_000);

  it('kinds agree with the numbers on every finding', () => {
    expect(findings.length).toBeGreaterThan(10_000);
    for (const f of findings) {
      const geo = f.kinds.includes('geo-out-of-region');
      expect(geo, f.prefix).toBe(f.prefixRir !== null && f.shareAbroad > 0.5);
      expect(f.geoSubkind !== null, f.prefix).toBe(geo);
      expect(f.kinds.includes('origin-out-of-region'), f.prefix).toBe(f.prefixRir !== null && f.originRir !== null && f.originRir !== f.prefixRir);
      const regRegion = f.registeredCc ? regionOf(f.registeredCc) : null;
      expect(f.kinds.includes('registered-out-of-region'), f.prefix).toBe(f.prefixRir !== null && regRegion !== null && regRegion !== f.prefixRir);
      if (f.kinds.includes('unregistered')) expect(f.prefixRir).toBeNull();
      expect(f.shareAbroad).toBeGreaterThanOrEqual(0);
      expect(f.shareAbroad).toBeLessThanOrEqual(1);
      expect(f.geo.reduce((s, g) => s + g.share, 0)).toBeCloseTo(1, 9);
      expect(f.severity === 'none').toBe(f.kinds.length === 0);
      expect(f.why.startsWith(`${f.prefix} `)).toBe(true);
      expect(f.why.endsWith('.')).toBe(true);
    }
  });

  it('finds AFRINIC-registered space that geolocates outside Africa', () => {
    const abroad = findings.filter((f) => f.prefixRir === 'afrinic' && f.kinds.includes('geo-out-of-region'));
    expect(abroad.length).toBeGreaterThan(10);
    for (const f of abroad.slice(0, 20)) {
      expect(f.usageRegion).not.toBe('afrinic');
      expect(f.why).toMatch(/is registered with AFRINIC/);
      expect(f.severity === 'high' || f.severity === 'medium').toBe(true);
    }
    // Most AFRINIC space is used in Africa.
    const afrinic = findings.filter((f) => f.prefixRir === 'afrinic');
    expect(abroad.length / afrinic.length).toBeLessThan(0.5);
  });
});
