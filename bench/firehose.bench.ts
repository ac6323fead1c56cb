/**
 * The live path at firehose rates: the real `portolan run --replay ws://…` (a child process,
 * embedded chDB store, classifier on real registry files, no dashboard) fed by the replay
 * server in this process in pre-encoded mode (each frame encoded once, so the server's cost
 * stays small). Measures, in one run:
 *   - references: the file source reading the same capture, and the RIS Live client alone
 *     (socket + decode, no pipeline, no store);
 *   - steady: the 2016 RIS updates capture REPEAT times as fast as `run` takes it (pause mode):
 *     messages/s and prefixes/s from the first message to the last one counted in /metrics;
 *     RSS before the first message (the server holds the stream until it is read) and peak RSS;
 *   - burst: a background stream at BENCH_FIREHOSE_RATE msg/s in capture time, with a
 *     full-table reset of BENCH_FIREHOSE_BURST prefixes from one peer injected over 3 s:
 *     highest lag, seconds from the burst until lag is back under 10 s, drops, stored count.
 * The machine is shared and noisy: compare ratios against the references of the same run.
 * Needs ../shared/data; skips without it.
 *
 * BENCH_FIREHOSE_REPEAT (default 4), BENCH_FIREHOSE_RATE (1600), BENCH_FIREHOSE_BURST (900000),
 * BENCH_FIREHOSE_SECONDS (75), BENCH_FIREHOSE_OVERLOAD (pause), BENCH_FIREHOSE_ONLY (steady|burst),
 * BENCH_FIREHOSE_NODE_ARGS (extra node flags for `run`, e.g. --cpu-prof), BENCH_FIREHOSE_ENTRY
 * (`dist`: run each root's built dist/cli/main.js, as installed; default `tsx`: the sources
 * through tsx, whose loader thread and transforms add memory and CPU), BENCH_FIREHOSE_ROOTS
 * (checkouts whose `run` the steady phase measures in turn, twice interleaved, e.g. a worktree
 * of an older commit beside this one: before/after figures from one run).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RisLiveClient } from '../collector/rislive/client.js';
import { startReplayServer, type ReplayServer } from '../collector/replay/server.js';
import { FileSource } from '../collector/sources/file-source.js';
import { projectRoot } from '../common/paths.js';
import { TSX } from '../test/helpers/cli.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../test/helpers/shared-data.js';
import { makeTmpDir } from '../test/helpers/tmp.js';
import { burstScenario, loadMessages, writeCaptureFile, writeScenarioFile, type CaptureInfo } from './firehose-capture.js';
import { report } from './report.js';

if (!hasSharedData) {
  process.stdout.write(`firehose: skipped (${sharedDataSkipReason})\n`);
  process.exit(0);
}

const REPEAT = Number(process.env.BENCH_FIREHOSE_REPEAT ?? 4);
const RATE = Number(process.env.BENCH_FIREHOSE_RATE ?? 1600);
const BURST = Number(process.env.BENCH_FIREHOSE_BURST ?? 900_000);
const SECONDS = Number(process.env.BENCH_FIREHOSE_SECONDS ?? 75);
const OVERLOAD = process.env.BENCH_FIREHOSE_OVERLOAD ?? 'pause';
const ONLY = process.env.BENCH_FIREHOSE_ONLY;
const ROOTS = process.env.BENCH_FIREHOSE_ROOTS?.split(',').filter(Boolean) ?? [projectRoot()];
const NODE_ARGS = process.env.BENCH_FIREHOSE_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
const ENTRY = process.env.BENCH_FIREHOSE_ENTRY === 'dist' ? 'dist' : 'tsx';

/** How `run` of a checkout starts: its built CLI, or its sources through tsx. */
function runEntry(root: string): string[] {
  if (ENTRY === 'tsx') return ['--import', TSX, join(root, 'cli', 'main.ts')];
  const main = join(root, 'dist', 'cli', 'main.js');
  if (!existsSync(main)) throw new Error(`BENCH_FIREHOSE_ENTRY=dist: ${main} is missing (npm run build in ${root})`);
  return [main];
}

const dir = makeTmpDir('bench-firehose');
const mrt = sharedData('mrt/bgpdump-testdata/updates.20160811.1600.gz');
const messages = await loadMessages(mrt);
const steadyFile = join(dir, 'updates.20160811.1600.jsonl');
const steadyInfo = await writeCaptureFile(steadyFile, messages);

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const now = () => performance.now() / 1000;

