/**
 * `/metrics` and `/healthz` latency while `portolan run` is saturated: `run --replay FILE` (the
 * file source reads as fast as the pipeline takes it, the heaviest load `run` sees) with the
 * dashboard on, both endpoints requested in turn every 25 ms from this process. Latencies are
 * split into those asked while the event count was still growing (saturated) and those asked
 * once it had stood still for 3 s (idle: the reference in the same run). Prints p50/p99/max per endpoint and phase,
 * and the portability index builds (computed on a worker: max_copy_ms is what held the main thread).
 *
 * Input: BENCH_LATENCY_FILES=a,b (with BENCH_LATENCY_RIR_DIR), else updates.20160811.1600.gz
 * and the RIB dump bview.20020722.2337.gz of ../shared/data with the 2013/2014 RIR files, else
 * a synthetic capture (test/reliability/fixture.ts).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { projectRoot } from '../common/paths.js';
import { hasSharedData, sharedData } from '../test/helpers/shared-data.js';
import { makeTmpDir } from '../test/helpers/tmp.js';
import { writeCapture } from '../test/reliability/fixture.js';
import { portolanCli } from './cli.js';
import { report } from './report.js';

const tmp = makeTmpDir('bench-latency');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function input(): { files: string[]; rirDir: string; geo?: string; label: string } {
  const given = process.env.BENCH_LATENCY_FILES;
  if (given) return { files: given.split(','), rirDir: process.env.BENCH_LATENCY_RIR_DIR ?? '', label: given };
  if (hasSharedData) {
    const rirDir = join(tmp, 'rir');
    mkdirSync(rirDir);
    for (const rir of ['afrinic', 'apnic', 'lacnic', 'ripencc']) symlinkSync(sharedData('rir', '2014-07-01', `delegated-${rir}-latest.gz`), join(rirDir, `delegated-${rir}-latest.gz`));
    symlinkSync(sharedData('rir', '2013-08-13', 'delegated-arin-latest.gz'), join(rirDir, 'delegated-arin-latest.gz'));
    const files = ['updates.20160811.1600.gz', 'bview.20020722.2337.gz'];
    return { files: files.map((f) => sharedData('mrt', 'bgpdump-testdata', f)), rirDir, label: files.join(' + ') };
  }
  const c = writeCapture(tmp, { messages: 200_000 });
  return { files: [c.mrt], rirDir: c.rirDir, geo: c.mmdb, label: `synthetic ${c.elements} elements` };
}

const pct = (sorted: number[], p: number): number => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);

/** One request; a failure (reset, or no answer in 60 s) counts with the time it took and no body. */
async function timed(url: string): Promise<{ ms: number; text: string; failed: boolean }> {
  const t0 = performance.now();
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
    const text = await res.text();
    return { ms: performance.now() - t0, text, failed: false };
  } catch {
    return { ms: performance.now() - t0, text: '', failed: true };
  }
}

const eventsIn = (text: string): number => [...text.matchAll(/^portolan_events_total\{elem_type="\w+"\} (\d+)/gm)].reduce((a, m) => a + Number(m[1]), 0);

/**
 * Node's fetch loads and compiles its HTTP client (undici) on first use, 100+ ms in this
 * process: without this, the first answer timed looked that much slower than `run` gave it.
 */
async function warmFetch(): Promise<void> {
  const server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  for (let i = 0; i < 3; i++) await (await fetch(`http://127.0.0.1:${port}/`)).text();
  await new Promise((resolve) => server.close(resolve));
}

