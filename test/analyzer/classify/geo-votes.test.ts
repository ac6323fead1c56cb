/**
 * The classifier's votes of several databases: its fast path (every database puts the whole
 * prefix in one country) and the full consensus must give each finding the same agreement,
 * confidence and answers as the consensus rule (geo/consensus.ts) applied to the prefix. Prefixes
 * from /8 to /24 over a fixture where two databases agree, split within a prefix, differ by
 * region or by country, leave space unplaced, and a registry echo says something else.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createClassifier } from '../../../analyzer/classify/index.js';
import { geoConsensus, type NamedGeo } from '../../../analyzer/geo/consensus.js';
import { openGeo } from '../../../analyzer/geo/index.js';
import { wholeCountry } from '../../../analyzer/geo/single.js';
import type { GeoConfidence } from '../../../analyzer/models/geo.js';
import { loadRegistry, type RegistryIndex } from '../../../analyzer/registry/index.js';
import { writeMmdb } from '../../helpers/mmdb-writer.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { writeFixture } from './fixture.js';

const dir = makeTmpDir('geo-votes');
const cc = (c: string) => ({ country_code: c });
let registry: RegistryIndex;
let sources: NamedGeo[];

beforeAll(async () => {
  const { files, mmdb } = writeFixture(dir);
  registry = await loadRegistry({ files });
  const other = join(dir, 'other.mmdb');
  writeFileSync(other, writeMmdb([
    { prefix: '41.0.0.0/16', data: cc('ZA') }, // agrees
    { prefix: '41.1.0.0/17', data: cc('HK') }, // half agrees, half elsewhere
    { prefix: '41.1.128.0/17', data: cc('ZA') },
    { prefix: '41.2.0.0/16', data: cc('MY') }, // same region, another country
    { prefix: '41.3.0.0/16', data: cc('US') }, // another region
    // 41.4.0.0/16 and up: not placed
    { prefix: '23.0.0.0/16', data: cc('HK') },
    { prefix: '185.0.0.0/15', data: cc('NL') },
    { prefix: '2c0f:f000::/33', data: cc('MU') },
    { prefix: '2c0f:f000:8000::/33', data: cc('EU') }, // no region
  ], { ipVersion: 6, recordSize: 24 }));
  const echo = join(dir, 'geo-whois-asn-country.mmdb');
  writeFileSync(echo, writeMmdb([{ prefix: '0.0.0.0/0', data: cc('SC') }], { ipVersion: 6, recordSize: 24 }));
  sources = [
    { name: 'fixture', geo: await openGeo(mmdb), echo: false },
    { name: 'other', geo: await openGeo(other), echo: false },
    { name: 'echo', geo: await openGeo(echo), echo: true },
  ];
});

/** The rule stated once more, from the consensus of the prefix. */
function expected(prefix: string, usageRegion: string | null) {
  const c = geoConsensus(prefix, sources);
  const independent = c.opinions.filter((o) => !o.echo && o.region !== null);
  const dbs = independent.length >= 2 ? { agreeing: independent.filter((o) => o.region === usageRegion).length, independent: independent.length } : null;
  const confidence: GeoConfidence | null = dbs ? (dbs.agreeing === dbs.independent ? 'confirmed' : dbs.agreeing * 2 > dbs.independent ? 'majority' : 'disputed') : null;
  return { geoDatabases: dbs ?? undefined, geoConfidence: dbs ? confidence : undefined, geoAgreement: dbs ? c.agreement : undefined, geoAnswers: c.opinions.map((o) => ({ db: o.db, cc: o.mainCountry, echo: o.echo })) };
}

describe('classifier votes of several databases', () => {
  it('equal the consensus rule on every prefix, by the fast path or the full one', () => {
    const prefixes: string[] = [];
    for (const base of ['41.0', '41.1', '41.2', '41.3', '41.4', '23.0', '185.0', '185.1']) for (const len of [16, 17, 18, 24]) prefixes.push(`${base}.${len === 24 ? '128' : '0'}.0/${len}`);
    prefixes.push('41.0.0.0/8', '41.0.0.0/14', '185.0.0.0/15', '2c0f:f000::/32', '2c0f:f000::/40', '2c0f:f000:8000::/40');
    const classifier = createClassifier({ registry, geo: sources[0].geo, geoSources: sources });
    let fast = 0;
    for (const prefix of prefixes) {
      const f = classifier.classify({ prefix, originAsns: [37000], time: 0 });
      expect({ prefix, geoDatabases: f.geoDatabases, geoConfidence: f.geoConfidence, geoAgreement: f.geoAgreement, geoAnswers: f.geoAnswers }).toEqual({ prefix, ...expected(prefix, f.usageRegion) });
      if (sources.every((s) => wholeCountry(s.geo, prefix) !== undefined)) fast++;
    }
    // Both paths were taken.
    expect(fast).toBeGreaterThan(5);
    expect(prefixes.length - fast).toBeGreaterThan(3);
  });

  it('wholeCountry: one country, none, or split', async () => {
    const [fixture, other] = sources.map((s) => s.geo);
    expect(wholeCountry(fixture, '41.1.0.0/24')).toBe('HK');
    expect(wholeCountry(other, '41.1.0.0/16')).toBeUndefined();
    expect(wholeCountry(other, '41.4.0.0/16')).toBeNull();
    expect(wholeCountry(other, '185.0.0.0/16')).toBe('NL');
    expect(wholeCountry(fixture, '2c0f:f000::/48')).toBe('MU');
  });
});
