/**
 * A geo database's IPv4 runs as prepared for the accounting (runs-cache.ts): through a file and
 * back they are the runs the tree walk gives, on both bundled databases; the cache folder is keyed
 * by the database's content, survives a damaged file, and `index build` prints the same index
 * with the runs read back as with them walked.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeRuns, encodeRuns, runsCachePath, usePreparedRuns } from '../../../analyzer/accounting/runs-cache.js';
import { defaultGeoPath, openGeo } from '../../../analyzer/geo/index.js';
import type { CountryRuns } from '../../../analyzer/models/geo.js';
import { setLogLevel } from '../../../common/log.js';
import { writeMmdb } from '../../helpers/mmdb-writer.js';
import { makeTmpDir } from '../../helpers/tmp.js';

const dir = makeTmpDir('runs-cache');
/** Each run's country by code: the same whatever ids the codes have. */
const countriesOf = (r: CountryRuns) => Array.from(r.country, (id) => r.codes[id]);
const plain = (r: CountryRuns) => ({ starts: [...r.starts], countries: countriesOf(r) });

describe('geo runs prepared for the accounting', () => {
  it.each([
    ['dual-stack', defaultGeoPath()],
    ['IPv4-only', join(dirname(defaultGeoPath()), 'dbip-country-ipv4.mmdb')],
  ])('the bundled %s database: the runs, through a file and back, are the walked ones', async (_name, path) => {
    const walked = (await openGeo(path)).ipv4Runs();
    const back = decodeRuns(encodeRuns(walked));
    expect(back).not.toBeNull();
    expect(plain(back as CountryRuns)).toEqual(plain(walked));
  });

  it('a small database with unplaced gaps, and files that are not runs', async () => {
    const mmdb = join(dir, 'small.mmdb');
    writeFileSync(mmdb, writeMmdb([{ prefix: '::10.0.0.0/104', data: { country_code: 'NL' } }, { prefix: '::10.1.0.0/112', data: { country_code: 'HK' } }, { prefix: '::192.0.2.0/120', data: { country_code: 'NL' } }], { ipVersion: 6, recordSize: 24 }));
    const walked = (await openGeo(mmdb)).ipv4Runs();
    expect(countriesOf(walked)).toContain(null);
    expect(new Set(countriesOf(walked))).toEqual(new Set([null, 'NL', 'HK']));
    const bytes = encodeRuns(walked);
    expect(plain(decodeRuns(bytes) as CountryRuns)).toEqual(plain(walked));
    expect(decodeRuns(bytes.subarray(0, bytes.length - 1))).toBeNull();
    expect(decodeRuns(Buffer.from('not prepared runs at all, but long enough'))).toBeNull();
    expect(decodeRuns(Buffer.alloc(3))).toBeNull();
    // Damaged country lists: a run naming a country past the list, a country that is not a code.
    expect(decodeRuns(encodeRuns({ ...walked, codes: walked.codes.slice(0, 2) }))).toBeNull();
    expect(decodeRuns(encodeRuns({ ...walked, codes: [...walked.codes.slice(0, 2), 42 as never, ...walked.codes.slice(3)] }))).toBeNull();
  });

  it('the cache folder: written after a walk, read back next time, keyed by the database, a damaged file walked again', async () => {
    setLogLevel('silent');
    const cacheDir = join(dir, 'cache');
    const first = await openGeo();
    const miss = usePreparedRuns(first, cacheDir);
    expect(miss.cached).toBe(false);
    const walked = first.ipv4Runs();
    miss.save();
    expect(readdirSync(join(cacheDir, 'prepared')).filter((f) => f.startsWith('geo-runs-'))).toHaveLength(1);

    const second = await openGeo();
    expect(usePreparedRuns(second, cacheDir).cached).toBe(true);
    expect(plain(second.ipv4Runs())).toEqual(plain(walked));

    // Other databases have their own files: keyed by content, not by name.
    const small = (name: string, cc: string) => {
      const path = join(dir, name);
      writeFileSync(path, writeMmdb([{ prefix: '::10.0.0.0/104', data: { country_code: cc } }], { ipVersion: 6, recordSize: 24 }));
      return openGeo(path);
    };
    const nl = runsCachePath(await small('a.mmdb', 'NL'), cacheDir);
    expect(nl).not.toBe(runsCachePath(second, cacheDir));
    expect(runsCachePath(await small('b.mmdb', 'HK'), cacheDir)).not.toBe(nl);
    expect(runsCachePath(await small('c.mmdb', 'NL'), cacheDir)).toBe(nl);

    // A damaged file: not read, walked again, rewritten.
    const path = runsCachePath(second, cacheDir);
    writeFileSync(path, readFileSync(path).subarray(0, 1000));
    const third = await openGeo();
    const again = usePreparedRuns(third, cacheDir);
    expect(again.cached).toBe(false);
    expect(plain(third.ipv4Runs())).toEqual(plain(walked));
    again.save();
    expect(usePreparedRuns(await openGeo(), cacheDir).cached).toBe(true);
  });
});
