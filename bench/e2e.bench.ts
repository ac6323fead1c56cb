/**
 * End-to-end prefix-events/s on one core, the path `portolan ingest` takes (its loop: the source
 * an MRT record at a time, a wait only when the writer asks): FileSource → Pipeline
 * (real classifier on the 2013-08-13 RIR files + IANA + bundled geo, real PrefixState) → real
 * chDB store in a temp folder. For each input, in the same process:
 *   - parser alone (FileSource, no analysis): the reference;
 *   - e2e cold: fresh classifier caches, fresh state, store;
 *   - e2e warm: same classifier (caches full), fresh state, the same store;
 *   - steady: an updates file 10 times over (shifted by its 5 minutes each pass), long enough
 *     for inserts to overlap with processing as in a live feed or a backfill: the sustained rate;
 * then the whole set again with the read models' materialized views detached (raw-only: what
 * the route_events table alone costs), and once more without the store (the pipeline's share).
 * Peak RSS is per process (so it grows over the phases). CPU µs per event counts every thread of
 * the process (the JS pipeline and chDB's insert threads), a figure that shared, noisy machines
 * disturb less than the wall-clock rate; it is also given by thread (bench/thread-cpu.ts): the
 * main thread (the pipeline), the engine's threads (inserts, views, merges), Node's others (V8's
 * compilers and GC helpers). Needs ../shared/data; skips without it.
 *
 * BENCH_E2E_FILES=path,path overrides the inputs; BENCH_E2E_STEADY=path and BENCH_E2E_STEADY_REPEAT=N
 * the sustained stream; BENCH_E2E_BATCH=N the writer's batch size (default 50,000: 10,000 and
 * 20,000 measured slower here); BENCH_E2E_PHASES=e2e,raw-only,no-store the phases to run (default all);
 * BENCH_E2E_DETACH=name,name the views raw-only detaches, by the start of their names (default all:
 * e.g. `prefix_activity,prefix_routes_daily,mismatch_prefix,mismatch_events` leaves the `uniq` ones);
 * BENCH_E2E_ONE_CONNECTION=1 inserts over the store's one connection (concurrent inserts then queue).
 */
import { rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createClassifier, type Classifier } from '../analyzer/classify/index.js';
import { openGeo } from '../analyzer/geo/index.js';
import { Pipeline } from '../analyzer/pipeline/pipeline.js';
import { storeSink } from '../analyzer/pipeline/sinks.js';
import type { PipelineSink } from '../analyzer/pipeline/sink.js';
import { loadRegistry } from '../analyzer/registry/index.js';
import { PrefixState } from '../analyzer/state/index.js';
import { openStore, type Store } from '../analyzer/store/index.js';
import type { RouteEvent } from '../collector/models/route-event.js';
import { FileSource } from '../collector/sources/index.js';
import { TimeSlicer } from '../common/time-slice.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../test/helpers/shared-data.js';
import { makeTmpDir } from '../test/helpers/tmp.js';
import { report } from './report.js';
import { cpuByGroup, readThreads, type ThreadCpu } from './thread-cpu.js';

if (!hasSharedData) {
  process.stdout.write(`e2e: skipped (${sharedDataSkipReason})\n`);
  process.exit(0);
}

const files = process.env.BENCH_E2E_FILES?.split(',') ?? [
  sharedData('mrt/bgpdump-testdata/bview.20020722.2337.gz'),
  sharedData('mrt/bgpdump-testdata/updates.20160811.1600.gz'),
  sharedData('ris-live/morrowc-rislive/1k-msgs.jsonl'),
];

/** The sustained-stream input: an updates file several times over, each pass shifted by its 5 minutes. */
const steady = {
  file: process.env.BENCH_E2E_STEADY ?? sharedData('mrt/bgpdump-testdata/updates.20160811.1600.gz'),
  times: Number(process.env.BENCH_E2E_STEADY_REPEAT ?? 10),
  shiftSeconds: 300,
  get name() {
    return `${basename(this.file)}×${this.times}`;
  },
};

const t0 = performance.now();
const [registry, geo] = await Promise.all([
  loadRegistry({ rirDir: sharedData('rir/2013-08-13'), ianaDir: sharedData('iana') }),
  openGeo(),
]);
report('e2e setup (registry + geo load)', { seconds: (performance.now() - t0) / 1000 });

const dir = makeTmpDir('bench-e2e');
const store: Store = await openStore({ db: join(dir, 'db') });
await store.migrate();

interface Run {
  events: number;
  seconds: number;
  /** CPU time of the whole process (JS thread and chDB's threads) per event, the merges its inserts caused included. */
  cpuMicros: number;
  /** The same by thread (bench/thread-cpu.ts), per event: threads that ended meanwhile are not in it. */
  byThread: ThreadCpu;
}

/**
 * Waits until chDB runs no background merge (at most 60 s), so a phase neither competes with
 * the merges of the one before nor leaves its own to the next one's CPU figure.
 */