async function main(): Promise<void> {
  await warmFetch();
  const src = input();
  const cli = portolanCli();
  process.stdout.write(`cli: ${cli.label}\n`);
  const args = [...cli.args, 'run', '--replay', ...src.files, '--port', '0', '--db', join(tmp, 'db')];
  if (src.rirDir) args.push('--rir-dir', src.rirDir);
  if (src.geo) args.push('--geo', src.geo);
  const child = spawn(process.execPath, args, { cwd: projectRoot(), env: { ...process.env, PORTOLAN_LOG_FORMAT: 'json', PORTOLAN_LOG_LEVEL: process.env.BENCH_LATENCY_LOG_LEVEL ?? 'info', TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  // The portability index builds: computed on a worker; the copy of the routes (copy_ms) holds the thread.
  const builds: number[] = [];
  const copies: number[] = [];
  /** run's log lines by time (epoch ms), to say what the process was doing during a slow answer. */
  const logged: Array<{ time: number; msg: string }> = [];
  let partial = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-50_000);
    const lines = (partial + d).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) {
      const time = Number(/"time":(\d+)/.exec(l)?.[1] ?? NaN);
      const msg = /"msg":"([^"]*)"/.exec(l)?.[1];
      if (msg && Number.isFinite(time)) logged.push({ time, msg });
      if (!l.includes('"msg":"portability index built"')) continue;
      builds.push(Number(/"ms":(\d+)/.exec(l)?.[1] ?? 0));
      copies.push(Number(/"copy_ms":(\d+)/.exec(l)?.[1] ?? 0));
    }
  });
  let base = '';
  for (let i = 0; i < 1200 && !base; i++) {
    base = /dashboard on (http:\/\/\S+)/.exec(stdout)?.[1] ?? '';
    await sleep(50);
  }
  if (!base) throw new Error(`run did not start:\n${stderr.slice(-2000)}`);

  // Requests in turn; each remembers when it started and the event count /metrics gave. The
  // pipeline is saturated from the first event until the count stops growing; idle once it
  // has not grown for 3 s (the reference). Ends after 40 idle requests per endpoint.
  const samples: Array<{ ep: 'metrics' | 'healthz'; at: number; ms: number; wall: number }> = [];
  let events = 0;
  let failures = 0;
  let firstEventAt = 0;
  let lastChangeAt = 0;
  const t0 = performance.now();
  const idleSince = () => lastChangeAt + 3000;
  while (performance.now() - t0 < 900_000) {
    const idle = samples.filter((x) => firstEventAt && x.at >= idleSince()).length;
    if (idle >= 80) break;
    for (const ep of ['metrics', 'healthz'] as const) {
      const at = performance.now();
      const wall = Date.now();
      const r = await timed(`${base}/${ep}`);
      samples.push({ ep, at, ms: r.ms, wall });
      if (r.failed) failures++;
      if (ep === 'metrics' && !r.failed) {
        const n = eventsIn(r.text);
        if (n > 0 && !firstEventAt) firstEventAt = at;
        if (n !== events) lastChangeAt = at;
        events = n;
      }
      await sleep(25);
    }
  }
  const elapsed = (performance.now() - t0) / 1000;
  child.kill('SIGINT');
  const exited = await Promise.race([new Promise((r) => child.once('exit', () => r(true))), sleep(60_000).then(() => false)]);
  if (!exited) child.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });

  const lat = { saturated: { metrics: [] as number[], healthz: [] as number[] }, idle: { metrics: [] as number[], healthz: [] as number[] } };
  for (const x of samples) {
    if (!firstEventAt || x.at < firstEventAt) continue;
    if (x.at <= lastChangeAt) lat.saturated[x.ep].push(x.ms);
    else if (x.at >= idleSince()) lat.idle[x.ep].push(x.ms);
  }
  process.stdout.write(`input: ${src.label}, ${events.toLocaleString('en-US')} events; ${elapsed.toFixed(0)} s of requests, ${failures} failed\n`);
  for (const phase of ['idle', 'saturated'] as const) {
    for (const ep of ['metrics', 'healthz'] as const) {
      const v = [...lat[phase][ep]].sort((a, b) => a - b);
      report(`/${ep} ${phase}`, { requests: v.length, p50_ms: pct(v, 50), p99_ms: pct(v, 99), max_ms: v.length ? v[v.length - 1] : NaN, over_100ms: v.filter((x) => x > 100).length });
    }
  }
  // What run logged while each slow answer was awaited (the stall's likely cause).
  for (const x of samples.filter((y) => y.ms > 100 && firstEventAt && y.at >= firstEventAt)) {
    const near = logged.filter((l) => l.time >= x.wall - 1000 && l.time <= x.wall + x.ms + 1000).map((l) => `${l.time - x.wall} ms: ${l.msg}`);
    process.stdout.write(`  slow /${x.ep}: ${x.ms.toFixed(0)} ms at +${((x.at - firstEventAt) / 1000).toFixed(2)} s; run logged within a second of it (ms from the request): ${near.length ? near.join(' | ') : '(nothing)'}\n`);
  }
  report('portability index builds', { builds: builds.length, total_ms: builds.reduce((a, b) => a + b, 0), max_ms: builds.length ? Math.max(...builds) : 0, max_copy_ms: copies.length ? Math.max(...copies) : 0 });
  for (const ep of ['metrics', 'healthz'] as const) {
    const s = [...lat.saturated[ep]].sort((a, b) => a - b);
    const i = [...lat.idle[ep]].sort((a, b) => a - b);
    report(`/${ep} saturated ÷ idle`, { p50: pct(s, 50) / pct(i, 50), p99: pct(s, 99) / pct(i, 99) });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`metrics-latency: ${(err as Error).stack}\n`);
  process.exitCode = 1;
});
