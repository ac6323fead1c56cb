/**
 * `kill -9` of `portolan ingest` at ten seeded moments (two during start-up and migrations,
 * eight while the file is read, inserted and checkpointed), each followed by the same command
 * again, then a last run to completion: the store must hold exactly what one uninterrupted
 * ingest of the same file holds. Exactly, not only through FINAL: a rerun cuts its insert
 * batches at the same rows, so their dedup tokens match and ClickHouse drops what already
 * landed, and plain `count()`, the read models' sums and the MergeTree `mismatch_events` agree.
 * PORTOLAN_CRASH_SEED picks other moments (the seed is in the test name).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { rngFor } from '../../fuzz/prng.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { fingerprint, readPosition, runChild, type ChildRun, type KillPlan } from './crash.js';
import { writeCapture, type Capture } from './fixture.js';

const HAS_PROC = existsSync('/proc/self/fdinfo');
const SEED = Number(process.env.PORTOLAN_CRASH_SEED ?? 16016);
const KILLS = 10;
const dir = makeTmpDir('ingest-crash');
// Staging files of killed inserts stay inside the test folder.
const env = { TMPDIR: dir };

describe.skipIf(!HAS_PROC)(`kill -9 of portolan ingest at ${KILLS} seeded points (seed ${SEED})${HAS_PROC ? '' : ' (skipped: needs Linux /proc to see how far the file is read)'}`, { timeout: 420_000 }, () => {
  let capture: Capture;
  const ingest = (db: string, kill?: KillPlan): Promise<ChildRun> =>
    runChild(['ingest', '--json', '--rir-dir', capture.rirDir, '--geo', capture.mmdb, '--db', db, '--log-level', 'info', capture.mrt], { kill, env });

  beforeAll(() => {
    // About 55,000 elements: more than one 50,000-row batch per table, a few seconds of work.
    capture = writeCapture(dir, { seed: SEED, messages: 16_000 });
  });

  it('after every kill and rerun, the store equals an uninterrupted ingest: nothing lost, nothing counted twice', async () => {
    const rng = rngFor(SEED, 'ingest-kill', 0);
    const db = join(dir, 'db-crashed');
    const landed: string[] = [];
    const killed = async (i: number, kill: KillPlan): Promise<void> => {
      const run = await ingest(db, kill);
      expect(run.signal, `kill ${i} (${kill.label}) found the child already exited: ${run.stderr.slice(-1500)}`).toBe('SIGKILL');
      landed.push(`#${i} ${kill.label}: after "${run.killedAfter}"`);
    };
    /** Killed once the ingest has read `share` of the file (its read position, from /proc), or has closed it after reading. */
    const atShare = (share: number): KillPlan => {
      const bytes = Math.floor(share * capture.bytes);
      let opened = false;
      return {
        label: `at byte ${bytes} of ${capture.bytes} (${(share * 100).toFixed(1)}%)`,
        delayMs: 0,
        // After "ingesting": before it, the ledger reads the file's ends to identify it.
        when: ({ pid, stderr }) => {
          if (!stderr.includes('"msg":"ingesting"')) return false;
          const pos = readPosition(pid, capture.mrt);
          opened ||= pos !== null;
          return pos === null ? opened : pos >= bytes;
        },
      };
    };

    // The uninterrupted reference runs beside the first two kills, which land during start-up
    // (registry load, store migrations: the first creates the store).
    const reference = join(dir, 'db-reference');
    const clean = ingest(reference);
    for (let i = 0; i < 2; i++) {
      const delayMs = rng.int(800);
      await killed(i, { label: `${delayMs} ms after the registry loaded`, delayMs, when: ({ stderr }) => stderr.includes('"msg":"registry and geolocation loaded"') });
    }
    const cleanRun = await clean;
    expect(cleanRun.code, cleanRun.stderr).toBe(0);

    // The rest while the file is read, classified and inserted: at a seeded share of the file.
    for (let i = 2; i < KILLS; i++) await killed(i, atShare(rng.next()));
    console.log(`ingest kill points (seed ${SEED}):\n  ${landed.join('\n  ')}`);

    const last = await ingest(db);
    expect(last.code, last.stderr).toBe(0);
    const summary = JSON.parse(last.stdout.trim().split('\n').pop()!) as { files: Array<{ status: string }>; elements: number };
    expect(summary.files[0].status).toBe('ingested');
    expect(summary.elements).toBe(capture.elements);

    const [expected, got] = await Promise.all([fingerprint(reference), fingerprint(db)]);
    // Every element stored once and counted once by a plain count(), in the reference too.
    expect(Number(expected.route_rows)).toBe(capture.elements);
    expect(Number(expected.finding_rows)).toBeGreaterThan(0);
    expect(expected.ledger).toEqual(['completed']);
    expect(got).toEqual(expected);
  });
});
