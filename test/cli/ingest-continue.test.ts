/**
 * `ingest --continue`: a backfill kept up to date in several runs (a cron job each hour, say)
 * stores what one ingest of all the files stores, without listing the earlier files again: each
 * run starts from the routing state the last one ended with (its head, cli/ingest/head.ts).
 * Self-contained files (a TABLE_DUMP_V2 RIB and three updates files in time order, written by the
 * test MRT encoder, over the classifier fixture's registry and geo database), each run a real CLI
 * process into its own real chDB store; the interrupted run is a real HTTP server on 127.0.0.1
 * that drops the connection half way.
 */
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HEAD_FILE, readHead, type IngestHead } from '../../cli/ingest/head.js';
import { runCli, saveStateAfterSmallFiles } from '../helpers/cli.js';
import { fileServer } from '../helpers/http.js';
import { storeDigest } from '../helpers/store-contents.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { writeCapture, writeRib, type Capture } from '../reliability/fixture.js';

const dir = makeTmpDir('ingest-continue');
saveStateAfterSmallFiles();
let capture: Capture;
let rib: string;
let a: string;
let b: string;
let c: string;

const data = (): string[] => ['--rir-dir', capture.rirDir, '--geo', capture.mmdb, '--log-level', 'warn'];

interface Summary {
  files: Array<{ file: string; status: string; elements: number }>;
}

async function ingest(db: string, args: string[]): Promise<Summary & { stderr: string }> {
  const r = await runCli(['ingest', '--json', '--db', db, ...data(), ...args]);
  expect(r.code, r.stderr.slice(-3000)).toBe(0);
  return { ...(JSON.parse(r.stdout.trim().split('\n').pop()!) as Summary), stderr: r.stderr };
}

const statuses = (s: Summary): string[] => s.files.map((f) => f.status);
const SKIPPED = 'skipped (already ingested)';
const head = (db: string): IngestHead => readHead(`${db}.ingest-state`) as IngestHead;

describe('ingest --continue', { timeout: 300_000 }, () => {
  let whole: Record<string, string>;

  beforeAll(async () => {
    rib = writeRib(dir, { seed: 31, name: 'bview.20231115.0000.gz' }).file;
    capture = writeCapture(dir, { seed: 32, messages: 1500, name: 'updates.20231115.0100.gz' });
    a = capture.mrt;
    const second = writeCapture(dir, { seed: 33, messages: 1500, startTime: capture.lastTime + 1, name: 'updates.20231115.0130.gz' });
    b = second.mrt;
    c = writeCapture(dir, { seed: 34, messages: 1500, startTime: second.lastTime + 1, name: 'updates.20231115.0200.gz' }).mrt;
    const db = join(dir, 'db-whole');
    await ingest(db, [rib, a, b, c]);
    whole = await storeDigest(db);
  });

  it('runs that each list only the new files store what one ingest of them all stores', async () => {
    const db = join(dir, 'db-runs');
    await ingest(db, [rib, a]);
    // The plain run saved its state after the RIB; its head replays `a` on top of it.
    expect(head(db)).toMatchObject({ fromState: true, jobs: 1, files: [{ file: rib }, { file: a }] });
    expect(statuses(await ingest(db, ['--continue', b]))).toEqual(['ingested']);
    // A run that continues saves its state after its last file: the next one replays nothing.
    expect(head(db).files.map((f) => f.file)).toEqual([b]);
    expect(statuses(await ingest(db, ['--continue', c]))).toEqual(['ingested']);
    expect(await storeDigest(db)).toEqual(whole);
    // States kept: the head's alone (one file per shard), not one per run.
    expect(readdirSync(`${db}.ingest-state`).sort()).toEqual([HEAD_FILE, head(db).files[0].chain].sort());
  });

  it('overlapping lists (a window of recent files, as cron gives): files already ingested are skipped, not replayed; the first run starts with no routes', async () => {
    const db = join(dir, 'db-window');
    expect(statuses(await ingest(db, ['--continue', rib, a]))).toEqual(['ingested', 'ingested']);
    expect(statuses(await ingest(db, ['--continue', a, b]))).toEqual([SKIPPED, 'ingested']);
    expect(statuses(await ingest(db, ['--continue', rib, a, b, c]))).toEqual([SKIPPED, SKIPPED, SKIPPED, 'ingested']);
    expect(await storeDigest(db)).toEqual(whole);
    // Nothing new: nothing read, the head stays.
    const before = head(db);
    expect(statuses(await ingest(db, ['--continue', b, c]))).toEqual([SKIPPED, SKIPPED]);
    expect(head(db)).toEqual(before);
  });

  it('with --jobs: the shards take back their own states, under the --jobs they were saved with whatever is asked', async () => {
    const db = join(dir, 'db-jobs');
    await ingest(db, ['--jobs', '2', rib, a]);
    expect(head(db).jobs).toBe(2);
    const second = await ingest(db, ['--continue', b]);
    expect(second.stderr).toContain('run with the --jobs the last ingest saved its routing state under (2)');
    await ingest(db, ['--continue', '--jobs', '2', c]);
    expect(await storeDigest(db)).toEqual(whole);
  });

  it('a run stopped half way (the connection to a URL dropped) is run again as it was, and the store is that of one ingest', async () => {
    const server = await fileServer(dir, { ranges: true });
    try {
      const db = join(dir, 'db-dropped');
      await ingest(db, [rib, a]);
      const list = [`${server.base}/${basename(b)}`, c];
      server.cutBodies(true);
      const cut = await runCli(['ingest', '--json', '--continue', '--db', db, ...data(), ...list]);
      expect(cut.code, cut.stderr).toBe(1);
      expect(head(db).files.map((f) => f.file)).toEqual([rib, a]);
      server.cutBodies(false);
      expect(statuses(await ingest(db, ['--continue', ...list]))).toEqual(['ingested', 'ingested']);
      expect(await storeDigest(db)).toEqual(whole);
    } finally {
      await server.close();
    }
  });

  it('refuses, saying why and what to do: with --force; files out of order; a store whose end is not recorded; a file to replay gone', async () => {
    const db = join(dir, 'db-refused');
    await ingest(db, [rib, a, b]);
    const refused = async (args: string[]): Promise<string> => {
      const r = await runCli(['ingest', '--continue', '--db', db, ...data(), ...args]);
      expect(r.code).toBe(2);
      return r.stderr;
    };
    expect(await refused(['--force', c])).toContain('--continue and --force cannot be combined');
    expect(await refused([c, b])).toContain(`${b} was ingested before, but ${c}, listed before it, was not`);

    // The head replays b on the RIB's state: b moved away, its routes would be missing.
    const moved = `${b}.away`;
    renameSync(b, moved);
    try {
      expect(await refused([c])).toMatch(new RegExp(`${basename(b)}, which the last ingest read after the routing state it saved, is gone`));
    } finally {
      renameSync(moved, b);
    }

    rmSync(join(`${db}.ingest-state`, HEAD_FILE));
    expect(await refused([c])).toContain('where their ingest ended is not recorded');
    // Nothing was read or stored by the refused runs: listing the files again mends it.
    expect(statuses(await ingest(db, [rib, a, b, c]))).toEqual([SKIPPED, SKIPPED, SKIPPED, 'ingested']);
    expect(await storeDigest(db)).toEqual(whole);
    expect(existsSync(join(`${db}.ingest-state`, HEAD_FILE))).toBe(true);
  });
});
