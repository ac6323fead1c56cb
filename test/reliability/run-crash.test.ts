/**
 * `kill -9` of `portolan run --replay ws://…` (the RIS Live protocol from a replay server on
 * 127.0.0.1) at ten seeded moments, each followed by a restart, then a last run that takes the
 * whole capture and stops on SIGINT: against one uninterrupted run, the deduplicated store
 * (FINAL, which the named queries, the dashboard and the README's analyst queries read) is
 * identical, event for event, and the uniq-based hourly aggregates too; nothing is lost.
 * Plain counts are not exact here: `run` cuts its insert batches by time (a live feed must
 * land within a second), so a restart that is sent the same messages again stores some rows
 * twice until background merges collapse them; the test measures those extra rows and checks
 * they never go below the uninterrupted run. PORTOLAN_CRASH_SEED picks other moments.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rngFor } from '../../fuzz/prng.js';
import { startReplayServer } from '../../collector/replay/server.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { fingerprint, runChild, type ChildRun, type KillPlan } from './crash.js';
import { writeCapture, type Capture } from './fixture.js';

const SEED = Number(process.env.PORTOLAN_CRASH_SEED ?? 16016);
const KILLS = 10;
const MESSAGES = 5_000;
const dir = makeTmpDir('run-crash');
const env = { TMPDIR: dir };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Counts that FINAL or uniq make exact whatever the batch boundaries. */
const EXACT = ['route_final', 'route_ids', 'route_checksum', 'finding_final', 'finding_checksum', 'matrix_announcements', 'origin_hourly_announcements', 'country_hourly_announcements', 'prefix_latest_rows', 'ledger'];
/** Plain counts and sums: a restart may add duplicates until merges, never lose rows. */
const AT_LEAST = ['route_rows', 'finding_rows', 'prefix_activity_events', 'origin_prefixes_events', 'prefix_routes_daily_events', 'mismatch_total_events', 'mismatch_events_rows'];

describe(`kill -9 of portolan run --replay ws://… at ${KILLS} seeded points (seed ${SEED})`, { timeout: 420_000 }, () => {
  let capture: Capture;
  // One replay server for the reference, one for the killed runs, so each counts its own messages.
  let replay: Awaited<ReturnType<typeof startReplayServer>>;
  let referenceReplay: Awaited<ReturnType<typeof startReplayServer>>;

  beforeAll(async () => {
    capture = writeCapture(dir, { seed: SEED, messages: MESSAGES });
    replay = await startReplayServer({ files: [capture.mrt], port: 0, speed: 0 });
    referenceReplay = await startReplayServer({ files: [capture.mrt], port: 0, speed: 0 });
  });
  afterAll(async () => {
    await replay?.close();
    await referenceReplay?.close();
  });

  const args = (db: string, url = replay.url) => ['run', '--replay', url, '--no-dashboard', '--port', '0', '--rir-dir', capture.rirDir, '--geo', capture.mmdb, '--db', db, '--log-level', 'info'];

  /** Events through the pipeline, from /metrics (0 while not up). */
  async function eventsSeen(stderr: string): Promise<number> {
    const url = /"url":"(http:\/\/[^"]+)","msg":"metrics on/.exec(stderr)?.[1];
    if (!url) return 0;
    const text = await (await fetch(`${url}/metrics`)).text();
    return [...text.matchAll(/^portolan_events_total\{elem_type="\w+"\} (\d+)/gm)].reduce((a, m) => a + Number(m[1]), 0);
  }

  /** A run that takes the whole capture (polled on /metrics, bounded), then stops on SIGINT. */
  async function completeRun(db: string, url?: string): Promise<ChildRun> {
    let stderr = '';
    let doneAt = 0;
    let stop: (() => void) | null = null;
    const child = runChild(args(db, url), {
      env,
      onStderr: (all) => (stderr = all),
      signalWhen: (send) => (stop = () => send('SIGINT')),
    });
    for (let i = 0; i < 3000 && !doneAt; i++) {
      await sleep(100);
      if ((await eventsSeen(stderr).catch(() => 0)) >= capture.elements) doneAt = Date.now();
    }
    expect(doneAt, `the run never took the whole capture: ${stderr.slice(-1500)}`).toBeGreaterThan(0);
    stop!();
    const run = await child;
    expect(run.code, run.stderr).toBe(0);
    return run;
  }

  it('after every kill and restart, the deduplicated store equals an uninterrupted run: nothing lost, nothing counted twice', async () => {
    const rng = rngFor(SEED, 'run-kill', 0);
    const db = join(dir, 'db-crashed');
    const landed: string[] = [];
    const killed = async (i: number, kill: KillPlan): Promise<void> => {
      const run = await runChild(args(db), { kill, env });
      expect(run.signal, `kill ${i}: the child exited by itself: ${run.stderr.slice(-1500)}`).toBe('SIGKILL');
      landed.push(`#${i} ${kill.label}: after "${run.killedAfter}"`);
    };
    /** Killed once the replay server has sent it `n` messages (of the capture's MESSAGES). */
    const afterMessages = (n: number): KillPlan => {
      const base = replay.stats().messagesSent;
      return { label: `after ${n} of ${MESSAGES} messages`, delayMs: 0, when: () => replay.stats().messagesSent - base >= n };
    };

    // The reference (its own replay server) beside the first two kills, which land during
    // start-up (store migrations, registry load) or soon after.
    const reference = join(dir, 'db-reference');
    const clean = completeRun(reference, referenceReplay.url);
    for (let i = 0; i < 2; i++) {
      const delayMs = rng.int(3000);
      await killed(i, { label: `${delayMs} ms after spawn`, delayMs });
    }
    await clean;

    // The rest at a seeded point of the stream.
    for (let i = 2; i < KILLS; i++) await killed(i, afterMessages(rng.int(MESSAGES)));
    console.log(`run kill points (seed ${SEED}):\n  ${landed.join('\n  ')}`);

    await completeRun(db);
    const [expected, got] = await Promise.all([fingerprint(reference), fingerprint(db)]);
    expect(Number(expected.route_rows)).toBe(capture.elements);
    for (const k of EXACT) expect(got[k], k).toEqual(expected[k]);
    for (const k of AT_LEAST) expect(Number(got[k]), k).toBeGreaterThanOrEqual(Number(expected[k]));
    console.log(`run: rows a plain count() shows beyond FINAL after ${KILLS} kills: route_events ${Number(got.route_rows) - Number(got.route_final)}, finding_events ${Number(got.finding_rows) - Number(got.finding_final)}`);
  });
});
