import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Reader, type Response } from 'mmdb-lib';
import { openGeo, GeoDatabase } from '../../../analyzer/geo/index.js';
import { countryOfRecord } from '../../../analyzer/geo/mmdb-reader.js';
import { writeMmdb, type MmdbNetwork } from '../../helpers/mmdb-writer.js';
import { makeTmpDir } from '../../helpers/tmp.js';

const tmp = makeTmpDir('geo');

const V4: MmdbNetwork[] = [
  { prefix: '10.0.0.0/9', data: { country_code: 'HK' } },
  { prefix: '10.128.0.0/10', data: { country_code: 'SC' } },
  // 10.192.0.0/11 deliberately absent: unlocated.
  { prefix: '10.224.0.0/11', data: { country: { iso_code: 'DE' } } },
  // More specific network inserted after its parent: the writer splits the parent.
  { prefix: '10.240.0.0/12', data: { country: { iso_code: 'FR' }, registered_country: { iso_code: 'DE' } } },
  { prefix: '192.0.2.0/24', data: { registered_country: { iso_code: 'us' } } },
  { prefix: '198.51.100.0/24', data: { country_code: 'ZZ' } },
];
const V6: MmdbNetwork[] = [
  { prefix: '2001:db8::/33', data: { country_code: 'MU' } },
  { prefix: '2001:db8:8000::/34', data: { country: { iso_code: 'HK' } } },
];

async function build(name: string, networks: MmdbNetwork[], opts: Parameters<typeof writeMmdb>[1]): Promise<GeoDatabase> {
  const file = join(tmp, `${name}.mmdb`);
  writeFileSync(file, writeMmdb(networks, opts));
  return openGeo(file);
}

const shares = (db: GeoDatabase, prefix: string) => Object.fromEntries(db.distribution(prefix).countries.map((c) => [c.cc, c.share]));

describe.each([
  { ipVersion: 6 as const, recordSize: 24 as const },
  { ipVersion: 6 as const, recordSize: 28 as const },
  { ipVersion: 6 as const, recordSize: 32 as const },
  { ipVersion: 4 as const, recordSize: 24 as const },
  { ipVersion: 4 as const, recordSize: 28 as const },
])('test-built MMDB, IPv$ipVersion tree, record size $recordSize', ({ ipVersion, recordSize }) => {
  // 28/32-bit: pad the data section past 2^24 bytes so record values use the high bits.
  const padDataBytes = recordSize === 24 ? 0 : 17_000_000;
  const nets = ipVersion === 6 ? [...V4, ...V6] : V4;
  const dbPromise = build(`t${ipVersion}-${recordSize}`, nets, { ipVersion, recordSize, padDataBytes });

  it('answers single addresses in both record layouts', async () => {
    const db = await dbPromise;
    expect(db.country('10.1.2.3')).toBe('HK');
    expect(db.country('10.127.255.255')).toBe('HK');
    expect(db.country('10.128.0.0')).toBe('SC');
    expect(db.country('10.200.0.1')).toBeNull();
    expect(db.country('10.230.0.1')).toBe('DE');
    expect(db.country('10.241.0.1')).toBe('FR');
    expect(db.country('192.0.2.7')).toBe('US'); // registered_country fallback, upper-cased
    expect(db.country('198.51.100.1')).toBeNull(); // ZZ means unknown
    expect(db.country('11.0.0.1')).toBeNull();
    if (ipVersion === 6) {
      expect(db.country('2001:db8::1')).toBe('MU');
      expect(db.country('2001:db8:8000::1')).toBe('HK');
      expect(db.country('2001:db8:c000::1')).toBeNull();
    } else {
      expect(db.country('2001:db8::1')).toBeNull();
    }
  });

  it('writes a file mmdb-lib reads the same way (independent check of the record layout)', async () => {
    await dbPromise;
    const lib = new Reader<Response>(readFileSync(join(tmp, `t${ipVersion}-${recordSize}.mmdb`)));
    expect(lib.metadata.recordSize).toBe(recordSize);
    expect(lib.get('10.241.0.1')).toEqual({ country: { iso_code: 'FR' }, registered_country: { iso_code: 'DE' } });
    expect(lib.get('10.1.2.3')).toEqual({ country_code: 'HK' });
    expect(lib.get('10.200.0.1')).toBeNull();
  });

  it('gives a prefix the exact share of its addresses per country, with ZZ for the rest', async () => {
    const db = await dbPromise;
    expect(shares(db, '10.0.0.0/8')).toEqual({ HK: 0.5, SC: 0.25, ZZ: 0.125, DE: 0.0625, FR: 0.0625 });
    const d = db.distribution('10.0.0.0/8');
    expect(d.located).toBe(0.875);
    expect(d.countries.map((c) => c.cc)).toEqual(['HK', 'SC', 'ZZ', 'DE', 'FR']);
    expect(d.countries[0].addresses).toBe(2 ** 23);
    // A prefix inside one network: that network, clipped to the prefix.
    expect(db.distribution('10.1.0.0/16').countries).toEqual([{ cc: 'HK', addresses: 65536, share: 1 }]);
    expect(shares(db, '10.224.0.0/11')).toEqual({ DE: 0.5, FR: 0.5 });
    expect(shares(db, '10.192.0.0/10')).toEqual({ ZZ: 0.5, DE: 0.25, FR: 0.25 });
    if (ipVersion === 6) {
      expect(shares(db, '2001:db8::/32')).toEqual({ MU: 0.5, HK: 0.25, ZZ: 0.25 });
      expect(db.distribution('2001:db8::/32').countries[0].addresses).toBe(2 ** 95);
    } else {
      expect(shares(db, '2001:db8::/32')).toEqual({ ZZ: 1 });
    }
  });
});

