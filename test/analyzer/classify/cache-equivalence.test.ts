/**
 * The classifier's caches (per-prefix entry without the full context, shared kinds and
 * one-country geo arrays, the last-prefix/last-ASN memo) must give exactly what a fresh
 * classifier gives for each call alone, in any call order.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPrefixContext, createClassifier, type Classifier, type ClassifierOptions } from '../../../analyzer/classify/index.js';
import { openGeo } from '../../../analyzer/geo/index.js';
import { loadRegistry } from '../../../analyzer/registry/index.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { writeFixture } from './fixture.js';

let opts: ClassifierOptions;

const PREFIXES = [
  '41.0.0.0/16', '41.1.0.0/16', '41.1.0.0/17', '41.1.128.0/24', '41.2.0.0/16', '41.3.0.0/16', '41.4.0.0/16', '41.5.0.0/16',
  '41.6.0.0/16', '41.7.0.0/16', '23.0.0.0/16', '23.0.0.0/24', '185.0.0.0/16', '185.1.0.0/16', '2c0f:f000::/32', '2c0f:f000:1::/48',
];
const ORIGINS = [[4134], [37000], [3356], [64512], [3333, 4134], [37000, 4134, 37000]];

beforeAll(async () => {
  const { files, mmdb } = writeFixture(makeTmpDir('classify-cache'));
  opts = { registry: await loadRegistry({ files }), geo: await openGeo(mmdb) };
});

const fresh = (): Classifier => createClassifier({ ...opts, cacheSize: 2 });

describe('classifier caches', () => {
  it('classify gives what a fresh classifier gives, whatever came before', () => {
    const cached = createClassifier(opts);
    // Twice over, in two orders: first-time entries, memo hits (same prefix twice) and cache hits.
    for (const order of [PREFIXES, [...PREFIXES].reverse(), PREFIXES]) {
      for (const prefix of order) {
        for (const originAsns of ORIGINS) {
          for (const visibility of [undefined, 1, 12]) {
            const input = { prefix, originAsns, time: 1_700_000_000, visibility };
            expect(cached.classify(input)).toEqual(fresh().classify(input));
            expect(cached.classify(input)).toEqual(fresh().classify(input));
          }
        }
      }
    }
  });

  it('describePrefix and context match a fresh build, also for prefixes first seen by classify', () => {
    const cached = createClassifier(opts);
    for (const prefix of PREFIXES) cached.classify({ prefix, originAsns: [4134], time: 1 });
    for (const prefix of PREFIXES) {
      expect(cached.describePrefix(prefix, 5)).toEqual(fresh().describePrefix(prefix, 5));
      const { ctx } = cached.context(prefix);
      const built = buildPrefixContext(prefix, opts.registry, opts.geo);
      expect(ctx).toEqual(built);
      expect(cached.context(prefix)).toBe(cached.context(prefix));
    }
  });

  it('shares one-country distributions only between equal ones', () => {
    const cached = createClassifier(opts);
    const a = cached.classify({ prefix: '41.1.0.0/24', originAsns: [4134], time: 1 });
    const b = cached.classify({ prefix: '41.1.1.0/24', originAsns: [4134], time: 1 });
    const c = cached.classify({ prefix: '41.1.0.0/23', originAsns: [4134], time: 1 });
    expect(a.geo).toBe(b.geo);
    expect(c.geo).toEqual([{ cc: 'HK', addresses: 512, share: 1 }]);
    expect(c.geo).not.toBe(a.geo);
  });
});
