/**
 * `npm run soak -- --minutes N`: `portolan run` against `portolan replay-server --loop` for N
 * minutes (default 10), both as the user runs them (separate processes), with faults injected by
 * the replay server (each connection dropped after --close-after messages, a malformed frame
 * every --malformed-every; --stall-after instead of --close-after stalls each connection, which
 * the client notices after its 60 s idle timeout) and a slow dashboard client (an SSE live-feed
 * reader that reads one second in ten). Every --sample-seconds it prints run's RSS (/proc), heap
 * and event-loop lag (its /metrics), events, drops, reconnects and rows stored; at the end, a
 * summary: start/end/peak RSS, the RSS slope after warm-up (least squares, MB/hour and % per
 * 10 minutes), the anonymous part's slope (smaps_rollup: native and heap, not mapped library
 * pages), both slopes over the second half alone (does growth level off?) and stored against sent. --json prints the summary as one JSON object.
 *
 * Input: --capture FILE (MRT or RIS Live JSONL) with --rir-dir DIR; by default the RIS rrc06
 * updates file of ../shared/data with that era's registry, else a seeded synthetic capture with
 * the classifier test fixture's registry (test/reliability/fixture.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../common/paths.js';
import { hasSharedData, sharedData } from '../test/helpers/shared-data.js';
import { makeTmpDir } from '../test/helpers/tmp.js';
import { writeCapture } from '../test/reliability/fixture.js';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    'sample-seconds': { type: 'string', default: '10' },
    'warmup-minutes': { type: 'string' },
    speed: { type: 'string', default: '200' },
    capture: { type: 'string' },
    'rir-dir': { type: 'string' },
    geo: { type: 'string' },
    'close-after': { type: 'string', default: '50000' },
    'stall-after': { type: 'string' },
    'malformed-every': { type: 'string', default: '5000' },
    json: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});

function positive(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) {
    process.stderr.write(`soak: --${name} takes a number ≥ 0, not "${text}"\n`);
    process.exit(2);
  }
  return n;
}

const minutes = positive('minutes', args.minutes)!;
const sampleSeconds = Math.max(1, positive('sample-seconds', args['sample-seconds'])!);
// Warm-up: caches, the prefix state and chDB's buffers fill; the slope is taken after it.
const warmupMinutes = positive('warmup-minutes', args['warmup-minutes']) ?? Math.min(2, minutes / 5);
const tmp = makeTmpDir('soak');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MB = 1024 * 1024;

/** The input: given, the real RIS file, or a synthetic one. */
function input(): { capture: string; rirDir: string; geo?: string; label: string } {
  if (args.capture) return { capture: args.capture, rirDir: args['rir-dir'] ?? '', geo: args.geo, label: args.capture };
  if (hasSharedData) {
    const rirDir = join(tmp, 'rir');
    mkdirSync(rirDir);
    for (const rir of ['afrinic', 'apnic', 'lacnic', 'ripencc']) symlinkSync(sharedData('rir', '2014-07-01', `delegated-${rir}-latest.gz`), join(rirDir, `delegated-${rir}-latest.gz`));
    symlinkSync(sharedData('rir', '2013-08-13', 'delegated-arin-latest.gz'), join(rirDir, 'delegated-arin-latest.gz'));
    const capture = sharedData('mrt', 'bgpstream-testdata', 'ris.rrc06.updates.1427846400.gz');
    return { capture, rirDir, label: 'ris.rrc06.updates.1427846400.gz (shared data) with the 2014 RIR files' };
  }
  const c = writeCapture(tmp, { messages: 40_000 });
  return { capture: c.mrt, rirDir: c.rirDir, geo: c.mmdb, label: `synthetic capture, ${c.elements} elements` };
}

/** The children this script started, stopped if it fails or is interrupted. */
const children: ChildProcess[] = [];

