/**
 * An RPKI refresh in a long-running job: the classifier swaps its VRPs and keeps its registry
 * and geo caches (no prefix is walked again), and its findings then equal a fresh classifier's
 * on the new VRPs; the VRPs are loaded on a worker thread into an index that answers as one
 * loaded in place.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createClassifier } from '../../../analyzer/classify/index.js';
import { openGeo } from '../../../analyzer/geo/index.js';
import type { GeoLookup } from '../../../analyzer/models/geo.js';
import { loadRegistry, type RegistryIndex } from '../../../analyzer/registry/index.js';
import { loadVrps, VrpLoadError } from '../../../analyzer/rpki/index.js';
import { loadVrpsInWorker } from '../../../analyzer/rpki/load-worker.js';
import { writeFixture } from '../classify/fixture.js';
import { makeTmpDir } from '../../helpers/tmp.js';

const dir = makeTmpDir('rpki-refresh');
const NOW = Date.UTC(2024, 4, 1) / 1000;
let registry: RegistryIndex;
let geo: GeoLookup;
const write = (name: string, roas: Array<[string, number, number, string]>): string => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ roas: roas.map(([prefix, maxLength, asn, ta]) => ({ prefix, maxLength, asn, ta })) }));
  return path;
};

const PAIRS: Array<[string, number]> = [
  ['41.1.0.0/16', 4134],
  ['41.1.0.0/16', 37000],
  ['41.0.0.0/16', 37000],
  ['41.0.0.0/17', 37000],
  ['41.2.0.0/16', 4134],
  ['41.4.0.0/16', 4134],
  ['23.0.0.0/16', 3356],
];

beforeAll(async () => {
  const { files, mmdb } = writeFixture(dir);
  registry = await loadRegistry({ files });
  geo = await openGeo(mmdb);
});

describe('classifier.setRpki', () => {
  it('renews only the RPKI parts: findings equal a fresh classifier on the new VRPs, and no prefix is walked again', async () => {
    const a = await loadVrps(write('a.json', [['41.1.0.0/16', 16, 4134, 'afrinic'], ['41.0.0.0/16', 16, 37000, 'afrinic']]), { now: NOW });
    // B: 41.1.0.0/16 now certified under APNIC (rpki-rir-mismatch) for another origin; 41.0.0.0/16 with a longer maxLength.
    const b = await loadVrps(write('b.json', [['41.1.0.0/16', 24, 37000, 'apnic'], ['41.0.0.0/16', 17, 37000, 'afrinic'], ['23.0.0.0/8', 8, 0, 'arin']]), { now: NOW });
    let walks = 0;
    const counted: GeoLookup = { country: (ip) => geo.country(ip), info: () => geo.info(), distribution: (p, o) => (walks++, geo.distribution(p, o)) };
    const classifier = createClassifier({ registry, geo: counted, rpki: a });
    const classify = (c: typeof classifier) => PAIRS.map(([prefix, asn]) => c.classify({ prefix, originAsns: [asn], time: NOW, visibility: 10 }));
    const onA = classify(classifier);
    expect(onA).toEqual(classify(createClassifier({ registry, geo, rpki: a })));
    const walked = walks;
    expect(walked).toBeGreaterThan(0);

    classifier.setRpki(b);
    const onB = classify(classifier);
    expect(walks).toBe(walked);
    expect(onB).toEqual(classify(createClassifier({ registry, geo, rpki: b })));
    // The swap changed what RPKI decides, both ways.
    expect(onA[0]).toMatchObject({ rov: 'valid', rpkiTas: ['afrinic'] });
    expect(onB[0]).toMatchObject({ rov: 'invalid-origin', rpkiTas: ['apnic'] });
    expect(onA[0].kinds).not.toContain('rpki-rir-mismatch');
    expect(onB[0].kinds).toContain('rpki-rir-mismatch');
    expect(onB[0].why).toMatch(/apnic/i);
    expect([onA[3].rov, onB[3].rov]).toEqual(['invalid-length', 'valid']);
    expect(onB[6].rov).toBe('invalid-origin'); // only an AS0 ROA covers 23.0.0.0/16: RFC 6811 invalid

    // Back to A, then none at all.
    classifier.setRpki(a);
    expect(classify(classifier)).toEqual(onA);
    classifier.setRpki(null);
    expect(classify(classifier)).toEqual(classify(createClassifier({ registry, geo })));
    expect(walks).toBe(walked);
  });
});

describe('loadVrpsInWorker', () => {
  it('builds on a worker an index that answers like one loaded in place', async () => {
    const roas: Array<[string, number, number, string]> = [];
    // A few hundred ROAs of both families, nested, with AS0 and ROAs longer than /64.
    for (let i = 0; i < 200; i++) roas.push([`${10 + (i % 50)}.${i}.0.0/16`, 16 + (i % 9), 64500 + (i % 7), ['ripe', 'apnic', 'arin'][i % 3]]);
    for (let i = 0; i < 50; i++) roas.push([`${10 + (i % 50)}.${i}.${i}.0/24`, 24, i % 5 === 0 ? 0 : 64600 + i, 'afrinic']);
    for (let i = 0; i < 100; i++) roas.push([`2001:db8:${i.toString(16)}::/48`, 48 + (i % 17), 64700 + (i % 3), 'lacnic']);
    roas.push(['2001:db8:ffff:1:8000::/65', 96, 64512, 'arin']);
    const file = write('many.json', roas);
    const [here, there] = await Promise.all([loadVrps(file, { now: NOW }), loadVrpsInWorker([file], { now: NOW })]);
    expect([there.size, there.tas, there.stats]).toEqual([here.size, here.tas, here.stats]);
    const queries: Array<[string, number | null]> = [];
    for (const [prefix, , asn] of roas) {
      queries.push([prefix, asn], [prefix, asn + 1], [prefix, null]);
      const [addr, len] = prefix.split('/');
      if (Number(len) < 24 && !addr.includes(':')) queries.push([`${addr.split('.').slice(0, 2).join('.')}.0.0/${Number(len) + 4}`, asn]);
    }
    queries.push(['2001:db8:ffff:1:8000::/80', 64512], ['2001:db8:ffff:1::/64', 64512], ['9.0.0.0/8', 1]);
    for (const [prefix, asn] of queries) expect([prefix, asn, there.validate(prefix, asn)]).toEqual([prefix, asn, here.validate(prefix, asn)]);
  });

  it('a file that cannot be used fails the same way (VrpLoadError naming it)', async () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"roas": [');
    const inPlace = await loadVrps(broken).catch((e: Error) => e);
    const worker = await loadVrpsInWorker([broken]).catch((e: Error) => e);
    expect(worker).toBeInstanceOf(VrpLoadError);
    expect((worker as Error).message).toBe((inPlace as Error).message);
    expect((worker as Error).message).toContain(broken);
  });
});
