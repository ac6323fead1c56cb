/**
 * What several commands build the same way: the analysis stack (registry → geo → classifier)
 * and the store. Thin helpers; the logic lives in analyzer/.
 */
import { createClassifier, type Classifier } from '../analyzer/classify/index.js';
import { openGeoSet, type GeoDatabase, type NamedGeo } from '../analyzer/geo/index.js';
import type { RegistryIndex } from '../analyzer/registry/index.js';
import { loadPreparedRegistry } from '../analyzer/registry/prepared.js';
import { loadVrps, RpkiFeed, vrpSources as rpkiSources, type VrpIndex } from '../analyzer/rpki/index.js';
import { loadVrpsInWorker } from '../analyzer/rpki/load-worker.js';
import { updateRegistry } from '../analyzer/registry/download.js';
import { archiveDirOf } from '../analyzer/registry/archive.js';
import { diffNewestArchived } from '../analyzer/registry/diff-archive.js';
import { routeChanges } from '../analyzer/change-routing/index.js';
import type { RoutedChange } from '../analyzer/models/change-routing.js';
import type { RouteSource } from '../collector/sources/index.js';
import type { FeedHealth } from '../dashboard/server/types.js';
import { openStore, type Store } from '../analyzer/store/index.js';
import { storeTarget } from './store-target.js';
import type { CommonOptions } from '../common/config.js';
import { log } from '../common/log.js';
import { UsageError } from './errors.js';
import { resolveAsNames, type AsNameLookup } from '../analyzer/asnames/index.js';

export interface Analysis {
  registry: RegistryIndex;
  /** The primary geolocation database (the first independent one of `--geo A,B,C`). */
  geo: GeoDatabase;
  /** Every `--geo` database, for the per-prefix comparison; one entry with a single database. */
  geoSources: NamedGeo[];
  /** Validated ROA payloads (`--rpki`); null without. */
  rpki: VrpIndex | null;
  classifier: Classifier;
}

type AnalysisOptions = Pick<CommonOptions, 'rirDir' | 'ianaDir' | 'cacheDir' | 'geo' | 'rpki'>;

/**
 * Registry, geolocation and (with `--rpki`) VRPs, and a classifier over them. `rpki` given:
 * those VRPs instead of loading `opts.rpki` (a long-running job's feed); a VRP file that cannot
 * be used is an error here, as for any input a one-shot command was given.
 */
export async function loadAnalysis(opts: AnalysisOptions, rpki?: VrpIndex | null): Promise<Analysis> {
  const started = Date.now();
  // Every command loading an analysis classifies many events (run, ingest) or serves lookups
  // (serve): the registry comes with its indexes built, as prepared by an earlier command when it can.
  const [{ registry, prepared }, geoSet, vrps] = await Promise.all([
    loadPreparedRegistry({ rirDir: opts.rirDir, ianaDir: opts.ianaDir, cacheDir: opts.cacheDir }),
    openGeoSet(opts.geo),
    rpki !== undefined ? rpki : opts.rpki ? loadVrps(rpkiSources(opts.rpki)) : null,
  ]);
  const geo = geoSet.primary;
  const geoSources = geoSet.sources;
  log.info({ files: registry.files().length, prepared, geo: geoSources.map((s) => `${s.name}${s.echo ? ' (registry echo)' : ''}`), vrps: vrps?.size, ms: Date.now() - started }, 'registry and geolocation loaded');
  return { registry, geo, geoSources, rpki: vrps, classifier: createClassifier({ registry, geo, geoSources, rpki: vrps }) };
}

/**
 * `--rpki` for a server that can run without it (`serve`): the VRPs, or null with a warning
 * naming the file and what is wrong with it; the registry and geo are loaded either way.
 */
export async function loadVrpsOrWarn(rpki: string | undefined): Promise<VrpIndex | null> {
  if (!rpki) return null;
  try {
    return await loadVrps(rpkiSources(rpki));
  } catch (err) {
    log.warn({ rpki, err: err instanceof Error ? err.message : String(err) }, 'RPKI VRPs (--rpki) not loaded: serving without ROV states; fix the file and restart');
    return null;
  }
}

/**
 * AS names for the dashboard, lookup and query: `--as-names FILE` (a bad file is a usage error),
 * else asn.txt in the cache when present (a bad cached file is logged and skipped), else none.
 */
export function loadAsNamesFor(opts: Pick<CommonOptions, 'asNames' | 'cacheDir'>): AsNameLookup | null {
  try {
    const names = resolveAsNames(opts);
    if (names) log.info({ source: names.source, names: names.size }, 'AS names loaded');
    return names;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (opts.asNames) throw new UsageError(message);
    log.warn({ err: message }, 'AS names in the cache could not be read; AS numbers are shown without names');
    return null;
  }
}

/** Opens the store (storeTarget) and migrates it. */
export async function openMigratedStore(opts: Pick<CommonOptions, 'db' | 'clickhouse' | 'clickhouseCluster' | 'rawTtlDays'>): Promise<Store> {
  const store = await openStore(storeTarget(opts));
  await store.migrate();
  // The engine is up and its tables are migrated: the library pages that only start-up needed go.
  const advised = store.releaseStartupPages();
  if (advised !== null) log.debug({ advisedMiB: Math.round(advised / 2 ** 20) }, 'chDB start-up pages handed back to the kernel');
  return store;
}

