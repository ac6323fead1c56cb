/** The registry archive: import, dedup by content, and bad input refused with the archive intact. */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ArchiveError, archiveFile, importFolder, snapshotAt } from '../../../analyzer/registry/archive.js';
import { loadDiffSnapshot } from '../../../analyzer/registry/diff-load.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../../helpers/shared-data.js';
import { AFRINIC_STANDARD, LACNIC_EXTENDED } from './fixtures.js';

/** Every file under the archive with its content hash. */
function listing(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

const folder = (files: Record<string, string | Buffer>): string => {
  const dir = makeTmpDir('archive-src');
  for (const [n, c] of Object.entries(files)) writeFileSync(join(dir, n), c);
  return dir;
};

describe('registry archive on fixtures', () => {
  const archive = join(makeTmpDir('archive'), 'archive');

  it('imports files under their own date, content-addressed, and a second import is a no-op', () => {
    const dir = folder({ 'delegated-afrinic-latest': AFRINIC_STANDARD, 'delegated-lacnic-extended-latest.gz': gzipSync(LACNIC_EXTENDED) });
    const done = importFolder(archive, dir, { date: '2019-09-09' });
    expect(done.map((f) => [f.date, f.name, f.status])).toEqual([
      ['2014-06-30', 'delegated-afrinic-latest.gz', 'added'],
      ['2019-09-06', 'delegated-lacnic-extended-latest.gz', 'added'],
    ]);
    expect(Object.keys(listing(archive)).filter((p) => p.startsWith('objects/'))).toHaveLength(2);
    expect(importFolder(archive, dir, { date: '2019-09-09' }).map((f) => f.status)).toEqual(['present', 'present']);
    // The same content, plain this time instead of gzip: still one object.
    archiveFile(archive, join(folder({ 'delegated-lacnic-extended-latest': LACNIC_EXTENDED }), 'delegated-lacnic-extended-latest'));
    expect(Object.keys(listing(archive)).filter((p) => p.startsWith('objects/'))).toHaveLength(2);
    expect(snapshotAt(archive, '2019-12-31').rir.map((f) => [f.rir, f.date])).toEqual([
      ['afrinic', '2014-06-30'],
      ['lacnic', '2019-09-06'],
    ]);
    expect(snapshotAt(archive, '2015-01-01').rir.map((f) => f.rir)).toEqual(['afrinic']);
  });

  it('a truncated gzip file, a file cut mid-line and an HTML page are refused; the archive is unchanged', () => {
    const before = listing(archive);
    const gz = gzipSync(LACNIC_EXTENDED.replace('20190906', '20191001'));
    const cases: Array<[Record<string, string | Buffer>, RegExp]> = [
      [{ 'delegated-lacnic-extended-latest.gz': gz.subarray(0, gz.length - 12) }, /truncated or corrupt \(gzip/],
      [{ 'delegated-lacnic-extended-latest': LACNIC_EXTENDED.replace('20190906', '20191001').split('\n').slice(0, 5).join('\n') + '\nlacnic|AR|ipv4|2.1' }, /is truncated: it ends in the middle of a line/],
      [{ 'delegated-lacnic-extended-latest': LACNIC_EXTENDED.replace('20190906', '20191001').split('\n').slice(0, 5).join('\n') + '\n' }, /is truncated: its version line promises 5 records, it holds 1/],
      [{ 'delegated-lacnic-extended-latest': '<!DOCTYPE html>\n<html><body>Service unavailable</body></html>\n' }, /is an HTML page, not an RIR statistics file/],
    ];
    for (const [files, message] of cases) {
      expect(() => importFolder(archive, folder(files), { date: '2019-12-31' })).toThrow(message);
      expect(listing(archive)).toEqual(before);
    }
  });

  it('a file whose date goes backwards is refused (unless backfilling), and a different file for an archived day never overwrites it', () => {
    const before = listing(archive);
    const older = LACNIC_EXTENDED.replace('2.3|lacnic|20190908|5|19870101|20190906', '2.3|lacnic|20180101|5|19870101|20180101');
    const dir = folder({ 'delegated-lacnic-extended-latest': older });
    expect(() => importFolder(archive, dir, { date: '2018-01-01' })).toThrow(/dated 2018-01-01, before the 2019-09-06 lacnic file the archive already has .*--allow-older/);
    const changed = folder({ 'delegated-lacnic-extended-latest': LACNIC_EXTENDED.replace('|BR|', '|CL|') });
    expect(() => importFolder(archive, changed, { date: '2019-09-09' })).toThrow(/already has a different delegated-lacnic-extended-latest.gz for 2019-09-06 .* not overwritten/);
    expect(listing(archive)).toEqual(before);
    // Backfilling history is allowed when asked for.
    expect(importFolder(archive, dir, { date: '2018-01-01', allowOlder: true }).map((f) => f.date)).toEqual(['2018-01-01']);
    // registry update keeps a same-day re-publication as the next revision, and snapshots read it.
    const path = join(changed, 'delegated-lacnic-extended-latest');
    expect(archiveFile(archive, path, { revisions: true }).name).toBe('delegated-lacnic-extended-latest.gz');
    expect(snapshotAt(archive, '2019-09-30').rir.find((f) => f.rir === 'lacnic')!.path).toMatch(/2019-09-06\/delegated-lacnic-extended-latest\.r2\.gz$/);
    for (const [p, sha] of Object.entries(before)) expect(listing(archive)[p]).toBe(sha);
  });

  it('a file dated after --date is refused', () => {
    expect(() => importFolder(archive, folder({ 'delegated-afrinic-latest': AFRINIC_STANDARD }), { date: '2014-01-01' })).toThrow(ArchiveError);
    // Days are checked against the calendar (common/time.ts), not rolled over by Date.parse.
    expect(() => importFolder(archive, folder({ 'delegated-afrinic-latest': AFRINIC_STANDARD }), { date: '2014-02-30' })).toThrow(/--date must be YYYY-MM-DD/);
    expect(() => snapshotAt(archive, '2014-02-30')).toThrow(/not a date/);
  });
});

describe.skipIf(!hasSharedData)(`registry archive on real folders (${sharedDataSkipReason})`, () => {
  it('imports 2013-08-13 then 2014-07-01 and reads each date back as a snapshot', async () => {
    const archive = join(makeTmpDir('archive-real'), 'archive');
    mkdirSync(archive);
    const first = importFolder(archive, sharedData('rir', '2013-08-13'), { date: '2013-08-13' });
    expect(first.map((f) => `${f.rir} ${f.date}`)).toEqual(['apnic 2013-08-12', 'arin 2013-08-12', 'lacnic 2013-08-12', 'ripencc 2013-08-12']);
    importFolder(archive, sharedData('rir', '2014-07-01'), { date: '2014-07-01' });
    // Importing a folder already archived changes nothing.
    expect(importFolder(archive, sharedData('rir', '2013-08-13'), { date: '2013-08-13' }).map((f) => f.status)).toEqual(['present', 'present', 'present', 'present']);
    importFolder(archive, sharedData('rir', '2026-02-13'), { date: '2026-02-13' });
    const before = listing(archive);
    // The 2024 extended files are older than the 2026 files archived for AFRINIC and LACNIC.
    expect(() => importFolder(archive, sharedData('rir', '2024-01-05'), { date: '2024-01-05' })).toThrow(/afrinic.*goes backwards[\s\S]*lacnic.*goes backwards/);
    expect(listing(archive)).toEqual(before);
    const snap = await loadDiffSnapshot(archive, '2014-07-01');
    // ARIN's newest file on or before the day is still the 2013 one.
    expect(snap.files.map((f) => `${f.rir} ${f.date}`)).toEqual(['afrinic 2014-06-30', 'apnic 2014-06-30', 'arin 2013-08-12', 'lacnic 2014-06-27', 'ripencc 2014-06-30']);
  }, 120_000);
});