/** File source (reference): the same capture read from disk, decoded, no socket. */
async function fileReference(): Promise<{ elements: number; seconds: number; cpu: number }> {
  const t0 = now();
  const c0 = process.cpuUsage();
  let elements = 0;
  for (let i = 0; i < REPEAT; i++) for await (const _ of new FileSource([steadyFile]).events()) elements++;
  const c = process.cpuUsage(c0);
  return { elements, seconds: now() - t0, cpu: (c.user + c.system) / 1e6 };
}

/** Client only (reference): replay server → socket → RisLiveClient events, nothing behind it. */
async function clientReference(): Promise<{ messages: number; elements: number; seconds: number }> {
  const server = await startReplayServer({ files: Array.from({ length: REPEAT }, () => steadyFile), speed: 0, preEncoded: true });
  const client = new RisLiveClient({ url: server.url, lagThresholdSec: 0, overflow: 'pause' });
  const want = steadyInfo.prefixes * REPEAT;
  let elements = 0;
  let t0 = 0;
  for await (const _ of client.events()) {
    if (!t0) t0 = now();
    if (++elements >= want) break;
  }
  const seconds = now() - t0;
  const messagesRead = client.stats().messages;
  await client.close();
  await server.close();
  return { messages: messagesRead, elements, seconds };
}

interface Metrics {
  [name: string]: number;
}

async function scrape(port: number): Promise<Metrics | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5_000) });
    const out: Metrics = {};
    for (const line of (await res.text()).split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const m = /^([a-z_]+)(?:\{[^}]*\})? (\S+)$/.exec(line);
      if (m) out[m[1]] = (out[m[1]] ?? 0) + Number(m[2]);
    }
    return out;
  } catch {
    return null;
  }
}

/**
 * RSS now and peak (VmHWM) of a process, in MiB, from /proc; `anon` leaves out file-backed
 * pages (mostly chDB's 540 MB library code, shared and reclaimable).
 */
function rss(pid: number): { now: number; peak: number; anon: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { now: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024, anon: kb('RssAnon') / 1024 };
}

/**
 * CPU seconds (user + system, every thread) a process has used, from /proc/PID/stat (clock ticks
 * of 10 ms); with `mainThread`, its main (JS) thread's alone, from /proc/PID/task/PID/stat.
 */
