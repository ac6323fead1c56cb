/**
 * `portolan archives` as users run it, against local mirrors served over HTTP with index pages:
 * a self-contained RIS mirror of MRT files written by the test encoder, whose list (the last RIB
 * dump before --from, then the updates files) `ingest --files-from -` reads into the same store as
 * the same files read from disk, and whose RIB dumps, one a day, `index backfill` reads as it reads
 * them from disk; and the RIS files of shared data (bgpkit-parser's fixtures, laid
 * out as data.ris.ripe.net lays them out), listed over ten years of folders.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { fileServer } from '../helpers/http.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../helpers/shared-data.js';
import { storeDigest } from '../helpers/store-contents.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { writeCapture, writeRib, type Capture } from '../reliability/fixture.js';

const dir = makeTmpDir('archives-cli');

describe('portolan archives', { timeout: 300_000 }, () => {
  let server: Awaited<ReturnType<typeof fileServer>>;
  let capture: Capture;
  const local: string[] = [];
  beforeAll(async () => {
    // rrc00's November 2023: two RIB dumps, three updates files; its October folder does not exist.
    const folder = join(dir, 'mirror', 'rrc00', '2023.11');
    mkdirSync(folder, { recursive: true });
    const rib = writeRib(dir, { seed: 31, name: 'bview.20231115.0000.gz' }).file;
    capture = writeCapture(dir, { seed: 32, messages: 1500, name: 'updates.20231115.0100.gz' });
    const later = writeCapture(dir, { seed: 33, messages: 1500, startTime: capture.lastTime + 1, name: 'updates.20231115.0140.gz' }).mrt;
    local.push(rib, capture.mrt, later);
    for (const f of local) copyFileSync(f, join(folder, f.slice(dir.length + 1)));
    // An earlier dump (another table), a later one, and an updates file at --until: none of them listed with --rib-first.
    writeRib(folder, { seed: 34, name: 'bview.20231114.1600.gz' });
    copyFileSync(rib, join(folder, 'bview.20231115.1600.gz'));
    copyFileSync(later, join(folder, 'updates.20231115.0200.gz'));
    writeFileSync(join(folder, 'README.txt'), 'not an archive file');
    server = await fileServer(join(dir, 'mirror'), { ranges: true, index: 'apache' });
  });
  afterAll(async () => server?.close());

  const archives = (args: string[]) => runCli(['archives', '--ris-archive', server.base, ...args]);
  const range = ['--collector', 'rrc00', '--from', '2023-11-15T01:00Z', '--until', '2023-11-15T02:00Z'];

  it('lists the last RIB dump at or before --from and the updates files after it, which ingest reads as the same files from disk', async () => {
    const listed = await archives([...range, '--rib-first']);
    expect(listed.code, listed.stderr).toBe(0);
    const urls = ['bview.20231115.0000.gz', 'updates.20231115.0100.gz', 'updates.20231115.0140.gz'].map((name) => `${server.base}/rrc00/2023.11/${name}`);
    expect(listed.stdout).toBe(urls.map((u) => `${u}\n`).join(''));
    expect(listed.stderr).toBe('archives: 3 files (1 RIB dump, 2 updates files) of 1 collector, from 1 folder page; 1 other link skipped\n');

    const common = ['--json', '--rir-dir', capture.rirDir, '--geo', capture.mmdb, '--log-level', 'warn'];
    const fromList = await runCli(['ingest', '--files-from', '-', '--db', join(dir, 'db-list'), ...common], { input: listed.stdout });
    expect(fromList.code, fromList.stderr.slice(-2000)).toBe(0);
    expect((JSON.parse(fromList.stdout) as { files: Array<{ file: string; status: string }> }).files.map((f) => [f.file, f.status])).toEqual(urls.map((u) => [u, 'ingested']));
    // The URLs name their collector (…/rrc00/…); the copies on disk do not, so they are told.
    const fromDisk = await runCli(['ingest', ...local, '--collector', 'rrc00', '--db', join(dir, 'db-disk'), ...common]);
    expect(fromDisk.code, fromDisk.stderr.slice(-2000)).toBe(0);
    expect(await storeDigest(join(dir, 'db-list'))).toEqual(await storeDigest(join(dir, 'db-disk')));
  });

  it('prints JSON lines with --json; without --rib-first lists the range alone', async () => {
    const r = await archives([...range, '--type', 'all', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').map((line) => JSON.parse(line))).toEqual([
      { url: `${server.base}/rrc00/2023.11/updates.20231115.0100.gz`, project: 'ris', collector: 'rrc00', type: 'updates', time: '2023-11-15T01:00:00.000Z' },
      { url: `${server.base}/rrc00/2023.11/updates.20231115.0140.gz`, project: 'ris', collector: 'rrc00', type: 'updates', time: '2023-11-15T01:40:00.000Z' },
    ]);
    // From the start of the month, the October folder is read too (an updates file of 23:55 could overlap): absent.
    const early = await archives(['--collector', 'rrc00', '--from', '2023-11-01', '--until', '2023-11-15T00:30Z', '--type', 'all']);
    expect(early.stdout).toBe(`${server.base}/rrc00/2023.11/bview.20231114.1600.gz\n${server.base}/rrc00/2023.11/bview.20231115.0000.gz\n`);
    expect(early.stderr).toBe(`archives: 2 files (2 RIB dumps, 0 updates files) of 1 collector, from 1 folder page; 1 folder absent from the archive (${server.base}/rrc00/2023.10/); 1 other link skipped\n`);
    // RIB dumps alone: no folder before --from's month is read.
    const ribs = await archives(['--collector', 'rrc00', '--from', '2023-11-01', '--until', '2023-11-15T00:30Z', '--type', 'rib']);
    expect([ribs.stdout, ribs.stderr]).toEqual([early.stdout, 'archives: 2 files (2 RIB dumps, 0 updates files) of 1 collector, from 1 folder page; 1 other link skipped\n']);
  });

  it('lists one RIB dump a day with --type rib --every 1d, which index backfill reads as the same files from disk', async () => {
    const listed = await archives(['--collector', 'rrc00', '--from', '2023-11-14', '--until', '2023-11-16', '--type', 'rib', '--every', '1d']);
    expect(listed.code, listed.stderr).toBe(0);
    const names = ['bview.20231114.1600.gz', 'bview.20231115.0000.gz'];
    expect(listed.stdout).toBe(names.map((n) => `${server.base}/rrc00/2023.11/${n}\n`).join(''));
    const series = async (db: string, input: string) => {
      const store = ['--db', join(dir, db), '--log-level', 'warn'];
      const r = await runCli(['index', 'backfill', '--files-from', '-', '--rir-dir', capture.rirDir, '--geo', capture.mmdb, ...store], { input });
      expect(r.code, r.stderr.slice(-2000)).toBe(0);
      const shown = await runCli(['index', 'show', '--format', 'json', ...store]);
      expect(shown.code, shown.stderr).toBe(0);
      return shown.stdout;
    };
    const fromUrls = await series('db-index-urls', listed.stdout);
    // Two days, each family's registries, from the two tables.
    expect(new Set(fromUrls.trim().split('\n').map((line) => (JSON.parse(line) as { date: string }).date))).toEqual(new Set(['2023-11-14', '2023-11-15']));
    expect(fromUrls).toEqual(await series('db-index-disk', names.map((n) => join(dir, 'mirror', 'rrc00', '2023.11', n)).join('\n')));
  });

  it('says what to fix for a bad collector, time or combination, with exit code 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--collector', 'rrc00,isolario', '--from', '2023-11-15'], /^portolan archives: "isolario" is no RIS or RouteViews collector/],
      [['--collector', 'rrc00', '--from', '2023-11-15T01:00'], /^portolan archives: --from: "2023-11-15T01:00" has no time zone: add Z/],
      [['--collector', 'rrc00', '--from', '2023-11-15', '--until', '2023-11-14'], /^portolan archives: the range is empty/],
      [['--collector', 'rrc00', '--from', '2023-11-15', '--type', 'rib', '--rib-first'], /^portolan archives: --rib-first lists updates files after the RIB dump/],
      [['--collector', 'rrc00', '--from', '2023-11-01T00:00Z', '--until', '2023-11-01T01:00Z', '--rib-first'], /^portolan archives: no RIB dump of rrc00 at or before 2023-11-01T00:00:00\.000Z in 2023\.11 or 2023\.10/],
      [['--from', '2023-11-15'], /required option '--collector <NAMES>' not specified/],
      [['--collector', 'rrc00', '--from', '2023-11-15', '--every', '1d'], /^portolan archives: --every picks RIB dumps/],
      [['--collector', 'rrc00', '--from', '2023-11-15', '--type', 'rib', '--every', 'daily'], /^portolan archives: --every must be a duration, not "daily"/],
    ];
    for (const [args, message] of cases) {
      const r = await archives(args);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stdout).toBe('');
    }
  });
});

describe.skipIf(!hasSharedData)(`portolan archives on the RIS files of shared data (${sharedDataSkipReason})`, { timeout: 120_000 }, () => {
  it("lists bgpkit-parser's fixtures by their archive names over ten years of month folders", async () => {
    const server = await fileServer(sharedData('mrt', 'bgpkit-fixtures'), { ranges: true, index: 'nginx' });
    try {
      const r = await runCli(['archives', '--ris-archive', server.base, '--collector', 'rrc00,rrc01,rrc03,rrc15', '--from', '1999-09-01', '--until', '2010-03-01', '--type', 'all', '--json']);
      expect(r.code, r.stderr).toBe(0);
      const files = r.stdout.trim().split('\n').map((line) => JSON.parse(line) as { url: string; type: string; time: string });
      expect(files.map((f) => [f.url.slice(server.base.length + 1), f.type, f.time])).toEqual([
        ['rrc00/1999.09/updates.19990903.1041.gz', 'updates', '1999-09-03T10:41:00.000Z'],
        ['rrc00/2000.01/bview.20000111.0032.gz', 'rib', '2000-01-11T00:32:00.000Z'],
        ['rrc01/2000.11/updates.20001104.0124.gz', 'updates', '2000-11-04T01:24:00.000Z'],
        ['rrc15/2010.02/updates.20100227.1600.gz', 'updates', '2010-02-27T16:00:00.000Z'],
      ]);
      // 127 months (1999.08, for a file that could overlap the first second, to 2010.02) of four collectors; five folders exist.
      // rrc03's cut file keeps no archive name.
      expect(r.stderr).toBe(`archives: 4 files (1 RIB dump, 3 updates files) of 3 collectors, from 5 folder pages; ${4 * 127 - 5} folders absent from the archive (${server.base}/rrc00/1999.08/, ${server.base}/rrc00/1999.10/, ${server.base}/rrc00/1999.11/, …); 1 other link skipped\n`);
      expect(server.requests()).toBe(4 * 127);
    } finally {
      await server.close();
    }
  });
});
