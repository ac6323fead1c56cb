/**
 * An `ingest --jobs N` worker thread: one shard of the prefixes of every file (shard.ts), through
 * its own registry, geo, routing state and pipeline, into batches it hands to the thread that
 * owns the store (PortOutlet). It reads every file, keeps its shard's events, and says when it
 * starts and ends each file; the ledger is written by the owner once every shard is done.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { BATCH_ROWS, createRowWriter } from '../../analyzer/store/row-writer.js';
import { setLogLevel } from '../../common/log.js';
import { loadAnalysis } from '../setup.js';
import { FileRunner } from './file-runner.js';
import type { FromWorker, ToWorker, WorkerJob } from './messages.js';
import { PortOutlet } from './port-outlet.js';

/** Progress messages at most this often (the owner's line redraws at about this rate). */
const PROGRESS_MS = 200;

async function work(port: MessagePort, job: WorkerJob): Promise<void> {
  const post = (m: FromWorker) => port.postMessage(m);
  if (job.logLevel) setLogLevel(job.logLevel);
  const outlet = new PortOutlet(port);
  let runner: FileRunner | undefined;
  let stopAsked = false;
  /** Files waiting for their ledger row before they are read. */
  const waiting = new Map<number, () => void>();
  /** Files done here, waiting for the owner to record them (the head, the ledger) before older states go. */
  const recording = new Map<number, () => void>();
  port.on('message', (m: ToWorker) => {
    if (m.type === 'landed') outlet.onLanded(m);
    else if (m.type === 'begun') {
      waiting.get(m.index)?.();
      waiting.delete(m.index);
    } else if (m.type === 'recorded') {
      recording.get(m.index)?.();
      recording.delete(m.index);
    } else if (m.type === 'stop') {
      stopAsked = true;
      // Stopped, the runner removes no state: nothing waits for the owner's records.
      for (const release of recording.values()) release();
      recording.clear();
      void runner?.stop();
    }
  });
  try {
    const analysis = await loadAnalysis(job.analysis);
    // The owner's batch cuts (dedup tokens) and no timed cuts, as one job's; two batches in flight
    // per worker (the owner queues its own), so N workers do not hold N times one job's memory.
    const writer = createRowWriter(outlet, { batchSize: BATCH_ROWS, flushIntervalMs: 0, maxQueuedBatches: 2, ribSnapshots: job.ribSnapshots }, { accepted: 0, rejectedRows: 0 });
    runner = new FileRunner(analysis.classifier, writer, { collector: job.collector, stateDir: job.stateDir, shard: job.shard });
    if (stopAsked) await runner.stop();
    let lastProgress = 0;
    await runner.run(
      job.plan,
      {
      // Read once the owner has the file's ledger row in, as one job waits for it: a rerun must
      // find the file begun (and the jobs it was cut under) once any of its rows has landed.
      fileStarted: (index) =>
        new Promise<void>((resolve) => {
          waiting.set(index, resolve);
          post({ type: 'file-started', index });
        }),
      // The files a cut completes here; each is complete once every shard has cut after it. The
      // runner then removes the states before the latest: not before the owner has recorded the
      // files, so the head and the ledger never name a state that is gone.
      filesDone: (files) =>
        Promise.all(
          files.map(({ index, result }) => {
            const recorded = stopAsked || result.interrupted ? Promise.resolve() : new Promise<void>((resolve) => recording.set(index, resolve));
            post({ type: 'file-done', index, result });
            return recorded;
          }),
        ).then(() => undefined),
      progress: (index, events, findings) => {
        const now = Date.now();
        if (now - lastProgress < PROGRESS_MS) return;
        lastProgress = now;
        post({ type: 'progress', index, events, findings });
      },
      },
      job.continued,
    );
    await runner.pipeline.close();
    post({ type: 'done', counters: runner.pipeline.counters });
  } catch (err) {
    post({ type: 'failed', error: err instanceof Error ? err.message : String(err) });
  }
  port.unref(); // the worker ends once its last messages are out
}

const job = (workerData as { ingestWorker?: WorkerJob } | null)?.ingestWorker;
if (parentPort && job) void work(parentPort, job);
