/**
 * Several geolocation databases: real MMDB files built here, one of them a registry echo. The
 * consensus, agreement and confidence where they agree, split and disagree; the why and the
 * severity that follow; an unreadable database is an error naming it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createClassifier, severityOf, severityScore, type Classifier } from '../../../analyzer/classify/index.js';
import { geoConsensus, type NamedGeo } from '../../../analyzer/geo/consensus.js';
import { geoName, isRegistryEcho, parseGeoSpecs } from '../../../analyzer/geo/echo.js';
import { openGeo } from '../../../analyzer/geo/index.js';
import { loadRegistry } from '../../../analyzer/registry/index.js';
import { writeMmdb, type MmdbNetwork } from '../../helpers/mmdb-writer.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { writeFixture } from '../classify/fixture.js';

const dir = makeTmpDir('geo-several');
const cc = (c: string) => ({ country_code: c });
const T = 1_700_000_000;

function mmdb(name: string, networks: MmdbNetwork[], databaseType = 'test-country'): string {
  const path = join(dir, name);
  writeFileSync(path, writeMmdb(networks, { ipVersion: 6, recordSize: 24, databaseType }));
  return path;
}

let sources: NamedGeo[];
let one: Classifier;
let three: Classifier;

beforeAll(async () => {
  const { files, mmdb: primary } = writeFixture(dir);
  // B agrees on 41.1 (HK), puts 41.2 in ZA where the fixture says SG, splits 41.4 like the fixture.
  const b = mmdb('other-country.mmdb', [
    { prefix: '41.1.0.0/16', data: cc('HK') },
    { prefix: '41.2.0.0/16', data: cc('ZA') },
    { prefix: '41.4.0.0/16', data: cc('HK') },
  ]);
  // D sides with the fixture on 41.2: two of three.
  const d = mmdb('third-country.mmdb', [
    { prefix: '41.1.0.0/16', data: cc('HK') },
    { prefix: '41.2.0.0/16', data: cc('SG') },
  ]);
  // A registry echo: says what the delegated files say (SC, AFRINIC) everywhere.
  const echo = mmdb('geo-whois-asn-country.mmdb', [{ prefix: '41.0.0.0/8', data: cc('SC') }], 'geo-whois-asn-country');
  const registry = await loadRegistry({ files });
  const open = async (path: string): Promise<NamedGeo> => {
    const geo = await openGeo(path);
    return { name: geoName(path), geo, echo: isRegistryEcho(path, geo.info().databaseType) };
  };
  sources = await Promise.all([primary, b, d, echo].map(open));
  one = createClassifier({ registry, geo: sources[0].geo, cacheSize: 100 });
  three = createClassifier({ registry, geo: sources[0].geo, geoSources: sources, cacheSize: 100 });
});

describe('several geolocation databases', () => {
  it('recognises registry echoes by name, database type or an echo: prefix', () => {
    expect(sources.map((s) => s.echo)).toEqual([false, false, false, true]);
    expect(isRegistryEcho('/x/iptoasn-country.mmdb', 'whatever')).toBe(true);
    expect(isRegistryEcho('/x/plain.mmdb', 'geo-whois-asn-country')).toBe(true);
    expect(isRegistryEcho('/x/dbip-country.mmdb', 'DBIP-Country-Lite')).toBe(false);
    expect(parseGeoSpecs('a.mmdb, echo:b.mmdb ,')).toEqual([{ path: 'a.mmdb', echo: false }, { path: 'b.mmdb', echo: true }]);
    expect(parseGeoSpecs(['a.mmdb', 'ECHO:c.mmdb'])).toEqual([{ path: 'a.mmdb', echo: false }, { path: 'c.mmdb', echo: true }]);
  });

  it('agree: confirmed, full agreement; the echo is shown but not counted', () => {
    const c = geoConsensus('41.1.0.0/16', sources);
    expect(c).toMatchObject({ region: 'apnic', agreement: 1, independent: 3, agreeing: 3, confidence: 'confirmed' });
    expect(c.opinions.map((o) => [o.db, o.echo, o.mainCountry, o.region])).toEqual([
      [sources[0].name, false, 'HK', 'apnic'],
      ['other-country', false, 'HK', 'apnic'],
      ['third-country', false, 'HK', 'apnic'],
      ['geo-whois-asn-country', true, 'SC', 'afrinic'],
    ]);
  });

  it('split two to one: majority; two databases that disagree: disputed', () => {
    expect(geoConsensus('41.2.0.0/16', sources)).toMatchObject({ region: 'apnic', independent: 3, agreeing: 2, confidence: 'majority', agreement: 0 });
    expect(geoConsensus('41.2.0.0/16', sources.slice(0, 2))).toMatchObject({ independent: 2, agreeing: 1, confidence: 'disputed' });
  });

  it('address-weighted: a prefix split between regions gets the share the databases agree on', () => {
    // Fixture: 41.4.0.0/17 HK, 41.4.128.0/18 ZA, the rest unlocated (2/3 HK of the located); B: all HK; D: nothing.
    const c = geoConsensus('41.4.0.0/16', sources);
    expect(c.independent).toBe(2);
    expect(c.region).toBe('apnic');
    expect(c.agreement).toBeCloseTo(2 / 3, 6);
  });

  it('findings carry the confidence; the why counts the databases; severity weighs it', () => {
    const agree = three.classify({ prefix: '41.1.0.0/16', originAsns: [37000], time: T, visibility: 20 });
    expect(agree).toMatchObject({ geoConfidence: 'confirmed', geoAgreement: 1, geoDatabases: { agreeing: 3, independent: 3 } });
    expect(agree.why).toContain('100% of its geolocated addresses are in HK (APNIC region) according to 3 of 3 databases');
    const single = one.classify({ prefix: '41.1.0.0/16', originAsns: [37000], time: T, visibility: 20 });
    expect(single.why).not.toContain('databases');
    expect('geoConfidence' in single).toBe(false);
    expect(agree.severity).toBe(single.severity);

    // 41.2: AFRINIC space the fixture puts in SG; with B and D it is 2 of 3 (majority), severity no higher than alone.
    const split = three.classify({ prefix: '41.2.0.0/16', originAsns: [37000], time: T, visibility: 20 });
    expect(split.geoConfidence).toBe('majority');
    expect(split.why).toContain('in SG (APNIC region) according to 2 of 3 databases');
    const rank = ['none', 'info', 'low', 'medium', 'high'];
    expect(rank.indexOf(split.severity)).toBeLessThanOrEqual(rank.indexOf(one.classify({ prefix: '41.2.0.0/16', originAsns: [37000], time: T, visibility: 20 }).severity));
  });

  it('severity: the geo score scales down for majority and disputed, not for confirmed', () => {
    const input = { kinds: ['geo-out-of-region'] as const, geoSubkind: 'abroad-inconsistent' as const, prefixRir: 'afrinic' as const, shareAbroad: 1, regionShare: 0, delegated: '20200101', announced: true };
    const base = severityScore({ ...input, kinds: [...input.kinds] });
    expect(severityScore({ ...input, kinds: [...input.kinds], geoConfidence: 'confirmed' })).toBe(base);
    const majority = severityScore({ ...input, kinds: [...input.kinds], geoConfidence: 'majority' });
    const disputed = severityScore({ ...input, kinds: [...input.kinds], geoConfidence: 'disputed' });
    expect(majority).toBeLessThan(base);
    expect(disputed).toBeLessThan(majority);
    // A breach confirmed by every database is high; disputed by them it is not.
    expect(severityOf({ ...input, kinds: [...input.kinds], geoConfidence: 'confirmed' })).toBe('high');
    expect(severityOf({ ...input, kinds: [...input.kinds], geoConfidence: 'disputed' })).not.toBe('high');
  });

  it('openGeo on a list gives its primary (the first independent database), as single-database callers need', async () => {
    const echoPath = join(dir, 'geo-whois-asn-country.mmdb');
    const other = join(dir, 'other-country.mmdb');
    expect((await openGeo(`${echoPath},${other}`)).info().path).toBe(other);
    expect((await openGeo(`echo:${other},${echoPath}`)).info().path).toBe(other);
  });

  it('an unreadable database is an error naming it', async () => {
    const bad = join(dir, 'broken.mmdb');
    writeFileSync(bad, 'not an mmdb');
    await expect(openGeo(bad)).rejects.toThrow(/broken\.mmdb/);
    await expect(openGeo(join(dir, 'missing.mmdb'))).rejects.toThrow(/missing\.mmdb does not exist/);
  });
});
