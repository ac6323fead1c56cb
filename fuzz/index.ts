/**
 * `npm run fuzz -- --iterations N [--seed S] [--targets mrt,bgp,…] [--jobs J]`
 *
 * Mutates seeds (MRT records, BGP messages, RIS Live frames and subscriptions, delegated files,
 * transfer logs, alerts.yml, HTTP query parameters) and runs them through the real parsers, one
 * worker thread per target. A documented refusal is counted; anything else thrown is an uncaught
 * exception; an input taking over 2 s is a hang (a worker stuck for 10 s is stopped, its input
 * rebuilt from the seed, and the target resumes after it). Every such input is saved under
 * fuzz/findings/. Input i of a target depends only on (seed, target, i): runs are reproducible,
 * and `--only target:i` runs one input again.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { setLogLevel } from '../common/log.js';
import { generate } from './generate.js';
import { TARGETS } from './targets.js';
import type { WorkerInput, WorkerMessage } from './worker.js';

const HANG_MS = 2_000;
const STUCK_MS = 10_000;
const MAX_SAVED_PER_TARGET = 1_000;
const FINDINGS = join(import.meta.dirname, 'findings');

function args(argv: string[]): { iterations: number; seed: number; targets: string[]; jobs: number; only?: string } {
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const iterations = Number(get('iterations') ?? 10_000);
  const seed = Number(get('seed') ?? 1);
  const targets = (get('targets') ?? TARGETS.map((t) => t.name).join(',')).split(',');
  const jobs = Number(get('jobs') ?? Math.max(1, cpus().length));
  for (const t of targets) if (!TARGETS.some((x) => x.name === t)) throw new Error(`unknown target ${t}; known: ${TARGETS.map((x) => x.name).join(', ')}`);
  if (!Number.isInteger(iterations) || iterations < 1) throw new Error('--iterations must be a whole number ≥ 1');
  if (!Number.isInteger(seed)) throw new Error('--seed must be a whole number');
  return { iterations, seed, targets, jobs, only: get('only') };
}

interface TargetResult {
  target: string;
  iterations: number;
  seconds: number;
  refusals: number;
  uncaught: number;
  hangs: number;
  maxMs: number;
  seeds: number;
  signatures: Map<string, { count: number; first: string }>;
}

function save(target: string, seed: number, iteration: number, type: string, error: string, input: Uint8Array | string, saved: Map<string, number>): string | null {
  const n = saved.get(target) ?? 0;
  if (n >= MAX_SAVED_PER_TARGET) return null;
  saved.set(target, n + 1);
  mkdirSync(FINDINGS, { recursive: true });
  const ext = TARGETS.find((t) => t.name === target)!.ext;
  const base = join(FINDINGS, `${target}-seed${seed}-i${iteration}`);
  writeFileSync(`${base}.${ext}`, input);
  writeFileSync(`${base}.txt`, `${type} in ${target}, seed ${seed}, iteration ${iteration}\nrerun: npm run fuzz -- --seed ${seed} --only ${target}:${iteration}\n\n${error}\n`);
  return `${base}.${ext}`;
}

const signature = (error: string) => error.split('\n').slice(0, 2).join(' | ').replace(/\d+/g, 'N').slice(0, 200);

async function runTarget(name: string, seed: number, from: number, to: number, saved: Map<string, number>): Promise<TargetResult> {
  const res: TargetResult = { target: name, iterations: 0, seconds: 0, refusals: 0, uncaught: 0, hangs: 0, maxMs: 0, seeds: 0, signatures: new Map() };
  const note = (type: 'exception' | 'hang', iteration: number, error: string, input: Uint8Array | string) => {
    if (type === 'hang') res.hangs++;
    else res.uncaught++;
    const sig = `${type}: ${signature(error)}`;
    const entry = res.signatures.get(sig);
    const file = save(name, seed, iteration, type, error, input, saved);
    if (entry) entry.count++;
    else res.signatures.set(sig, { count: 1, first: file ?? `${name}:${iteration}` });
  };
  let start = from;
  while (start < to) {
    const progress = new SharedArrayBuffer(4);
    const view = new Int32Array(progress);
    Atomics.store(view, 0, start);
    const data: WorkerInput = { target: name, seed, from: start, to, progress, hangMs: HANG_MS };
    const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), { workerData: data });
    const outcome = await new Promise<{ resumeAt: number | null }>((resolve) => {
      let last = start;
      let lastMove = Date.now();
      const watchdog = setInterval(() => {
        const now = Atomics.load(view, 0);
        if (now !== last) {
          last = now;
          lastMove = Date.now();
        } else if (Date.now() - lastMove > STUCK_MS) {
          clearInterval(watchdog);
          void worker.terminate();
          void (async () => {
            const target = TARGETS.find((t) => t.name === name)!;
            note('hang', now, `no progress for ${STUCK_MS} ms (worker stopped)`, generate(target, await target.seeds(), seed, now));
            resolve({ resumeAt: now + 1 });
          })();
        }
      }, 250);
      let ready = false;
      worker.on('message', (m: WorkerMessage) => {
        if (m.kind === 'ready') ready = true;
        else if (m.kind === 'finding') note(m.type, m.iteration, m.error, m.input);
        else {
          res.iterations += m.iterations;
          res.seconds += m.seconds;
          res.refusals += m.refusals;
          res.maxMs = Math.max(res.maxMs, m.maxMs);
          res.seeds = m.seeds;
        }
      });
      worker.on('error', (err) => {
        // A crash of the thread itself (uncaught async error, stack or heap exhaustion).
        clearInterval(watchdog);
        const at = Atomics.load(view, 0);
        if (!ready) {
          console.error(`fuzz target ${name} did not start: ${err.stack ?? err.message}`);
          process.exit(2);
        }
        void (async () => {
          const target = TARGETS.find((t) => t.name === name)!;
          note('exception', at, `worker crashed: ${err.stack ?? err.message}`, generate(target, await target.seeds(), seed, at));
          resolve({ resumeAt: at + 1 });
        })();
      });
      worker.on('exit', () => {
        clearInterval(watchdog);
        resolve({ resumeAt: null });
      });
    });
    if (outcome.resumeAt === null) break;
    res.iterations += outcome.resumeAt - start - 0; // iterations up to and including the stuck one
    start = outcome.resumeAt;
  }
  return res;
}

async function main(): Promise<void> {
  setLogLevel('silent');
  const o = args(process.argv.slice(2));
  if (o.only) {
    const [name, it] = o.only.split(':');
    const target = TARGETS.find((t) => t.name === name);
    if (!target) throw new Error(`unknown target ${name}`);
    const input = generate(target, await target.seeds(), o.seed, Number(it));
    console.log(`${name}:${it} (${typeof input === 'string' ? input.length + ' chars' : input.length + ' bytes'})`);
    await target.run(input);
    console.log('no error');
    return;
  }
  const per = Math.ceil(o.iterations / o.targets.length);
  console.log(`fuzz: ${o.iterations} iterations over ${o.targets.length} targets (${per} each), seed ${o.seed}, ${o.jobs} worker(s)`);
  const saved = new Map<string, number>();
  const queue = [...o.targets];
  const results: TargetResult[] = [];
  const t0 = Date.now();
  await Promise.all(
    Array.from({ length: Math.min(o.jobs, queue.length) }, async () => {
      for (let name = queue.shift(); name; name = queue.shift()) {
        const r = await runTarget(name, o.seed, 0, per, saved);
        results.push(r);
        console.log(`  ${name.padEnd(14)} ${String(r.iterations).padStart(9)} it  ${String(Math.round(r.iterations / Math.max(r.seconds, 1e-9))).padStart(7)} it/s  refusals ${String(r.refusals).padStart(8)}  uncaught ${r.uncaught}  hangs ${r.hangs}  max ${r.maxMs.toFixed(1)} ms  (${r.seeds} seeds)`);
      }
    }),
  );
  results.sort((a, b) => o.targets.indexOf(a.target) - o.targets.indexOf(b.target));
  const total = results.reduce((n, r) => n + r.iterations, 0);
  const uncaught = results.reduce((n, r) => n + r.uncaught, 0);
  const hangs = results.reduce((n, r) => n + r.hangs, 0);
  console.log(`\ntotal ${total} iterations in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${uncaught} uncaught exception(s), ${hangs} hang(s)`);
  for (const r of results) for (const [sig, e] of r.signatures) console.log(`  ${r.target}: ${e.count}× ${sig}\n    e.g. ${e.first}`);
  const summary = { seed: o.seed, total, uncaught, hangs, targets: results.map(({ signatures, ...r }) => ({ ...r, perSecond: Math.round(r.iterations / Math.max(r.seconds, 1e-9)), findings: [...signatures].map(([sig, e]) => ({ signature: sig, ...e })) })) };
  mkdirSync(FINDINGS, { recursive: true });
  writeFileSync(join(FINDINGS, `summary-seed${o.seed}.json`), JSON.stringify(summary, null, 2));
  process.exitCode = uncaught || hangs ? 1 : 0;
}

main().catch((err) => {
  console.error((err as Error).message);
  process.exitCode = 2;
});
