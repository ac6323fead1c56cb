/**
 * RPKI on findings: the ROV state per (prefix, origin), the covering trust anchors, the
 * rpki-rir-mismatch kind and its explained exceptions, in the why and the severity; a classifier
 * without RPKI data leaves findings as they were.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createClassifier, severityOf, type Classifier } from '../../../analyzer/classify/index.js';
import { openGeo } from '../../../analyzer/geo/index.js';
import { loadRegistry } from '../../../analyzer/registry/index.js';
import { loadVrps } from '../../../analyzer/rpki/index.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { writeFixture } from './fixture.js';

let withRpki: Classifier;
let without: Classifier;
const T = 1_700_000_000;

beforeAll(async () => {
  const dir = makeTmpDir('classify-rpki');
  const { files, mmdb } = writeFixture(dir);
  const vrpFile = join(dir, 'vrps.json');
  writeFileSync(vrpFile, JSON.stringify({
    roas: [
      { asn: 4134, prefix: '41.1.0.0/16', maxLength: 16, ta: 'apnic' }, // AFRINIC space certified under APNIC
      { asn: 37000, prefix: '41.0.0.0/16', maxLength: 24, ta: 'afrinic' },
      { asn: 0, prefix: '41.3.0.0/16', maxLength: 32, ta: 'lacnic-as0' }, // an AS0 anchor: explained
      { asn: 64500, prefix: '23.0.0.0/16', maxLength: 24, ta: 'ripe' }, // ARIN legacy space: explained
    ],
  }));
  const registry = await loadRegistry({ files });
  const geo = await openGeo(mmdb);
  withRpki = createClassifier({ registry, geo, rpki: await loadVrps(vrpFile, { now: T }), cacheSize: 100 });
  without = createClassifier({ registry, geo, cacheSize: 100 });
});

describe('RPKI on findings', () => {
  it('ROV state and trust anchors per (prefix, origin)', () => {
    expect(withRpki.classify({ prefix: '41.0.0.0/16', originAsns: [37000], time: T })).toMatchObject({ rov: 'valid', rpkiTas: ['afrinic'], kinds: [] });
    expect(withRpki.classify({ prefix: '41.0.0.0/24', originAsns: [37000], time: T }).rov).toBe('valid');
    expect(withRpki.classify({ prefix: '41.0.0.0/25', originAsns: [37000], time: T }).rov).toBe('invalid-length');
    expect(withRpki.classify({ prefix: '41.0.0.0/16', originAsns: [37001], time: T }).rov).toBe('invalid-origin');
    // An AS_SET origin is NONE (RFC 6811): never valid.
    expect(withRpki.classify({ prefix: '41.0.0.0/16', originAsns: [37000, 37001], time: T }).rov).toBe('invalid-origin');
    expect(withRpki.classify({ prefix: '41.4.0.0/16', originAsns: [37000], time: T })).toMatchObject({ rov: 'not-found', rpkiTas: [] });
  });

  it('the why ends with the ROV state', () => {
    expect(withRpki.classify({ prefix: '41.0.0.0/16', originAsns: [37000], time: T }).why).toMatch(/origin AS37000 is registered with AFRINIC; RPKI valid\.$/);
    expect(withRpki.classify({ prefix: '41.0.0.0/16', originAsns: [37001], time: T }).why).toMatch(/; RPKI invalid: the covering ROAs authorise other origins\.$/);
  });

  it('a trust anchor of another RIR is rpki-rir-mismatch, said in the why, at least low severity', () => {
    const f = withRpki.classify({ prefix: '41.1.0.0/16', originAsns: [4134], time: T, visibility: 20 });
    expect(f.kinds).toContain('rpki-rir-mismatch');
    expect(f.rpkiTas).toEqual(['apnic']);
    expect(f.rov).toBe('valid');
    expect(f.why).toContain("ROAs covering it are certified under APNIC's trust anchor, though AFRINIC registered it");
    // Registry lookups (no origin) carry the kind and the anchors, but no ROV state.
    expect(withRpki.describePrefix('41.1.0.0/16', T)).toMatchObject({ rov: null, rpkiTas: ['apnic'] });
    expect(withRpki.describePrefix('41.1.0.0/16', T).kinds).toContain('rpki-rir-mismatch');
  });

  it('rpki-rir-mismatch alone is low severity, and raises nothing above what geo says', () => {
    const base = { geoSubkind: null, prefixRir: 'ripencc' as const, shareAbroad: 0, announced: true };
    expect(severityOf({ ...base, kinds: ['rpki-rir-mismatch'] })).toBe('low');
    expect(severityOf({ ...base, kinds: [] })).toBe('none');
  });

  it('the exceptions are explained, not reported: an AS0 anchor, ARIN legacy space', () => {
    const as0 = withRpki.classify({ prefix: '41.3.0.0/16', originAsns: [37000], time: T });
    expect(as0.kinds).not.toContain('rpki-rir-mismatch');
    expect(as0.rov).toBe('invalid-origin');
    expect(as0.why).toContain('an AS0 trust anchor (lacnic-as0) covers it: unallocated space as that RIR sees it');
    const legacy = withRpki.classify({ prefix: '23.0.0.0/16', originAsns: [64500], time: T });
    expect(legacy.kinds).toContain('legacy');
    expect(legacy.kinds).not.toContain('rpki-rir-mismatch');
    expect(legacy.why).toContain('ARIN legacy space, which ARIN certifies only under a registration services agreement');
  });

  it('without RPKI data: no state, no anchors, the same kinds and why as before', () => {
    const f = without.classify({ prefix: '41.1.0.0/16', originAsns: [4134], time: T, visibility: 20 });
    expect(f).toMatchObject({ rov: null, rpkiTas: [] });
    expect(f.kinds).toEqual(['geo-out-of-region', 'origin-out-of-region']);
    expect(f.why).not.toMatch(/RPKI|ROA/);
  });
});
