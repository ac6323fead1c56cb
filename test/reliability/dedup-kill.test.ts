/**
 * `kill -9` of `portolan ingest` at the one moment the seeded kills of ingest-crash.test.ts hit
 * only by chance (CI, 2026-12-05: route_events held 5,549 of 55,549 events, every read model all
 * of them): after ClickHouse logged a block's deduplication id and before it renamed the block's
 * part into place. strace delivers the SIGKILL at that rename, so the kill lands there every run.
 * The rerun must store the batch: the store then equals an uninterrupted ingest's.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loggedBlocks } from '../../analyzer/store/dedup-repair.js';
import { runCli } from '../helpers/cli.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { fingerprint, runChild, type ChildRun, type Fingerprint } from './crash.js';
import { writeCapture, type Capture } from './fixture.js';

const strace = spawnSync('strace', ['-f', '-o', '/dev/null', 'true']);
const straceMissing = strace.error ? 'strace is not installed (Debian package strace)' : strace.status !== 0 ? `strace cannot trace here: ${String(strace.stderr).trim()}` : '';

describe.skipIf(Boolean(straceMissing))(`kill -9 between a block's deduplication id and its part${straceMissing ? ` (skipped: ${straceMissing})` : ''}`, { timeout: 300_000 }, () => {
  const dir = makeTmpDir('dedup-kill');
  let capture: Capture;
  let expected: Fingerprint;
  /** The parts the reference stored in each table (their partition names the temporary folders). */
  const referenceParts = new Map<string, string[]>();
  const empty = join(dir, 'empty.mrt');

  const ingest = (db: string, file: string, under?: string[]): Promise<ChildRun> =>
    runChild(['ingest', '--rir-dir', capture.rirDir, '--geo', capture.mmdb, '--db', db, '--log-level', 'info', file], { under, env: { TMPDIR: dir } });
  const dataPath = async (db: string, table: string): Promise<string> => {
    const r = await runCli(['query', `SELECT data_paths[1] AS path FROM system.tables WHERE database = currentDatabase() AND name = '${table}'`, '--format', 'json', '--db', db, '--log-level', 'warn']);
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { path: string }).path;
  };
  const loggedParts = (tablePath: string): string[] => loggedBlocks(tablePath).map((b) => b.part);
  /** A new store, created (migrated) by an ingest of an empty file: its tables' folders are known before the run strace watches. */
  const newStore = async (name: string): Promise<string> => {
    const db = join(dir, name);
    const created = await ingest(db, empty);
    expect(created.code, created.stderr).toBe(0);
    return db;
  };

  beforeAll(async () => {
    capture = writeCapture(dir, { seed: 16016, messages: 16_000 });
    writeFileSync(empty, '');
    const reference = await newStore('db-reference');
    const clean = await ingest(reference, capture.mrt);
    expect(clean.code, clean.stderr).toBe(0);
    expected = await fingerprint(reference);
    expect(Number(expected.route_rows)).toBe(capture.elements);
    for (const table of ['route_events', 'prefix_activity']) referenceParts.set(table, loggedParts(await dataPath(reference, table)));
  });

  it.each(['route_events', 'prefix_activity'])('killed at the rename of a %s part: the rerun stores the batch once, as an uninterrupted ingest', async (table) => {
    const parts = referenceParts.get(table)!;
    expect(parts.length, `${table} logged ${parts.join(', ')}`).toBeGreaterThan(1);
    const db = await newStore(`db-${table}`);
    const tablePath = await dataPath(db, table);

    // strace matches a rename by its source path, the part's temporary folder, numbered by the
    // engine: the names the table's first eight parts could take are given, and the first dies.
    const partition = parts[0].split('_')[0];
    const temporary = Array.from({ length: 8 }, (_, i) => ['-P', join(tablePath, `tmp_insert_${partition}_${i + 1}_${i + 1}_0`) + '/']).flat();
    const killed = await ingest(db, capture.mrt, ['strace', '-f', '-o', '/dev/null', ...temporary, '-e', 'trace=rename', '-e', 'inject=rename:signal=KILL']);
    expect(killed.signal, `the ingest was not killed at a rename of a ${table} part: ${killed.stderr.slice(-2000)}`).toBe('SIGKILL');
    // The state the kill leaves: an id logged whose part is not there.
    const missing = loggedParts(tablePath).filter((p) => !existsSync(join(tablePath, p)));
    expect(missing).toHaveLength(1);

    const rerun = await ingest(db, capture.mrt);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(await fingerprint(db)).toEqual(expected);
    expect(rerun.stderr).toContain(`"table":"${table}","blocks":[{"part":"${missing[0]}"`);
  });

  // strace counts a thread's renames, so "the n-th rename" lands in whichever of chDB's insert
  // threads makes its n-th first: table by table the sweep moves through the read models. A run
  // of 14 positions (PORTOLAN_DEDUP_SWEEP=14): 10 lost rows without the repair, none with it.
  const SWEEP = Number(process.env.PORTOLAN_DEDUP_SWEEP ?? 4);
  it(`killed at the n-th rename of an insert thread, n = 1…${SWEEP}: every rerun equals an uninterrupted ingest`, async () => {
    const repairedTables: string[] = [];
    for (let n = 1; n <= SWEEP; n++) {
      const db = await newStore(`db-sweep-${n}`);
      const killed = await ingest(db, capture.mrt, ['strace', '-f', '-o', '/dev/null', '-e', 'trace=rename', '-e', `inject=rename:signal=KILL:when=${n}`]);
      if (killed.signal !== 'SIGKILL') break; // past the last rename of every thread
      const rerun = await ingest(db, capture.mrt);
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(await fingerprint(db), `killed at rename ${n}`).toEqual(expected);
      repairedTables.push(...[...rerun.stderr.matchAll(/"table":"(\w+)","blocks"/g)].map((m) => m[1]));
    }
    console.log(`tables repaired across the sweep: ${repairedTables.join(', ')}`);
    expect(repairedTables.length).toBeGreaterThan(0);
  });
});
