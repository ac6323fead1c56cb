/**
 * `portolan run`: the main job. RIS Live (or `--replay FILE…`) → classifier → prefix state →
 * store, alerts and the dashboard's live feed. Wiring only: every part lives in collector/,
 * analyzer/ and dashboard/. Ctrl-C (or SIGTERM) stops the source, flushes every sink, saves
 * the prefix state and closes the store.
 */
import { existsSync } from 'node:fs';
import { createAlerting } from '../../analyzer/alerts/index.js';
import type { RoutedChange } from '../../analyzer/models/change-routing.js';
import { createMetrics, createMetricsSink, handleOpsRequest, probeHealth, startOpsServer } from '../../analyzer/metrics/index.js';
import { Pipeline } from '../../analyzer/pipeline/pipeline.js';
import type { PipelineSink } from '../../analyzer/pipeline/sink.js';
import { alertsSink, storeSink } from '../../analyzer/pipeline/sinks.js';
import { PrefixState } from '../../analyzer/state/index.js';
import { DailyIndexer } from '../../analyzer/accounting/daily.js';
import { agreementOf, type AgreementWalk } from '../../analyzer/geo/agreement.js';
import type { GeoDatabase, NamedGeo } from '../../analyzer/geo/index.js';
import { writePortabilityIndex } from '../../analyzer/store/portability.js';
import { FileSource, RisLiveSource, type RouteSource } from '../../collector/sources/index.js';
import { OVERFLOW_MODES, type OverflowMode } from '../../collector/rislive/client.js';
import { humanDuration } from '../../common/duration.js';
import type { RisSubscription } from '../../collector/rislive/protocol.js';
import { createDashboardServer } from '../../dashboard/server/index.js';
import { assertBindAllowed } from '../../dashboard/server/auth.js';
import { consoleLimitsFromFlags } from '../../dashboard/server/limits.js';
import type { CommonOptions } from '../../common/config.js';
import { httpLink } from '../../common/defaults.js';
import { log } from '../../common/log.js';
import { onShutdown } from '../../common/shutdown.js';
import { action } from '../action.js';
import { UsageError } from '../errors.js';
import { parseFilters, type FilterOptions } from '../filters.js';
import { feedHealth, keepAnalysisFresh, loadAsNamesFor, openMigratedStore, parsePort } from '../setup.js';
import { TimeSlicer } from '../../common/time-slice.js';

interface RunOptions extends CommonOptions, FilterOptions {
  indexMinutes: string;
  confirmed?: boolean;
  replay?: string[];
  record?: string;
  hosts?: string;
  port: string;
  host: string;
  dashboard: boolean;
  state?: string;
  snapshotMinutes: string;
}


/** `--overload`: checked; undefined when not given (each source has its own default). */
function overloadMode(text: string | undefined): OverflowMode | undefined {
  if (text === undefined || text === '') return undefined;
  if (!(OVERFLOW_MODES as readonly string[]).includes(text)) throw new UsageError(`--overload takes ${OVERFLOW_MODES.join(', ')}, not "${text}"`);
  return text as OverflowMode;
}

