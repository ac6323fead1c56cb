/**
 * The why (its prefix part built once per prefix, on first use) reads as a plain field, and the classifier keeps the geo distribution in its own
 * cache (not also in the geo database's): both must be invisible to callers.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createClassifier, type Classifier } from '../../../analyzer/classify/index.js';
import { openGeo, type GeoDatabase } from '../../../analyzer/geo/index.js';
import { loadRegistry } from '../../../analyzer/registry/index.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { writeFixture } from './fixture.js';

let classifier: Classifier;
let geo: GeoDatabase;

beforeAll(async () => {
  const { files, mmdb } = writeFixture(makeTmpDir('classify-lazy'));
  const registry = await loadRegistry({ files });
  geo = await openGeo(mmdb);
  classifier = createClassifier({ registry, geo, cacheSize: 100 });
});

describe('lazy why', () => {
  it('reads like a plain field: value, JSON and spread agree, and it is stable', () => {
    const f = classifier.classify({ prefix: '41.1.0.0/16', originAsns: [4134], time: 1 });
    expect(f.why).toMatch(/^41\.1\.0\.0\/16 is registered with AFRINIC .*origin AS4134 is registered with APNIC\.$/);
    expect(f.why).toBe(f.why);
    expect(JSON.parse(JSON.stringify(f)).why).toBe(f.why);
    expect({ ...f }.why).toBe(f.why);
    expect(Object.keys(f)).toContain('why');
  });

  it('gives each event its own origin clause over the shared prefix clauses', () => {
    const a = classifier.classify({ prefix: '41.1.0.0/16', originAsns: [4134], time: 1 });
    const b = classifier.classify({ prefix: '41.1.0.0/16', originAsns: [64512], time: 2 });
    expect(a.why).not.toBe(b.why);
    expect(a.why.split('; ').slice(0, -1)).toEqual(b.why.split('; ').slice(0, -1));
    expect(classifier.describePrefix('41.1.0.0/16').why).toBe(`${a.why.split('; ').slice(0, -1).join('; ')}.`);
  });
});

describe('geo distribution cache', () => {
  it('the classifier does not fill the geo cache, and cache: false neither reads nor fills it', () => {
    const fresh = classifier.classify({ prefix: '41.2.0.0/16', originAsns: [4134], time: 1 });
    expect(fresh.geo.length).toBeGreaterThan(0);
    const uncached = geo.distribution('41.2.0.0/16', { cache: false });
    expect(uncached).toEqual(geo.distribution('41.2.0.0/16'));
    // The cached call above stored its own object; an uncached call still builds a new one.
    expect(geo.distribution('41.2.0.0/16', { cache: false })).not.toBe(geo.distribution('41.2.0.0/16'));
    expect(geo.distribution('41.2.0.0/16')).toBe(geo.distribution('41.2.0.0/16'));
    expect(fresh.geo).toEqual(uncached.countries);
  });
});
