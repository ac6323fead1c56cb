/**
 * IngestJobs, the owner's side of `ingest --jobs N`: real worker threads reading real files (the
 * classifier fixture's registry and geo database, files written by the test MRT encoder) through
 * their FileRunner. The store writer is a recorder here: what is tested is when batches reach it
 * against when a file's ledger row is in, which a real store would not show.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Batch, StoreWriter } from '../../../analyzer/store/index.js';
import { IngestJobs } from '../../../cli/ingest/jobs.js';
import type { PlanHooks } from '../../../cli/ingest/file-runner.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { writeCapture } from '../../reliability/fixture.js';

describe('IngestJobs', () => {
  it('a worker reads a file only once its ledger row is in: no batch of it before hooks.fileStarted resolves', { timeout: 120_000 }, async () => {
    const dir = makeTmpDir('ingest-jobs-begun');
    const capture = writeCapture(dir, { seed: 31, messages: 4000, name: 'a.mrt.gz' });
    const events: string[] = [];
    const writer = {
      async insertBatch(b: Batch) {
        events.push(`batch ${b.payload.table}`);
      },
    } as unknown as StoreWriter;
    let allow!: () => void;
    const allowed = new Promise<void>((resolve) => (allow = resolve));
    const hooks: PlanHooks = {
      async fileStarted(index) {
        events.push(`started ${index}`);
        await allowed;
        events.push(`row in ${index}`);
      },
      filesDone(files) {
        for (const f of files) events.push(`done ${f.index} ${f.result.elements}`);
      },
    };
    const plan = [{ file: capture.mrt, process: true, chain: 'a' }];
    const analysis = { rirDir: capture.rirDir, geo: capture.mmdb, cacheDir: join(dir, 'cache') };
    const shards = [0, 1].map((index) => ({ shard: { index, count: 2 }, plan, analysis, stateDir: join(dir, 'state'), ribSnapshots: true, logLevel: 'warn' }));
    const jobs = new IngestJobs(shards, writer, hooks);
    const running = jobs.run();
    // Both workers have asked to start the file; give them time they would have used to read it.
    while (events.length === 0) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 1500));
    expect(events).toEqual(['started 0']);
    allow();
    const counters = await running;
    expect(events.slice(0, 2)).toEqual(['started 0', 'row in 0']);
    expect(events.filter((e) => e.startsWith('batch')).length).toBeGreaterThan(0);
    expect(events.at(-1)).toBe(`done 0 ${capture.elements}`);
    expect(counters.events).toBe(capture.elements);
  });
});