function openRunSource(opts: RunOptions, overload: OverflowMode | undefined): RouteSource {
  if (opts.replay?.length) {
    const [first] = opts.replay;
    // A replay server speaks RIS Live: old timestamps are expected (no lag watch), and by default nothing is dropped.
    if (opts.replay.length === 1 && /^wss?:\/\//.test(first)) return new RisLiveSource({ url: first, record: opts.record, lagThresholdSec: 0, overflow: overload ?? 'pause' });
    if (opts.record) throw new UsageError('--record records what a RIS Live endpoint sends; files given to --replay are already recorded');
    for (const f of opts.replay) if (!existsSync(f)) throw new UsageError(`--replay ${f}: no such file`);
    return new FileSource(opts.replay);
  }
  const hosts = opts.hosts?.split(',').map((h) => h.trim()).filter((h) => h && h !== 'all') ?? [];
  const subscriptions: RisSubscription[] | undefined = hosts.length
    ? hosts.map((host) => ({ host, type: 'UPDATE', socketOptions: { includeRaw: true } }))
    : undefined;
  return new RisLiveSource({ url: opts.risLive, subscriptions, record: opts.record, overflow: overload ?? 'drop' });
}

function minutes(flag: string, text: string): number {
  if (!/^\d+(\.\d+)?$/.test(text.trim())) throw new UsageError(`${flag} takes a number of minutes (0 or more), not "${text}"`);
  return Number(text) * 60;
}

export const run = action(runJob);

async function runJob(opts: RunOptions): Promise<void> {
  const port = parsePort(opts.port);
  let consoleLimits;
  try {
    if (opts.dashboard) assertBindAllowed(opts.host, opts.apiToken);
    consoleLimits = consoleLimitsFromFlags(opts);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const filters = parseFilters(opts);
  const snapshotSeconds = minutes('--snapshot-minutes', opts.snapshotMinutes);
  const indexSeconds = minutes('--index-minutes', opts.indexMinutes);
  const source = openRunSource(opts, overloadMode(opts.overload));
  const store = await openMigratedStore(opts);
  const storeOpenedAt = Date.now();
  onShutdown('store', () => store.close());

  const statePath = opts.state ?? `${opts.db}.state`;
  const state = existsSync(statePath) ? await restoreState(statePath) : new PrefixState();

  const metrics = createMetrics();
  const writer = store.createWriter({ onInsert: (seconds, table) => metrics.recordInsert(seconds, table) });
  metrics.observeWriter(() => writer.stats());
  metrics.observeSource(() => source.stats());
  const sinks: PipelineSink[] = [storeSink(writer), createMetricsSink(metrics)];
  // One load of the AS names, for the alerts' text and fields and for the dashboard.
  const asNames = opts.alerts || opts.dashboard ? loadAsNamesFor(opts) : null;
  let onRegistryChanges: ((changes: RoutedChange[]) => void) | undefined;
  if (opts.alerts) {
    const alerting = createAlerting({ file: opts.alerts, dashboardUrl: opts.dashboard ? httpLink(opts.host, port) : undefined, statePath: `${statePath}.alerts.json`, asNames });
    metrics.observeAlerts(() => alerting.stats());
    sinks.push(alertsSink(alerting));
    // The daily registry diff's changes go to the rules of kind registry-change.
    onRegistryChanges = (changes) => alerting.handleRegistryChanges(changes);
  }
  const ops = { metrics, health: () => probeHealth({ ping: () => store.ping(), source: () => source.stats(), lastStoreAnswerAt: () => metrics.lastInsertAt() ?? storeOpenedAt }) };
  let current: () => ReturnType<Awaited<ReturnType<typeof keepAnalysisFresh>>['current']> = () => null;
  // --confirmed: the agreement walk over the loaded databases, made once per analysis (a reload brings new ones).
  const agreements = new WeakMap<object, AgreementWalk>();
  const withAgreement = <A extends { geo: GeoDatabase; geoSources: NamedGeo[] }>(a: A | null): (A & { agreement?: AgreementWalk }) | null => {
    if (!a || !opts.confirmed) return a;
    let walk = agreements.get(a);
    if (!walk) agreements.set(a, (walk = agreementOf({ primary: a.geo, sources: a.geoSources })));
    return { ...a, agreement: walk };
  };
  const indexer = new DailyIndexer({
    table: state,
    analysis: () => withAgreement(current()),
    filters,
    write: (index) => writePortabilityIndex(store.client, index),
    sourceName: source.name,
    provisionalSeconds: indexSeconds,
  });
  sinks.push(indexer);
  const live = source instanceof RisLiveSource ? source : null;
  const pipeline = new Pipeline(null, state, sinks, live?.client.overflow === 'shed' ? { shed: () => live.underPressure() } : {});
  onShutdown('pipeline', async () => {
    await pipeline.close();
    await state.snapshot(statePath);
    log.info({ file: statePath, ...state.size() }, 'prefix state saved');
  });

  const analysis = await keepAnalysisFresh(opts, pipeline, store, onRegistryChanges);
  current = analysis.current;
  try {
    withAgreement(current());
  } catch (err) {
    throw new UsageError(`--confirmed: ${(err as Error).message}`);
  }
  if (opts.dashboard) {
    const dashboard = await createDashboardServer({
      store,
      analysis: analysis.current,
      // A first start downloads the registry (asn.txt included) in keepAnalysisFresh: names found only then still show.
      asNames: asNames ?? loadAsNamesFor(opts),
      health: overloadHealth(feedHealth(source), live, pipeline),
      port,
      host: opts.host,
      apiToken: opts.apiToken,
      publicPages: opts.publicPages,
      consoleLimits,
      ops: (req, res) => handleOpsRequest(req, res, ops),
    });
    sinks.push({ name: 'live feed', onLifecycle: (events) => events.forEach((e) => dashboard.feed.publish(e)) });
    onShutdown('dashboard', () => dashboard.close());
    process.stdout.write(`portolan dashboard on ${dashboard.url}${dashboard.allAddresses ? ' (listening on all addresses)' : ''}\n`);
  } else {
    const server = await startOpsServer(ops, port, opts.host);
    onShutdown('metrics server', () => server.close());
    log.info({ url: server.url }, 'metrics on /metrics, health on /healthz');
  }

  const snapshotMs = snapshotSeconds * 1000;
  if (snapshotMs > 0) {
    setInterval(() => {
      state.snapshot(statePath).catch((err: unknown) => log.warn({ err, file: statePath }, 'periodic state snapshot failed'));
    }, snapshotMs).unref();
  }

  let stopping = false;
  onShutdown('source', async () => {
    stopping = true;
    await source.close();
  });
  log.info({ source: source.name }, 'collecting');
  // Breaks every 10 ms of work: /metrics, /healthz, the API and the writer's timers answer
  // while a backlog or a replayed file saturates the pipeline.
  const slicer = new TimeSlicer();
  for await (const event of source.events({ peerDown: (down) => pipeline.peerDown(down, slicer) })) {
    await pipeline.process(event);
    const turn = slicer.tick();
    if (turn) await turn;
  }
  if (!stopping) {
    await pipeline.flush();
    log.info({ ...pipeline.counters, source: source.stats() }, 'source finished; everything is stored (Ctrl-C to stop the dashboard)');
    if (!opts.dashboard) process.kill(process.pid, 'SIGTERM');
  }
}

/**
 * The feed's health with the overload mode, what it shed, and the lag in words. A replay's
 * lag is the age of its (old) data, so it reads "… behind (replay)" rather than a raw count.
 */
function overloadHealth<T extends { lagSeconds?: number | null }>(base: () => T, live: RisLiveSource | null, pipeline: Pipeline): () => T & Record<string, unknown> {
  return () => {
    const h = base();
    if (!live) return { ...h, overload: 'pause (file replay)', shed: 0 };
    const lag = typeof h.lagSeconds === 'number' ? h.lagSeconds : null;
    const replay = live.client.stats().lagThresholdSec === 0;
    const lagText = lag === null ? '–' : replay ? `${humanDuration(lag)} behind (replay: event time vs now)` : humanDuration(lag);
    return { ...h, overload: live.client.overflow, shed: pipeline.counters.shed, replay, lagText };
  };
}

async function restoreState(path: string): Promise<PrefixState> {
  try {
    const state = await PrefixState.restore(path);
    log.info({ file: path, ...state.size() }, 'prefix state restored');
    return state;
  } catch (err) {
    log.warn({ err: err instanceof Error ? err.message : String(err), file: path }, 'prefix state snapshot unreadable; starting empty (it fills again from the feed)');
    return new PrefixState();
  }
}