export function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0..65535, not ${text}`);
  return port;
}

const RETRY_MS = 10 * 60_000;
const REFRESH_MS = 24 * 3600_000;

/**
 * Loads the analysis stack for a long-running job and keeps it fresh. With the download cache
 * (no `--rir-dir`): a missing registry is downloaded first, a failed load is retried every
 * 10 minutes (events are stored unclassified meanwhile, never dropped), and the files are
 * refreshed daily; each new stack replaces the pipeline's classifier and reclassifies.
 */
export async function keepAnalysisFresh(
  opts: AnalysisOptions & Pick<CommonOptions, 'rpkiRefresh'>,
  pipeline: { setClassifier(c: Classifier): Promise<void> },
  /** Where the daily registry changes go (null: not diffed). */
  store: Pick<Store, 'client'> | null,
  /** Gets each daily diff's changes with their routing (the alerts' registry-change rules). */
  onRegistryChanges?: (changes: RoutedChange[]) => void,
): Promise<{ current(): Analysis | null }> {
  let current: Analysis | null = null;
  const downloads = !opts.rirDir;
  // The registry change stream: after each download, the archive's two newest dates are diffed
  // into registry_changes (in the background; a failure is logged and tried again next time).
  let diffedTo: string | null = null;
  const diffArchive = async (): Promise<void> => {
    if (!store) return;
    try {
      const r = await diffNewestArchived(archiveDirOf(opts.cacheDir), store.client, { skipTo: diffedTo, routeChanges, onChanges: onRegistryChanges });
      if (r) {
        diffedTo = r.to;
        log.info({ ...r }, 'registry changes stored');
      }
    } catch (err) {
      log.warn({ err: err instanceof Error ? err.message : String(err) }, 'registry diff after the update failed; tried again after the next one');
    }
  };
  const attempt = async (download: boolean): Promise<boolean> => {
    try {
      if (download) {
        await downloadRegistry(opts.cacheDir);
        void diffArchive();
      }
      current = await loadAnalysis(opts, rpki?.current() ?? null);
      await pipeline.setClassifier(current.classifier);
      return true;
    } catch (err) {
      log.error(
        { err: err instanceof Error ? err.message : String(err), retryMinutes: downloads ? RETRY_MS / 60_000 : undefined },
        downloads
          ? 'registry not available: events are stored unclassified until it is; retrying'
          : 'registry not available from --rir-dir: events are stored unclassified',
      );
      return false;
    }
  };
  // RPKI: loaded before the registry so the first classifier has it; a failure is logged and
  // the job runs without (or, on a later refresh, with the last good set) until a load succeeds.
  // Each load (read, parse, index) runs on a worker thread, so a refresh does not hold the loop;
  // the classifier then swaps its VRPs and keeps its registry and geo caches.
  const rpki = opts.rpki ? new RpkiFeed(rpkiSources(opts.rpki), { load: (sources) => loadVrpsInWorker(sources) }) : null;
  if (rpki) {
    const every = rpkiRefreshMs(opts.rpkiRefresh);
    await rpki.refresh();
    rpki.schedule(every, async (vrps) => {
      const was = current;
      if (!was) return;
      was.classifier.setRpki(vrps);
      current = { ...was, rpki: vrps };
      await pipeline.setClassifier(was.classifier);
    });
  }
  if (!(await attempt(false)) && downloads && !(await attempt(true))) {
    const retry = setInterval(() => {
      void attempt(true).then((ok) => ok && clearInterval(retry));
    }, RETRY_MS);
    retry.unref();
  }
  if (downloads) setInterval(() => void attempt(true), REFRESH_MS).unref();
  return { current: () => current };
}

/** `--rpki-refresh MINUTES` in milliseconds; a bad value is a usage error. */
export function rpkiRefreshMs(text: string | undefined): number {
  const minutes = Number(text ?? 60);
  if (!Number.isFinite(minutes) || minutes < 1) throw new UsageError(`--rpki-refresh takes minutes, at least 1 (not "${text}")`);
  return minutes * 60_000;
}

async function downloadRegistry(cacheDir: string): Promise<void> {
  const results = await updateRegistry({ cacheDir });
  const failed = results.filter((r) => r.status === 'failed' && !r.optional);
  if (failed.length) throw new Error(`registry download failed: ${failed.map((r) => `${r.name} (${r.error ?? 'error'})`).join(', ')}`);
}

/** The dashboard's feed-health view of a source: connected, messages/s, lag, reconnects, drops. */
export function feedHealth(source: RouteSource): () => FeedHealth {
  let last = { at: Date.now(), messages: 0 };
  let rate = 0;
  return () => {
    const s = source.stats();
    const now = Date.now();
    if (now - last.at >= 1000) {
      rate = ((s.messages - last.messages) * 1000) / (now - last.at);
      last = { at: now, messages: s.messages };
    }
    const connected = typeof s.detail?.connected === 'boolean' ? s.detail.connected : true;
    return { connected, source: source.name, messagesPerSecond: rate, lagSeconds: s.lagSeconds ?? null, reconnects: s.reconnects, drops: s.dropped, messages: s.messages, errors: s.errors };
  };
}