function cpuSeconds(pid: number, mainThread = false): number {
  const stat = readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

let portSeq = 0;

/** Starts `portolan run` against the server; resolves once it is connected and waiting for data. */
async function startRun(server: ReplayServer, label: string, root = projectRoot()): Promise<{ child: ChildProcess; port: number; log: () => string }> {
  const port = 19_300 + (process.pid % 500) + portSeq++ * 7;
  const db = join(dir, `db-${label}-${portSeq}`);
  const child = spawn(
    process.execPath,
    [...NODE_ARGS, ...runEntry(root), 'run', '--replay', server.url, '--db', db, '--no-dashboard', '--port', String(port),
      '--rir-dir', sharedData('rir/2013-08-13'), '--iana-dir', sharedData('iana'), '--cache-dir', join(dir, 'cache'), '--snapshot-minutes', '0', '--index-minutes', '0'],
    { cwd: dir, env: { ...process.env, PORTOLAN_LOG_FORMAT: 'json', PORTOLAN_LOG_LEVEL: 'info', PORTOLAN_OVERLOAD: OVERLOAD }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`run exited early (${child.exitCode}):\n${out.slice(-3000)}`);
    if (Date.now() > deadline) throw new Error(`run did not start:\n${out.slice(-3000)}`);
    const m = /"collecting"/.test(out) ? await scrape(port) : null;
    if (m && m.portolan_feed_connected === 1) break;
    await sleep(200);
  }
  await sleep(1_000);
  return { child, port, log: () => out };
}

async function stopRun(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(60_000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

/** Steady: as fast as `run` takes the capture, REPEAT times. */
async function steady(root: string): Promise<void> {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const server = await startReplayServer({ files: Array.from({ length: REPEAT }, () => steadyFile), speed: 0, preEncoded: true, gate });
  const run = await startRun(server, 'steady', root);
  const before = rss(run.child.pid!);
  const want = steadyInfo.prefixes * REPEAT;
  const cpu0 = cpuSeconds(run.child.pid!);
  const main0 = cpuSeconds(run.child.pid!, true);
  open();
  // From the gate: a saturated `run` may not answer /metrics until long after its first message.
  const t0 = now();
  let last: Metrics = {};
  let peak = before.peak;
  const deadline = Date.now() + 900_000;
  let slowestScrape = 0;
  while (Date.now() < deadline) {
    await sleep(100);
    const asked = now();
    const m = await scrape(run.port);
    slowestScrape = Math.max(slowestScrape, now() - asked);
    if (!m) continue;
    last = m;
    peak = Math.max(peak, rss(run.child.pid!).peak);
    if ((m.portolan_events_total ?? 0) >= want) break;
  }
  const seconds = now() - t0;
  const cpu = cpuSeconds(run.child.pid!) - cpu0;
  const mainCpu = cpuSeconds(run.child.pid!, true) - main0;
  const msgs = last.portolan_messages_total ?? 0;
  const elems = last.portolan_elements_total ?? 0;
  report(`run steady (${ENTRY})${ROOTS.length > 1 ? ` [${root}]` : ''}`, {
    messages: msgs,
    elements: elems,
    msgs_per_s: msgs / seconds,
    prefixes_per_s: elems / seconds,
    // CPU time is what a shared, noisy machine disturbs least (wall-clock rates depend on the other load).
    msgs_per_cpu_s: msgs / cpu,
    prefixes_per_cpu_s: elems / cpu,
    // The main thread is the one that saturates (chDB inserts and merges run on their own threads).
    msgs_per_main_cpu_s: msgs / mainCpu,
    drops: last.portolan_drops_total ?? 0,
    rss_before_first_MiB: before.now,
    anon_before_first_MiB: before.anon,
    run_peak_rss_MiB: peak,
    slowest_metrics_ms: slowestScrape * 1000,
  });
  steadyRate = elems / seconds;
  await stopRun(run.child);
  await server.close();
}

let steadyRate = 0;

/** Burst: background at RATE msg/s (capture time, speed 1) with a BURST-prefix reset injected. */
async function burst(): Promise<void> {
  const burstAt = 10;
  const t0 = 1_700_000_000;
  const file = join(dir, 'burst.jsonl');
  const info: CaptureInfo = await writeScenarioFile(file, burstScenario({ background: messages, rate: RATE, seconds: SECONDS, burstAt, burstPrefixes: BURST, burstSeconds: 3, t0 }));
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const server = await startReplayServer({ files: [file], speed: 1, preEncoded: true, gate });
  const run = await startRun(server, 'burst');
  open();
  let maxLag = 0;
  let backUnder10 = NaN;
  let last: Metrics = {};
  let peak = 0;
  const deadline = Date.now() + (SECONDS + 600) * 1000;
  while (Date.now() < deadline) {
    await sleep(250);
    const m = await scrape(run.port);
    if (!m) continue;
    last = m;
    peak = Math.max(peak, rss(run.child.pid!).peak);
    const sentAt = server.stats().firstSentAt;
    if (!sentAt) continue;
    // The replay maps capture time t0 to the wall time of its first frame; lag is measured against that.
    const lag = (m.portolan_feed_lag_seconds ?? 0) - (sentAt / 1000 - t0);
    const sinceStart = Date.now() / 1000 - sentAt / 1000;
    if (sinceStart > burstAt) {
      maxLag = Math.max(maxLag, lag);
      if (lag < 10 && maxLag >= 10 && Number.isNaN(backUnder10)) backUnder10 = sinceStart - burstAt;
      if (lag >= 10) backUnder10 = NaN;
    }
    if ((m.portolan_events_total ?? 0) >= info.prefixes) break;
    if (sinceStart > SECONDS + 5 && server.stats().messagesSent >= info.messages && (m.portolan_drops_total ?? 0) > 0 && lag < 1) break;
  }
  report(`run burst (${OVERLOAD}, ${BURST} prefixes)`, {
    sent: server.stats().messagesSent,
    messages: info.messages,
    prefixes: info.prefixes,
    elements: last.portolan_elements_total ?? 0,
    processed: last.portolan_events_total ?? 0,
    drops: last.portolan_drops_total ?? 0,
    max_lag_s: maxLag,
    back_under_10s_after_s: Number.isNaN(backUnder10) ? (maxLag < 10 ? 'never above' : 'not within run') : backUnder10,
    burst_drain_s: steadyRate ? BURST / steadyRate : 'n/a',
    run_peak_rss_MiB: peak,
  });
  await stopRun(run.child);
  await server.close();
}

const file = await fileReference();
report('file source (reference)', { elements: file.elements, prefixes_per_s: file.elements / file.seconds, prefixes_per_cpu_s: file.elements / file.cpu });
const client = await clientReference();
report('client only (reference, raw)', { messages: client.messages, elements: client.elements, msgs_per_s: client.messages / client.seconds, prefixes_per_s: client.elements / client.seconds });
if (ONLY !== 'burst') for (let pass = 0; pass < (ROOTS.length > 1 ? 2 : 1); pass++) for (const root of ROOTS) await steady(root);
if (ONLY !== 'steady') await burst();
