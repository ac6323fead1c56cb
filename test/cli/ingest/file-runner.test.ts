/**
 * The ingest's file runner: the next file is read while the store takes the last rows of the one
 * before; a file is done (the ledger's hook) only once its rows have landed, in file order;
 * batches are cut where the state is saved (when due: not before a full batch's worth of elements
 * by default) and after the last file, and span the files
 * between, which are done at that cut; the saved state before a file's is kept until that file is
 * done; a checkpoint inside a prefix's RIB entries leaves its routes in one snapshot row; a rerun
 * takes back the latest state saved, replays only the files after it and cuts the same batches.
 * Real registry, geo and classifier (the reliability fixture) and real MRT files (the test
 * encoder); the store side is an in-memory batch outlet whose landing the test releases: the
 * store's own inserts are tested in test/analyzer/store, here only the order is.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Batch, BatchOutlet } from '../../../analyzer/store/index.js';
import { partialSnapshotPrefix } from '../../../analyzer/state/index.js';
import { BATCH_ROWS, createRowWriter } from '../../../analyzer/store/row-writer.js';
import { FileRunner, SHARED_CUT_BYTES } from '../../../cli/ingest/file-runner.js';
import { stateFileName, WHOLE } from '../../../cli/ingest/shard.js';
import { loadAnalysis } from '../../../cli/setup.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { writeCapture, writeRib } from '../../reliability/fixture.js';

/** Takes every batch at once; says they landed only once released. */
class GatedOutlet implements BatchOutlet {
  readonly batches: Batch[] = [];
  readonly held = 0;
  readonly rows = 0;
  private released = false;
  private readonly waiting: Array<() => void> = [];