function portolan(argv: string[], logLevel = 'warn'): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot(), 'cli', 'main.ts'), ...argv], {
    cwd: projectRoot(),
    env: { ...process.env, PORTOLAN_LOG_FORMAT: 'json', PORTOLAN_LOG_LEVEL: logLevel, TMPDIR: tmp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

function stopChildren(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

/** Resolves with the first match of `re` in the child's stdout (bounded). */
function waitForLine(child: ChildProcess, re: RegExp, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start within 120 s:\n${err.slice(-2000)}`)), 120_000);
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-20_000)));
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = re.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`${what} exited (${code}) before it started:\n${err.slice(-2000)}`)));
  });
}

/** A slow dashboard client: an SSE reader that reads for one second in ten. */
function slowFeedClient(base: string): { stop(): void; bytes(): number } {
  let bytes = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const req = request(`${base}/api/feed?backlog=50`, (res) => {
    res.on('data', (d: Buffer) => (bytes += d.length));
    const cycle = () => {
      if (stopped) return;
      res.pause();
      timer = setTimeout(() => {
        res.resume();
        timer = setTimeout(cycle, 1000);
      }, 9000);
    };
    cycle();
  });
  req.on('error', () => undefined);
  req.end();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      req.destroy();
    },
    bytes: () => bytes,
  };
}

const metric = (text: string, name: string): number =>
  [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? ([-0-9.e+]+)$`, 'gm'))].reduce((a, m) => a + Number(m[1]), 0);

function rssBytes(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Anonymous (heap, native allocations) and file-backed resident bytes (/proc smaps_rollup): growth in the first is a leak or a cache filling, in the second mapped library pages the kernel may drop. */
function rssParts(pid: number): { anon: number; file: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
    return { anon: kb('Anonymous'), file: kb('Rss') - kb('Anonymous') };
  } catch {
    return null;
  }
}

interface Sample {
  t: number;
  rss: number;
  /** Anonymous resident bytes (NaN where /proc has no smaps_rollup). */
  anon: number;
  heap: number;
  lagP99: number;
  events: number;
  messages: number;
  drops: number;
  reconnects: number;
  sourceErrors: number;
  inserted: number;
  spool: number;
  feedDropped: number;
}

/** Least-squares slope of y over t (per second). */
function slope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mt = points.reduce((a, p) => a + p[0], 0) / n;
  const my = points.reduce((a, p) => a + p[1], 0) / n;
  let num = 0;
  let den = 0;
  for (const [t, y] of points) {
    num += (t - mt) * (y - my);
    den += (t - mt) ** 2;
  }
  return den ? num / den : 0;
}

