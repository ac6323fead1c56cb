/**
 * `ingest --jobs N`: N worker threads (worker.ts), each one shard of the prefixes of every file,
 * and this thread, which owns the store: it inserts the workers' batches through the store
 * writer (its retries and spool) and tells the plan's hooks (the ledger) when a file starts, and
 * when every shard is done with it.
 */
import { extname } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { PipelineCounters } from '../../analyzer/pipeline/pipeline.js';
import type { StoreWriter } from '../../analyzer/store/index.js';
import { log } from '../../common/log.js';
import { startModuleWorker } from '../../common/worker.js';
import type { DoneFile, FileResult, PlanHooks } from './file-runner.js';
import type { FromWorker, ToWorker, WorkerJob } from './messages.js';
import { receivedBatch } from './port-outlet.js';

/** One file's results so far, summed over the shards that reported. */
interface FileTally extends FileResult {
  shardsDone: number;
}

/** Adds `b`'s counts into `a` (numbers, and records of numbers, field by field). */
export function addCounters(a: PipelineCounters, b: PipelineCounters): void {
  const add = (x: Record<string, unknown>, y: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(y)) {
      if (typeof v === 'number') x[k] = ((x[k] as number | undefined) ?? 0) + v;
      else if (v && typeof v === 'object') add((x[k] ??= {}) as Record<string, unknown>, v as Record<string, unknown>);
    }
  };
  add(a as unknown as Record<string, unknown>, b as unknown as Record<string, unknown>);
}

export class IngestJobs {
  private readonly workers: Worker[] = [];
  private readonly tallies = new Map<number, FileTally>();
  /** The latest progress of each worker: the file it reads and its counts. */
  private readonly progress: Array<{ index: number; events: number; findings: number }>;
  /** The hooks' calls for files done, one after another. */
  private hooked: Promise<void> = Promise.resolve();
  /** Each file's ledger row being written (hooks.fileStarted), which its shards wait for before reading it. */
  private readonly begun = new Map<number, Promise<void>>();
  private beginFailed: unknown;
  /** Files every shard is done with, not yet told to the hooks. */
  private readonly complete: DoneFile[] = [];

  constructor(
    private readonly jobs: WorkerJob[],
    private readonly writer: StoreWriter,
    private readonly hooks: PlanHooks,
  ) {
    this.progress = jobs.map(() => ({ index: 0, events: 0, findings: 0 }));
  }

  /** Runs the workers to their end; resolves with their counters summed. A worker that fails stops the others. */
  async run(): Promise<PipelineCounters> {
    const ends = this.jobs.map((job, k) => this.start(job, k));
    try {
      const [first, ...rest] = await Promise.all(ends);
      if (this.beginFailed) throw this.beginFailed;
      for (const c of rest) addCounters(first, c);
      return first;
    } catch (err) {
      await Promise.all(this.workers.map((w) => w.terminate()));
      throw err;
    } finally {
      this.recordComplete();
      // Files some shard began and not every shard finished: interrupted (their ledger rows stay resumable).
      for (const [index, t] of this.tallies) if (t.shardsDone < this.jobs.length) this.hook(() => this.hooks.filesDone([{ index, result: { ...t, interrupted: true } }]));
      await this.hooked;
    }
  }

  /** Asks every worker to stop reading; each ends its file as interrupted once its rows have landed. */
  stop(): void {
    for (const w of this.workers) w.postMessage({ type: 'stop' } satisfies ToWorker);
  }

  /** Events and findings so far over all workers, and the earliest file any of them reads. */
  status(): { index: number; events: number; findings: number } {
    let index = Infinity;
    let events = 0;
    let findings = 0;
    for (const p of this.progress) {
      index = Math.min(index, p.index);
      events += p.events;
      findings += p.findings;
    }
    return { index, events, findings };
  }

  private hook(call: () => Promise<void> | void): void {
    this.hooked = this.hooked.then(call);
  }

  private start(job: WorkerJob, k: number): Promise<PipelineCounters> {
    const worker = startModuleWorker(new URL(`./worker${extname(import.meta.url)}`, import.meta.url).href, { ingestWorker: job });
    this.workers.push(worker);
    return new Promise((resolve, reject) => {
      let ended = false;
      worker.on('message', (m: FromWorker) => {
        switch (m.type) {
          case 'batch':
            // Landed (or spooled) batches are acknowledged: the worker's back-pressure and flushes wait on them.
            this.writer.insertBatch(receivedBatch(m.batch)).then(
              () => worker.postMessage({ type: 'landed', id: m.id } satisfies ToWorker),
              (err: unknown) => log.error({ err, shard: k }, 'batch from an ingest worker neither stored nor spooled'),
            );
            break;
          case 'file-started': {
            let begun = this.begun.get(m.index);
            if (!begun) {
              this.tallies.set(m.index, { elements: 0, findings: 0, records: 0, errors: 0, interrupted: false, shardsDone: 0 });
              begun = Promise.resolve(this.hooks.fileStarted(m.index));
              this.begun.set(m.index, begun);
              // A ledger row that could not be written: the run fails (below), every worker stops.
              begun.catch((err: unknown) => {
                this.beginFailed ??= err;
                this.stop();
              });
            }
            // Each shard reads the file once its row is in (or, failed, to see the stop).
            void begun.catch(() => undefined).then(() => worker.postMessage({ type: 'begun', index: m.index } satisfies ToWorker));
            this.progress[k] = { ...this.progress[k], index: m.index };
            break;
          }
          case 'file-done':
            this.fileDone(m.index, m.result);
            break;
          case 'progress':
            this.progress[k] = { index: m.index, events: m.events, findings: m.findings };
            if (this.hooks.progress) {
              const s = this.status();
              this.hooks.progress(s.index, s.events, s.findings);
            }
            break;
          case 'done':
            ended = true;
            resolve(m.counters);
            break;
          case 'failed':
            ended = true;
            reject(new Error(`ingest worker ${k + 1} of ${this.jobs.length}: ${m.error}`));
            break;
        }
      });
      worker.once('error', (err) => {
        ended = true;
        reject(err);
      });
      worker.once('exit', (code) => {
        if (!ended) reject(new Error(`ingest worker ${k + 1} of ${this.jobs.length} stopped (exit code ${code}) before it finished`));
      });
    });
  }

  /** A shard's end of a file; the file's end once every shard's is in. */
  private fileDone(index: number, r: FileResult): void {
    const t = this.tallies.get(index)!;
    t.elements += r.elements;
    t.findings += r.findings;
    // Every shard counts every record; each reports its own share of the bad inputs.
    t.records = Math.max(t.records, r.records);
    t.errors += r.errors;
    t.interrupted ||= r.interrupted;
    if (r.failed && !t.failed) {
      // A shard could not read the file to its end: every shard stops, as the one job would.
      t.failed = r.failed;
      this.stop();
    }
    if (++t.shardsDone === this.jobs.length) {
      // The files a cut completes arrive together (a message each): recorded together, in one ledger insert.
      this.complete.push({ index, result: t });
      if (this.complete.length === 1) setImmediate(() => this.recordComplete());
    }
  }

  /** Tells the hooks (the head, the ledger) about the files every shard is done with, then the shards. */
  private recordComplete(): void {
    const files = this.complete.splice(0);
    if (!files.length) return;
    // Recorded or not (a failed hook fails the run), the shards waiting on it go on.
    const recorded = () => {
      for (const { index } of files) for (const w of this.workers) w.postMessage({ type: 'recorded', index } satisfies ToWorker);
    };
    this.hook(() => this.hooks.filesDone(files));
    void this.hooked.then(recorded, recorded);
  }
}