  push(b: Batch): void {
    this.batches.push(b);
  }
  async room(): Promise<void> {}
  landed(): Promise<void> {
    return this.released ? Promise.resolve() : new Promise((resolve) => this.waiting.push(resolve));
  }
  async drained(): Promise<void> {}
  release(): void {
    this.released = true;
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}

const routeEventRows = (batches: Batch[]) => batches.filter((b) => b.payload.table === 'route_events').reduce((n, b) => n + b.payload.rows, 0);

describe('ingest file runner', { timeout: 60_000 }, () => {
  it('reads the next file while the rows of the one before land; files are done in order, once landed; a file after which the state is saved ends its batches', async () => {
    const dir = makeTmpDir('file-runner');
    const a = writeCapture(dir, { seed: 3, messages: 300, name: 'a.mrt.gz' });
    const b = writeCapture(dir, { seed: 4, messages: 300, startTime: a.lastTime + 1, name: 'b.mrt.gz' });
    const analysis = await loadAnalysis({ rirDir: a.rirDir, geo: a.mmdb, cacheDir: join(dir, 'cache') });
    const outlet = new GatedOutlet();
    const writer = createRowWriter(outlet, { batchSize: 1_000_000, flushIntervalMs: 0, maxQueuedBatches: 4, ribSnapshots: true }, { accepted: 0, rejectedRows: 0 });
    const stateDir = join(dir, 'state');
    mkdirSync(stateDir);
    const stale = join(stateDir, stateFileName('an-earlier-run', WHOLE));
    writeFileSync(stale, 'a state an earlier run left');
    const cut = `${partialSnapshotPrefix(stale)}1-ab`;
    writeFileSync(cut, 'a state write a crash cut short');

    const events: string[] = [];
    let batchesOfFirst = -1;
    const runner = new FileRunner(analysis.classifier, writer, { stateDir, shard: WHOLE, saveAtLeast: 0 });
    const running = runner.run(
      [
        { file: a.mrt, process: true, chain: 'after-a' },
        { file: b.mrt, process: true, chain: 'after-b' },
      ],
      {
        fileStarted: (i) => {
          events.push(`started ${i}`);
          if (i === 1) batchesOfFirst = outlet.batches.length;
        },
        filesDone: (done) => void events.push(...done.map(({ index, result }) => `done ${index}: ${result.elements} elements`)),
      },
    );
    // Both files read with nothing landed yet: neither is done.
    for (let i = 0; i < 600 && routeEventRows(outlet.batches) < a.elements + b.elements; i++) await new Promise((r) => setTimeout(r, 50));
    expect(routeEventRows(outlet.batches)).toBe(a.elements + b.elements);
    expect(events).toEqual(['started 0', 'started 1']);
    // The first file's batches were all cut before the second began: none holds rows of both.
    expect(routeEventRows(outlet.batches.slice(0, batchesOfFirst))).toBe(a.elements);
    // The state after the first file is saved; the earlier one is kept until that file is done.
    expect(existsSync(join(stateDir, 'after-a'))).toBe(true);
    expect(existsSync(stale)).toBe(true);
    expect(existsSync(cut)).toBe(true);

    outlet.release();
    await running;
    expect(events).toEqual(['started 0', 'started 1', `done 0: ${a.elements} elements`, `done 1: ${b.elements} elements`]);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(cut)).toBe(false);
    expect(existsSync(join(stateDir, 'after-a'))).toBe(true);
  });

  it('a checkpoint inside a prefix\'s RIB entries leaves its routes in one snapshot row: the rows are those of a read without checkpoints', async () => {
    const dir = makeTmpDir('file-runner-rib');
    const { rirDir, mmdb } = writeCapture(dir, { seed: 5, messages: 10 });
    const rib = writeRib(dir, { seed: 6 });
    const analysis = await loadAnalysis({ rirDir, geo: mmdb, cacheDir: join(dir, 'cache') });
    /** The rib_snapshots rows of one read of the dump (their RowBinary bytes, in order), and the checkpoints it made. */
    const snapshotRows = async (every: number | null) => {
      const outlet = new GatedOutlet();
      outlet.release();
      const writer = createRowWriter(outlet, { batchSize: 1_000_000, flushIntervalMs: 0, maxQueuedBatches: 4, ribSnapshots: true }, { accepted: 0, rejectedRows: 0 });
      let checkpoints = 0;
      const checkpoint = every ? { every, at: async () => void checkpoints++ } : undefined;
      const runner = new FileRunner(analysis.classifier, writer, { stateDir: join(dir, 'state'), shard: WHOLE });
      await runner.run([{ file: rib.file, process: true, chain: null }], { fileStarted: () => undefined, filesDone: () => undefined, checkpoint });
      const batches = outlet.batches.filter((b) => b.payload.table === 'rib_snapshots');
      return { rows: batches.reduce((n, b) => n + b.payload.rows, 0), bytes: Buffer.concat(batches.map((b) => b.payload.data)), batches: batches.length, checkpoints };
    };
    const whole = await snapshotRows(null);
    // Every 5 entries, with 4 peers: most checkpoints fall between two entries of one prefix.
    const checkpointed = await snapshotRows(5);
    expect(checkpointed.checkpoints).toBe(Math.floor(rib.entries / 5));
    expect(checkpointed.batches).toBeGreaterThan(whole.batches);
    expect(whole.rows).toBeGreaterThan(0);
    expect(whole.rows).toBeLessThan(rib.entries);
    expect(checkpointed.rows).toBe(whole.rows);
    expect(checkpointed.bytes.equals(whole.bytes)).toBe(true);
  });

  it('saves the state after a file only when due, and cuts the batches there; the files between share batches and are done at the next cut', async () => {
    const dir = makeTmpDir('file-runner-saves');
    const a = writeCapture(dir, { seed: 11, messages: 2000, name: 'a.mrt.gz' });
    const b = writeCapture(dir, { seed: 12, messages: 100, startTime: a.lastTime + 1, name: 'b.mrt.gz' });
    const c = writeCapture(dir, { seed: 13, messages: 300, startTime: b.lastTime + 1, name: 'c.mrt.gz' });
    const d = writeCapture(dir, { seed: 14, messages: 100, startTime: c.lastTime + 1, name: 'd.mrt.gz' });
    const analysis = await loadAnalysis({ rirDir: a.rirDir, geo: a.mmdb, cacheDir: join(dir, 'cache') });
    const stateDir = join(dir, 'state');
    /**
     * Runs the plan (files marked false are skipped, as completed; `stopAt`: stop when that file
     * starts); the route_events batches' tokens and rows, in order, and what the hooks saw.
     */
    const run = async (process: boolean[], batchSize: number, stopAt = -1, floor: 'default' | 0 = 0) => {
      const outlet = new GatedOutlet();
      outlet.release();
      const writer = createRowWriter(outlet, { batchSize, flushIntervalMs: 0, maxQueuedBatches: 4, ribSnapshots: true }, { accepted: 0, rejectedRows: 0 });
      const runner = new FileRunner(analysis.classifier, writer, { stateDir, shard: WHOLE, saveAtLeast: floor === 'default' ? undefined : floor });
      const plan = [a.mrt, b.mrt, c.mrt, d.mrt].map((file, i) => ({ file, process: process[i], chain: `after-${'abcd'[i]}` }));
      const hooks: string[] = [];
      await runner.run(plan, {
        fileStarted: (i) => {
          hooks.push(`started ${i} after ${routeEventRows(outlet.batches)} rows cut`);
          if (i === stopAt) void runner.stop();
        },
        // One call per cut: the files it completes together.
        filesDone: (done) => void hooks.push(`done ${done.map((f) => `${f.index}${f.result.interrupted ? ' (interrupted)' : ''}`).join(', ')}`),
      });
      const events = outlet.batches.filter((x) => x.payload.table === 'route_events');
      return { tokens: events.map((x) => x.token), rows: events.map((x) => x.payload.rows), hooks };
    };
    // By default nothing is due before a full batch's worth of elements (BATCH_ROWS) either: one job
    // cuts where it saves, and a cut's inserts each cost the engine 0.1-0.2 s of CPU. One cut, after the last file.
    const all = a.elements + b.elements + c.elements + d.elements;
    expect(all).toBeLessThan(BATCH_ROWS);
    const floored = await run([true, true, true, true], 1_000_000, -1, 'default');
    expect(['after-a', 'after-b', 'after-c', 'after-d'].map((f) => existsSync(join(stateDir, f)))).toEqual([false, false, false, false]);
    expect(floored.rows).toEqual([all]);
    expect(floored.hooks.filter((h) => h.startsWith('done'))).toEqual(['done 0, 1, 2, 3']);

    // Without that floor (as for files of a backfill's size), due after the first file.
    const whole = await run([true, true, true, true], 1_000_000);
    // Due after the first file (its elements are at least the pairs it left), not after the short
    // ones; never after the last. The cut is there and after the last file: two batches.
    expect(['after-a', 'after-b', 'after-c', 'after-d'].map((f) => existsSync(join(stateDir, f)))).toEqual([true, false, false, false]);
    expect(whole.rows).toEqual([a.elements, b.elements + c.elements + d.elements]);
    expect(whole.hooks.filter((h) => h.startsWith('started'))).toEqual([0, a.elements, a.elements, a.elements].map((n, i) => `started ${i} after ${n} rows cut`));
    expect(whole.hooks.filter((h) => h.startsWith('done'))).toEqual(['done 0', 'done 1, 2, 3']);
    // The short files are done only at the cut after the last: once it was read.
    expect(whole.hooks.indexOf('done 1, 2, 3')).toBeGreaterThan(whole.hooks.indexOf('started 3'));

    // Smaller batches: several full ones span the short files. Stopped as the third file starts,
    // the second (read, not cut) and the third are interrupted: their rows not cut were dropped.
    const small = await run([true, true, true, true], 400);
    expect(small.rows.reduce((x, y) => x + y, 0)).toBe(a.elements + b.elements + c.elements + d.elements);
    const stopped = await run([true, true, true, true], 400, 2);
    expect(stopped.hooks.filter((h) => h.startsWith('done'))).toEqual(['done 0', 'done 1 (interrupted), 2 (interrupted)']);
    expect(stopped.tokens).toEqual(small.tokens.slice(0, stopped.tokens.length)); // only full batches, as the whole run cut them
    // The rerun (the first file completed, its state saved) reads the others from empty batches,
    // as the first run did after its cut: the same batches, so the store drops those that landed.
    const rerun = await run([false, true, true, true], 400);
    const afterA = small.tokens.length - rerun.tokens.length;
    expect(small.rows.slice(0, afterA).reduce((x, y) => x + y, 0)).toBe(a.elements);
    expect(rerun.tokens).toEqual(small.tokens.slice(afterA));
    // Its state file gone, the first file is replayed (not stored) into an empty state: the same.
    rmSync(join(stateDir, 'after-a'));
    expect((await run([false, true, true, true], 400)).tokens).toEqual(rerun.tokens);
  });

  it('with several jobs, every shard cuts after the same files (after SHARED_CUT_BYTES of input, and after the last), whatever it saves; a rerun cuts them again', async () => {
    const dir = makeTmpDir('file-runner-shards');
    const files = [21, 22, 23, 24].map((seed, i) => writeCapture(dir, { seed, messages: i === 0 ? 2000 : 200, startTime: 1_700_000_000 + 10_000 * i, name: `${'abcd'[i]}.mrt.gz` }));
    const sizes = [10, SHARED_CUT_BYTES, 5, 5];
    const analysis = await loadAnalysis({ rirDir: files[0].rirDir, geo: files[0].mmdb, cacheDir: join(dir, 'cache') });
    const stateDir = join(dir, 'state');
    const run = async (shard: { index: number; count: number }, process: boolean[]) => {
      const outlet = new GatedOutlet();
      outlet.release();
      const writer = createRowWriter(outlet, { batchSize: 1_000_000, flushIntervalMs: 0, maxQueuedBatches: 4, ribSnapshots: true }, { accepted: 0, rejectedRows: 0 });
      const runner = new FileRunner(analysis.classifier, writer, { stateDir, shard, saveAtLeast: 0 });
      const plan = files.map((f, i) => ({ file: f.mrt, process: process[i], chain: `after-${'abcd'[i]}`, size: sizes[i] }));
      const done: string[] = [];
      await runner.run(plan, { fileStarted: () => undefined, filesDone: (d) => void done.push(d.map((f) => f.index).join(', ')) });
      const saved = plan.map((f) => existsSync(join(stateDir, stateFileName(f.chain, shard))));
      return { done, saved, tokens: outlet.batches.filter((x) => x.payload.table === 'route_events').map((x) => x.token) };
    };
    // One job cuts where its state is due, after the first file, whatever the sizes.
    expect((await run(WHOLE, [true, true, true, true])).done).toEqual(['0', '1, 2, 3']);
    for (const index of [0, 1]) {
      const whole = await run({ index, count: 2 }, [true, true, true, true]);
      // The input reaches SHARED_CUT_BYTES with the second file: a cut there and after the last, not after each file.
      expect(whole.done, `shard ${index}`).toEqual(['0, 1', '2, 3']);
      expect(whole.tokens).toHaveLength(2);
      // The shard's state is due after the first file (not a cut): saved there all the same.
      expect(whole.saved[0]).toBe(true);
      // The rerun after the first cut reads the others from empty batches, as the first run did.
      const rerun = await run({ index, count: 2 }, [false, false, true, true]);
      expect(rerun.done).toEqual(['2, 3']);
      expect(rerun.tokens).toEqual(whole.tokens.slice(1));
    }
  });
});
