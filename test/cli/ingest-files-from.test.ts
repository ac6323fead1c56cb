/**
 * `--files-from LIST` (ingest, index build, index backfill): the files a list names, after the
 * FILE arguments, are read as if they were given on the command line, from a file or stdin. And
 * what a backfill in several commands gives: each command's routing state is that of its own
 * files, so a later command continues an earlier one exactly when its list begins with the
 * earlier files (skipped as complete, their state taken back or replayed). Self-contained files
 * (a TABLE_DUMP_V2 RIB and two updates files written by the test MRT encoder, over the
 * classifier fixture's registry and geo database), each run a real CLI process into its own
 * real chDB store.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { INDEX_RIRS } from '../../analyzer/models/accounting.js';
import { systemBzip2 } from '../../common/bzip2.js';
import { inputFiles } from '../../cli/file-list.js';
import { UsageError } from '../../cli/errors.js';
import { runCli, saveStateAfterSmallFiles } from '../helpers/cli.js';
import { fileServer } from '../helpers/http.js';
import { queryStore, storeDigest } from '../helpers/store-contents.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { writeCapture, writeRib, type Capture } from '../reliability/fixture.js';

const dir = makeTmpDir('ingest-files-from');
saveStateAfterSmallFiles();
let capture: Capture;
let rib: string;
let a: string;
let b: string;

const data = (): string[] => ['--rir-dir', capture.rirDir, '--geo', capture.mmdb, '--log-level', 'warn'];

async function ingest(db: string, args: string[], input?: string): Promise<{ files: Array<{ file: string; status: string; elements: number }> }> {
  const r = await runCli(['ingest', '--json', '--db', db, ...data(), ...args], { input });
  expect(r.code, r.stderr.slice(-3000)).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { files: Array<{ file: string; status: string; elements: number }> };
}


const started = async (db: string): Promise<number> =>
  Number((await queryStore<{ n: string | number }>(db, "SELECT count() AS n FROM finding_events FINAL WHERE type = 'finding-started'"))[0].n);

describe('--files-from: the inputs a list names', { timeout: 300_000 }, () => {
  let whole: Record<string, string>;

  beforeAll(async () => {
    rib = writeRib(dir, { seed: 21, name: 'bview.20231115.0000.gz' }).file;
    capture = writeCapture(dir, { seed: 22, messages: 2000, name: 'updates.20231115.0100.gz' });
    a = capture.mrt;
    b = writeCapture(dir, { seed: 23, messages: 2000, startTime: capture.lastTime + 1, name: 'updates.20231115.0140.gz' }).mrt;
    const db = join(dir, 'db-args');
    await ingest(db, [rib, a, b]);
    whole = await storeDigest(db);
  });

  it('ingest reads a list file (blank lines, comments and spaces around paths ignored) as the same files given as arguments', async () => {
    const list = join(dir, 'list.txt');
    writeFileSync(list, `# one day of rrc00\n\n  ${a}  \n${b}\r\n`);
    const db = join(dir, 'db-list');
    const summary = await ingest(db, [rib, '--files-from', list]);
    expect(summary.files.map((f) => [f.file, f.status])).toEqual([rib, a, b].map((f) => [f, 'ingested']));
    expect(await storeDigest(db)).toEqual(whole);
  });

  it('ingest reads the list from stdin with -', async () => {
    const db = join(dir, 'db-stdin');
    const summary = await ingest(db, ['--files-from', '-'], `${rib}\n${a}\n${b}\n`);
    expect(summary.files.map((f) => f.file)).toEqual([rib, a, b]);
    expect(await storeDigest(db)).toEqual(whole);
  });

  it('a later command continues an earlier one exactly when its list begins with the earlier files; alone, it starts from an empty routing state', async () => {
    const continued = join(dir, 'db-continued');
    await ingest(continued, [rib, a]);
    const second = await ingest(continued, ['--files-from', '-'], `${rib}\n${a}\n${b}\n`);
    expect(second.files.map((f) => f.status)).toEqual(['skipped (already ingested)', 'skipped (already ingested)', 'ingested']);
    expect(await storeDigest(continued)).toEqual(whole);

    const separate = join(dir, 'db-separate');
    await ingest(separate, [rib, a]);
    await ingest(separate, [b]);
    // b's announcements of routes the RIB and a had made are new to an empty state: findings start again.
    expect(await started(separate)).toBeGreaterThan(await started(continued));
    expect((await storeDigest(separate)).finding_events).not.toEqual(whole.finding_events);
  });

  it('a long list: the text summary counts the files by status and lists those with bad inputs; --json lists each', async () => {
    const many = Array.from({ length: 24 }, (_, i) => writeCapture(dir, { seed: 100 + i, messages: 3, startTime: capture.lastTime + 10_000 + 10 * i, name: `small-${i}.mrt.gz` }).mrt);
    const bad = join(dir, 'cut-short.mrt');
    writeFileSync(bad, Buffer.from([0, 0, 0, 1, 0, 13]));
    const list = join(dir, 'many.txt');
    writeFileSync(list, [...many, bad].join('\n'));
    const db = join(dir, 'db-many');
    const r = await runCli(['ingest', '--files-from', list, '--db', db, ...data()]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('files: 25, 25 ingested; --json lists each');
    expect(lines[1]).toBe(`${bad}: ingested, 0 records, 0 elements, 1 bad inputs skipped`);
    expect(lines[2]).toMatch(/^elements: /);
    const rerun = await ingest(db, ['--files-from', list]);
    expect(rerun.files.map((f) => f.status)).toEqual(Array(25).fill('skipped (already ingested)'));
  });

  it('URLs a server answers byte ranges for are identified as their local copies: a rerun skips them, and so does an ingest of the copies', async () => {
    const ranged = await fileServer(dir, { ranges: true });
    const plain = await fileServer(dir, { ranges: false });
    try {
      const urls = [rib, a, b].map((f) => `${ranged.base}/${basename(f)}`);
      const db = join(dir, 'db-urls');
      const first = await ingest(db, ['--files-from', '-'], urls.join('\n'));
      expect(first.files.map((f) => [f.file, f.status])).toEqual(urls.map((u) => [u, 'ingested']));
      expect(await storeDigest(db)).toEqual(whole);
      // Each URL is asked for its identity's byte ranges (the first MiB, and the last when there is
      // more), then once for its content: its format is told from the same response it is read from.
      const identityRequests = [rib, a, b].map((f): number => (statSync(f).size > 1 << 20 ? 2 : 1)).reduce((x, y) => x + y);
      expect(ranged.requests()).toBe(identityRequests + 3);
      expect((await ingest(db, urls)).files.map((f) => f.status)).toEqual(Array(3).fill('skipped (already ingested)'));
      expect(ranged.requests()).toBe(2 * identityRequests + 3);
      expect((await ingest(db, [b])).files.map((f) => f.status)).toEqual(['skipped (already ingested)']);
      const ledger = await queryStore<{ path: string; status: string }>(db, 'SELECT path, status FROM ingest_ledger FINAL ORDER BY path');
      expect(ledger).toEqual([...urls].sort().map((path) => ({ path, status: 'completed' })));

      // A server that answers no ranges: read every time, and said so.
      const untracked = join(dir, 'db-untracked');
      const url = `${plain.base}/${basename(a)}`;
      for (let i = 0; i < 2; i++) {
        const r = await runCli(['ingest', '--json', '--db', untracked, ...data(), url]);
        expect(r.code, r.stderr).toBe(0);
        expect(JSON.parse(r.stdout.trim()).files[0].status).toBe('ingested');
        expect(r.stderr).toContain('the URL cannot be identified');
      }
      // Asked for a range (answered whole, not read), then read: two requests a run.
      expect(plain.requests()).toBe(4);
    } finally {
      await ranged.close();
      await plain.close();
    }
  });

  it.skipIf(!systemBzip2().serial)('a bzip2 URL (RouteViews publishes bzip2 only): ingest stores what its gzip copy does, parse prints what its local copy does (cut short too), a dropped download is resumed', async () => {
    const bz2 = join(dir, basename(a).replace(/\.gz$/, '.bz2'));
    // 100 KB blocks (-1): the copy cut short keeps its first blocks.
    const plain = gunzipSync(readFileSync(a));
    expect(plain.length).toBeGreaterThan(100_000);
    const compressed = execFileSync(systemBzip2().serial!, ['-1', '-c'], { input: plain });
    writeFileSync(bz2, compressed);
    const cut = join(dir, 'cut-short.bz2');
    writeFileSync(cut, compressed.subarray(0, compressed.length - 100));
    const server = await fileServer(dir, { ranges: true });
    try {
      const db = join(dir, 'db-bz2-url');
      const r = await ingest(db, [rib, `${server.base}/${basename(bz2)}`, b]);
      expect(r.files.map((f) => f.status)).toEqual(Array(3).fill('ingested'));
      expect(await storeDigest(db)).toEqual(whole);
      for (const file of [bz2, cut]) {
        const [remote, local] = await Promise.all([`${server.base}/${basename(file)}`, file].map((f) => runCli(['parse', '--format', 'bgpdump', f])));
        expect(remote.code, remote.stderr).toBe(local.code);
        expect(remote.stdout.length, `${file}: ${remote.stderr}`).toBeGreaterThan(0);
        expect(remote.stdout).toBe(local.stdout);
      }
      // Its download dropped half way: the ingest stops there, and a rerun resumes.
      const dropped = join(dir, 'db-bz2-dropped');
      const list = [rib, `${server.base}/${basename(bz2)}`, b];
      server.cutBodies(true);
      const cutRun = await runCli(['ingest', '--json', '--db', dropped, ...data(), ...list]);
      expect(cutRun.code, cutRun.stderr).toBe(1);
      expect(cutRun.stderr).toContain(`portolan ingest: ${list[1]} was not read to its end`);
      server.cutBodies(false);
      expect((await ingest(dropped, list)).files.map((f) => f.status)).toEqual(['skipped (already ingested)', 'ingested', 'ingested']);
      expect(await storeDigest(dropped)).toEqual(whole);
    } finally {
      await server.close();
    }
  });

  it('a URL whose connection drops half way stops the ingest there, exit 1, nothing after it read; run again, it resumes and the store is that of one uninterrupted ingest', async () => {
    const server = await fileServer(dir, { ranges: true });
    try {
      const list = [rib, `${server.base}/${basename(a)}`, b];
      const db = join(dir, 'db-dropped');
      server.cutBodies(true);
      const cut = await runCli(['ingest', '--json', '--db', db, ...data(), ...list]);
      expect(cut.code, cut.stderr).toBe(1);
      const summary = JSON.parse(cut.stdout.trim().split('\n').pop()!) as { files: Array<{ file: string; status: string; reason?: string }> };
      expect(summary.files.map((f) => [f.file, f.status])).toEqual([
        [rib, 'ingested'],
        [list[1], 'failed'],
      ]);
      expect(summary.files[1].reason).toMatch(new RegExp(`^reading ${list[1]} failed \\(.+\\)`));
      expect(cut.stderr).toContain(`portolan ingest: ${list[1]} was not read to its end`);
      server.cutBodies(false);
      const rerun = await ingest(db, list);
      expect(rerun.files.map((f) => f.status)).toEqual(['skipped (already ingested)', 'ingested', 'ingested']);
      expect(await storeDigest(db)).toEqual(whole);
    } finally {
      await server.close();
    }
  });

  it('a folder given as an input is refused before any store is made', async () => {
    const db = join(dir, 'db-folder');
    const r = await runCli(['ingest', '--db', db, ...data(), dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`portolan ingest: ${dir}: a folder, not a file`);
    expect(existsSync(db)).toBe(false);
  });

  it('index build and index backfill read the list as their arguments', async () => {
    const list = join(dir, 'index-list.txt');
    writeFileSync(list, `${a}\n${b}\n`);
    const build = async (args: string[]) => {
      const r = await runCli(['index', 'build', '--json', '--no-store', '--no-prepared', ...data(), ...args]);
      expect(r.code, r.stderr).toBe(0);
      const { params, ...figures } = JSON.parse(r.stdout) as { params: Record<string, unknown> };
      return { figures, sources: params.source };
    };
    const fromList = await build([rib, '--files-from', list]);
    expect(fromList).toEqual(await build([rib, a, b]));
    expect(JSON.stringify(fromList.sources)).toContain('updates.20231115.0140.gz');

    const backfill = async (db: string, args: string[]) => {
      const r = await runCli(['index', 'backfill', '--db', join(dir, db), ...data(), ...args]);
      expect(r.code, r.stderr).toBe(0);
      const shown = await runCli(['index', 'show', '--format', 'json', '--db', join(dir, db), '--log-level', 'warn']);
      expect(shown.code, shown.stderr).toBe(0);
      return shown.stdout.trim().split('\n');
    };
    const series = await backfill('db-backfill-list', [rib, '--files-from', list]);
    expect(series).toHaveLength(2 * INDEX_RIRS.length); // one day: each family's registries
    expect(series).toEqual(await backfill('db-backfill-args', [rib, a, b]));
  });
});

describe('inputFiles', () => {
  /** Files named `names` in their own folder; the paths in order. */
  const files = (...names: string[]): string[] => {
    const at = makeTmpDir('input-files');
    return names.map((n) => {
      writeFileSync(join(at, n), n);
      return join(at, n);
    });
  };

  it('keeps the arguments first, then the list, in order', () => {
    const [fa, fb, fc, fd] = files('a', 'b', 'c', 'd');
    const list = join(dir, 'order.txt');
    writeFileSync(list, `${fc}\n#${fd}\n${fd}\n`);
    expect(inputFiles([fa, fb], { filesFrom: list })).toEqual([fa, fb, fc, fd]);
    expect(inputFiles([fa], {})).toEqual([fa]);
  });

  it('refuses no input at all, a list it cannot read, and an empty list with no argument, saying which', () => {
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '# nothing yet\n\n');
    const [fx] = files('x');
    expect(() => inputFiles([], {})).toThrow(new UsageError('no input files: give FILE… or --files-from LIST'));
    expect(() => inputFiles([], { filesFrom: join(dir, 'missing.txt') })).toThrow(/--files-from .*missing\.txt: cannot read the list \(ENOENT\)/);
    expect(() => inputFiles([], { filesFrom: empty })).toThrow(/the list names no file, and no FILE was given/);
    expect(inputFiles([fx], { filesFrom: empty })).toEqual([fx]);
  });

  it('refuses a missing file and a folder before anything is opened, and takes URLs as they are', () => {
    const [fx] = files('x');
    expect(() => inputFiles([fx, join(dir, 'absent.mrt')], {})).toThrow(new UsageError(`${join(dir, 'absent.mrt')}: no such file`));
    expect(() => inputFiles([dir], {})).toThrow(/a folder, not a file/);
    expect(inputFiles(['http://127.0.0.1:1/x.gz'], {})).toEqual(['http://127.0.0.1:1/x.gz']);
  });
});
