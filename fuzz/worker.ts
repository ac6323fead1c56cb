/** Runs one target over iterations [from, to) and reports findings and counts to the main thread. */
import { parentPort, workerData } from 'node:worker_threads';
import { setLogLevel } from '../common/log.js';
import { generate } from './generate.js';
import { TARGETS } from './targets.js';

export interface WorkerInput {
  target: string;
  seed: number;
  from: number;
  to: number;
  /** Int32Array over a SharedArrayBuffer: [0] = iteration being run (the watchdog reads it). */
  progress: SharedArrayBuffer;
  hangMs: number;
}

export type WorkerMessage =
  | { kind: 'finding'; type: 'exception' | 'hang'; iteration: number; error: string; ms: number; input: Uint8Array | string }
  | { kind: 'ready' }
  | { kind: 'done'; iterations: number; refusals: number; maxMs: number; seconds: number; seeds: number };

setLogLevel('silent');
const w = workerData as WorkerInput;
const target = TARGETS.find((t) => t.name === w.target)!;
const progress = new Int32Array(w.progress);
const post = (m: WorkerMessage) => parentPort!.postMessage(m);

const seeds = await target.seeds();
post({ kind: 'ready' });
let refusals = 0;
let maxMs = 0;
const t0 = performance.now();
for (let i = w.from; i < w.to; i++) {
  Atomics.store(progress, 0, i);
  const input = generate(target, seeds, w.seed, i);
  const start = performance.now();
  try {
    const r = target.run(input);
    if (r instanceof Promise) await r;
  } catch (err) {
    if (target.expected(err)) refusals++;
    else post({ kind: 'finding', type: 'exception', iteration: i, error: err instanceof Error ? (err.stack ?? err.message) : String(err), ms: performance.now() - start, input });
  }
  const ms = performance.now() - start;
  if (ms > maxMs) maxMs = ms;
  if (ms > w.hangMs) post({ kind: 'finding', type: 'hang', iteration: i, error: `took ${Math.round(ms)} ms (limit ${w.hangMs} ms)`, ms, input });
}
post({ kind: 'done', iterations: w.to - w.from, refusals, maxMs, seconds: (performance.now() - t0) / 1000, seeds: seeds.length });