describe('geo database behaviour', () => {
  it('caches distributions and canonicalises the prefix', async () => {
    const db = await build('cache', V4, { ipVersion: 6, recordSize: 24 });
    const a = db.distribution('10.0.0.0/8');
    expect(db.distribution('10.0.0.0/8')).toBe(a);
    expect(db.distribution('2001:DB8::/32').prefix).toBe('2001:db8::/32');
  });

  it('reports metadata', async () => {
    const db = await build('meta', V4, { ipVersion: 6, recordSize: 28, databaseType: 'GeoLite2-Country', buildEpoch: 1_600_000_000, description: 'hello' });
    expect(db.info()).toMatchObject({ databaseType: 'GeoLite2-Country', buildEpoch: 1_600_000_000, ipVersion: 6, description: 'hello' });
    expect(db.metadata.recordSize).toBe(28);
  });

  it('rejects invalid prefixes and addresses with a clear error', async () => {
    const db = await build('bad', V4, { ipVersion: 6, recordSize: 24 });
    expect(() => db.distribution('10.0.0.1/8')).toThrow(/invalid prefix/);
    expect(() => db.distribution('banana')).toThrow(/invalid prefix/);
    expect(() => db.country('10.0.0.256')).toThrow(/invalid IP/);
  });

  it('names the file when it is missing, a directory or not an MMDB', async () => {
    await expect(openGeo(join(tmp, 'nope.mmdb'))).rejects.toThrow(/nope\.mmdb does not exist/);
    const dir = join(tmp, 'dir.mmdb');
    mkdirSync(dir);
    await expect(openGeo(dir)).rejects.toThrow(/dir\.mmdb is a directory/);
    const junk = join(tmp, 'junk.mmdb');
    writeFileSync(junk, 'this is not a database\n'.repeat(100));
    await expect(openGeo(junk)).rejects.toThrow(/junk\.mmdb is not a MaxMind DB/);
  });

  it('reads the country from every known record layout', () => {
    expect(countryOfRecord({ country_code: 'hk' })).toBe('HK');
    expect(countryOfRecord({ country: { iso_code: 'FR' }, registered_country: { iso_code: 'DE' } })).toBe('FR');
    expect(countryOfRecord({ registered_country: { iso_code: 'DE' } })).toBe('DE');
    expect(countryOfRecord({ continent: { code: 'EU' } })).toBeNull();
    expect(countryOfRecord({ country_code: 'XX' })).toBeNull();
    expect(countryOfRecord(null)).toBeNull();
  });
});