async function main(): Promise<void> {
  const src = input();
  const replayArgs = ['replay-server', src.capture, '--loop', '--speed', String(positive('speed', args.speed)), '--port', '0'];
  if (args['stall-after']) replayArgs.push('--stall-after', args['stall-after']);
  else if (Number(args['close-after']) > 0) replayArgs.push('--close-after', args['close-after']!);
  if (Number(args['malformed-every']) > 0) replayArgs.push('--malformed-every', args['malformed-every']!);
  const replay = portolan(replayArgs);
  let replayOut = '';
  replay.stdout!.on('data', (d: Buffer) => (replayOut += d.toString()));
  const wsUrl = await waitForLine(replay, /listening on (ws:\/\/\S+)/, 'replay-server');

  const runArgs = ['run', '--replay', wsUrl, '--port', '0', '--db', join(tmp, 'db'), '--snapshot-minutes', '5'];
  if (src.rirDir) runArgs.push('--rir-dir', src.rirDir);
  if (src.geo) runArgs.push('--geo', src.geo);
  const run = portolan(runArgs);
  const base = await waitForLine(run, /dashboard on (http:\/\/\S+)/, 'portolan run');
  const slow = slowFeedClient(base);

  process.stderr.write(`soak: ${minutes} min of portolan run (pid ${run.pid}) on ${wsUrl} (${replayArgs.slice(2).join(' ')}); input ${src.label}; samples every ${sampleSeconds} s, warm-up ${warmupMinutes} min\n`);
  if (!args.json) process.stdout.write('   t(s)  RSS(MB)  heap(MB)  lag p99(ms)    events  reconnects  drops  src errors    stored  spool  feed drops\n');
  const samples: Sample[] = [];
  const started = Date.now();
  const end = started + minutes * 60_000;
  while (Date.now() < end) {
    await sleep(Math.min(sampleSeconds * 1000, Math.max(0, end - Date.now())));
    let text = '';
    let health: { live?: { dropped?: number } } = {};
    try {
      text = await (await fetch(`${base}/metrics`)).text();
      health = (await (await fetch(`${base}/api/health`)).json()) as typeof health;
    } catch (err) {
      process.stderr.write(`soak: scrape failed: ${(err as Error).message}\n`);
      continue;
    }
    const s: Sample = {
      t: (Date.now() - started) / 1000,
      rss: rssBytes(run.pid!) ?? metric(text, 'process_resident_memory_bytes'),
      anon: rssParts(run.pid!)?.anon ?? NaN,
      heap: metric(text, 'nodejs_heap_size_used_bytes'),
      lagP99: metric(text, 'nodejs_eventloop_lag_p99_seconds'),
      events: metric(text, 'portolan_events_total'),
      messages: metric(text, 'portolan_messages_total'),
      drops: metric(text, 'portolan_drops_total'),
      reconnects: metric(text, 'portolan_reconnects_total'),
      sourceErrors: metric(text, 'portolan_source_errors_total'),
      inserted: metric(text, 'portolan_store_rows_inserted_total'),
      spool: metric(text, 'portolan_store_spool_depth_rows'),
      feedDropped: health.live?.dropped ?? 0,
    };
    samples.push(s);
    if (!args.json) {
      process.stdout.write(
        `${s.t.toFixed(0).padStart(7)}  ${(s.rss / MB).toFixed(1).padStart(7)}  ${(s.heap / MB).toFixed(1).padStart(8)}  ${(s.lagP99 * 1000).toFixed(1).padStart(11)}  ${String(s.events).padStart(8)}  ${String(s.reconnects).padStart(10)}  ${String(s.drops).padStart(5)}  ${String(s.sourceErrors).padStart(10)}  ${String(s.inserted).padStart(8)}  ${String(s.spool).padStart(5)}  ${String(s.feedDropped).padStart(10)}\n`,
      );
    }
  }

  // A clean stop: run flushes everything, then the replay server reports what it sent.
  slow.stop();
  const runExit = new Promise<number | null>((r) => run.once('exit', (code) => r(code)));
  run.kill('SIGINT');
  const runCode = await runExit;
  const replayExit = new Promise<void>((r) => replay.once('exit', () => r()));
  replay.kill('SIGINT');
  await replayExit;
  const sent = /(\d+) message\(s\) sent/.exec(replayOut);

  if (!samples.length) throw new Error('no samples: the run was shorter than one sample interval');
  const after = samples.filter((s) => s.t >= warmupMinutes * 60);
  const window = after.length >= 2 ? after : samples;
  const bytesPerSecond = slope(window.map((s) => [s.t, s.rss]));
  const heapPerSecond = slope(window.map((s) => [s.t, s.heap]));
  const first = samples[0];
  const last = samples[samples.length - 1];
  const meanRss = window.reduce((a, s) => a + s.rss, 0) / window.length;
  // Whether growth levels off: the slopes over the second half of the run alone.
  const secondHalf = samples.filter((s) => s.t >= (minutes * 60) / 2);
  const late = secondHalf.length >= 2 ? secondHalf : window;
  const perHourMB = (v: number) => +((v * 3600) / MB).toFixed(1);
  const summary = {
    minutes,
    input: src.label,
    replay: replayArgs.slice(2).join(' '),
    samples: samples.length,
    warmupMinutes,
    rssMB: { start: +(first.rss / MB).toFixed(1), afterWarmup: +(window[0].rss / MB).toFixed(1), end: +(last.rss / MB).toFixed(1), peak: +(Math.max(...samples.map((s) => s.rss)) / MB).toFixed(1) },
    rssSlopeMBPerHour: +((bytesPerSecond * 3600) / MB).toFixed(1),
    rssGrowthPercentPer10Min: +(((bytesPerSecond * 600) / meanRss) * 100).toFixed(2),
    heapSlopeMBPerHour: +((heapPerSecond * 3600) / MB).toFixed(1),
    anonSlopeMBPerHour: perHourMB(slope(window.map((s) => [s.t, s.anon]))),
    secondHalf: { rssSlopeMBPerHour: perHourMB(slope(late.map((s) => [s.t, s.rss]))), anonSlopeMBPerHour: perHourMB(slope(late.map((s) => [s.t, s.anon]))) },
    anonMB: { start: +(first.anon / MB).toFixed(1), end: +(last.anon / MB).toFixed(1) },
    heapMB: { start: +(first.heap / MB).toFixed(1), end: +(last.heap / MB).toFixed(1), peak: +(Math.max(...samples.map((s) => s.heap)) / MB).toFixed(1) },
    eventLoopLagP99Ms: { median: +((sortedMid(samples.map((s) => s.lagP99)) ?? 0) * 1000).toFixed(1), max: +(Math.max(...samples.map((s) => s.lagP99)) * 1000).toFixed(1) },
    messagesSent: sent ? Number(sent[1]) : null,
    messagesReceived: last.messages,
    events: last.events,
    rowsStored: last.inserted,
    spoolRowsAtLastSample: last.spool,
    reconnects: last.reconnects,
    drops: last.drops,
    malformedCounted: last.sourceErrors,
    slowClientFeedDrops: last.feedDropped,
    runExitCode: runCode,
  };
  if (args.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    process.stdout.write(
      [
        '',
        `RSS: start ${summary.rssMB.start} MB, after warm-up ${summary.rssMB.afterWarmup} MB, end ${summary.rssMB.end} MB, peak ${summary.rssMB.peak} MB`,
        `RSS slope after warm-up: ${summary.rssSlopeMBPerHour} MB/hour (${summary.rssGrowthPercentPer10Min}% per 10 minutes); heap ${summary.heapSlopeMBPerHour} MB/hour (start ${summary.heapMB.start}, end ${summary.heapMB.end}, peak ${summary.heapMB.peak} MB)`,
        `anonymous (native + heap) RSS: start ${summary.anonMB.start} MB, end ${summary.anonMB.end} MB, slope after warm-up ${summary.anonSlopeMBPerHour} MB/hour; second half of the run: RSS ${summary.secondHalf.rssSlopeMBPerHour} MB/hour, anonymous ${summary.secondHalf.anonSlopeMBPerHour} MB/hour`,
        `event-loop lag p99: median ${summary.eventLoopLagP99Ms.median} ms, max ${summary.eventLoopLagP99Ms.max} ms`,
        `messages sent ${summary.messagesSent ?? '?'}, received ${summary.messagesReceived}, malformed counted ${summary.malformedCounted}, dropped ${summary.drops}, reconnects ${summary.reconnects}`,
        `events ${summary.events}, rows stored ${summary.rowsStored} (route + finding events), slow feed client: ${summary.slowClientFeedDrops} items dropped for it`,
        `run exited with ${runCode} after SIGINT`,
        '',
      ].join('\n'),
    );
  }
  if (!args.keep) rmSync(tmp, { recursive: true, force: true });
}

function sortedMid(values: number[]): number | undefined {
  const v = [...values].sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)];
}

process.once('SIGINT', () => {
  stopChildren();
  process.exit(130);
});
main().catch((err: unknown) => {
  process.stderr.write(`soak: ${(err as Error).message}\n`);
  stopChildren();
  process.exitCode = 1;
});