async function settle(): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const rs = await store.client.query({ query: 'SELECT count() AS n FROM system.merges', format: 'JSONEachRow' });
    if (Number((await rs.json<{ n: string }>())[0].n) === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Wall time until the last row is stored; CPU until the merges it started are done too. */
async function measure(count: () => Promise<number>): Promise<Run> {
  await settle();
  const started = performance.now();
  const cpu = cpuSeconds();
  const threads = readThreads(process.pid);
  const events = await count();
  const seconds = (performance.now() - started) / 1000;
  await settle();
  const byThread = cpuByGroup(readThreads(process.pid), threads);
  const perEvent = (s: number) => (s * 1e6) / events;
  return {
    events,
    seconds,
    cpuMicros: perEvent(cpuSeconds() - cpu),
    byThread: Object.fromEntries(Object.entries(byThread).map(([group, s]) => [group, perEvent(s)])) as unknown as ThreadCpu,
  };
}

/** A file's events `times` times over, each pass `shiftSeconds` later: a long stream of the same kind. */
async function* repeated(file: string, times: number, shiftSeconds: number): AsyncGenerator<RouteEvent[]> {
  for (let r = 0; r < times; r++) {
    for await (const batch of new FileSource([file]).eventBatches()) {
      for (const e of batch) e.timestamp += r * shiftSeconds;
      yield batch;
    }
  }
}

/** The events as `portolan ingest` reads them: an MRT record's (or RIS message's) at a time. */
type Events = () => AsyncIterable<RouteEvent[]>;
const fileEvents = (file: string): Events => () => new FileSource([file]).eventBatches();

const parseOnly = (events: Events): Promise<Run> =>
  measure(async () => {
    let n = 0;
    for await (const batch of events()) for (const e of batch) if (e.prefix) n++;
    return n;
  });

/** `phase` relabels the collector, so no phase's rows are deduplicated against an earlier phase's. */
const endToEnd = (events: Events, classifier: Classifier, sinks: PipelineSink[], phase: string): Promise<Run> =>
  measure(async () => {
    const pipeline = new Pipeline(classifier, new PrefixState(), sinks);
    const slicer = new TimeSlicer();
    for await (const batch of events()) {
      for (const e of batch) {
        e.collector = `${e.collector}#${phase}`;
        // As `ingest` does: awaited only when the writer asks to wait or a break (every 10 ms of work) is due.
        const wait = pipeline.processSliced(e, slicer);
        if (wait) await wait;
      }
    }
    await pipeline.flush();
    return pipeline.counters.events;
  });

const line = (name: string, r: Run, ref?: Run) =>
  report(name, {
    events: r.events,
    events_per_s: r.events / r.seconds,
    seconds: r.seconds,
    cpu_us_per_event: r.cpuMicros,
    main_thread_us: r.byThread.main_s,
    engine_us: r.byThread.engine_s,
    node_threads_us: r.byThread.node_s,
    ...(ref ? { vs_parser: `${((r.events / r.seconds / (ref.events / ref.seconds)) * 100).toFixed(0)}%` } : {}),
  });

/** The materialized views that feed the read models: detached for the `raw-only` phase (those BENCH_E2E_DETACH names, when set). */
const detach = process.env.BENCH_E2E_DETACH?.split(',');
const views = (await (await store.client.query({ query: "SELECT name FROM system.tables WHERE database = currentDatabase() AND engine = 'MaterializedView'", format: 'JSONEachRow' })).json<{ name: string }>())
  .map((r) => r.name)
  .filter((name) => !detach || detach.some((start) => name.startsWith(start)));
const setViews = async (attached: boolean) => {
  for (const v of views) await store.client.command({ query: `${attached ? 'ATTACH' : 'DETACH'} TABLE ${v}` });
};

// e2e: the store as `portolan ingest` writes it; raw-only: route events without the read
// models' views (their share of the cost); no-store: the pipeline alone.
const phases = process.env.BENCH_E2E_PHASES?.split(',') ?? ['e2e', 'raw-only', 'no-store'];
for (const label of (['e2e', 'raw-only', 'no-store'] as const).filter((p) => phases.includes(p))) {
  const writer =
    label === 'no-store'
      ? null
      : store.createWriter({
          ...(process.env.BENCH_E2E_BATCH ? { batchSize: Number(process.env.BENCH_E2E_BATCH) } : {}),
          // One connection: the writer's two concurrent inserts queue behind each other (as before session 18).
          ...(process.env.BENCH_E2E_ONE_CONNECTION ? { openConnection: undefined } : {}),
        });
  const sinks = writer ? [storeSink(writer)] : [];
  if (label === 'raw-only') await setViews(false);
  for (const file of files) {
    const name = basename(file);
    const parser = await parseOnly(fileEvents(file));
    if (label === 'e2e') line(`parser alone ${name}`, parser);
    const classifier = createClassifier({ registry, geo });
    line(`${label} cold ${name}`, await endToEnd(fileEvents(file), classifier, sinks, `${label}-cold`), parser);
    line(`${label} warm ${name}`, await endToEnd(fileEvents(file), classifier, sinks, `${label}-warm`), parser);
  }
  // Sustained: long enough for batches to overlap with processing, as in a live feed or a backfill.
  const stream = () => repeated(steady.file, steady.times, steady.shiftSeconds);
  const parser = await parseOnly(stream);
  if (label === 'e2e') line(`parser alone ${steady.name}`, parser);
  line(`${label} steady ${steady.name}`, await endToEnd(stream, createClassifier({ registry, geo }), sinks, `${label}-steady`), parser);
  if (label === 'raw-only') await setViews(true);
  if (writer) {
    await writer.close();
    const s = writer.stats();
    report(`${label} store writer`, { inserted: s.inserted, batches: s.insertedBatches, spooled: s.spooledRows, rejected: s.rejectedRows });
  }
}
await store.close();
rmSync(dir, { recursive: true, force: true });
