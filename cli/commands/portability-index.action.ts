/**
 * `portolan index build FILE…`, `index backfill FILE…` and `index show`: the daily portability
 * index from MRT/JSONL files, and the stored series. The computation is analyzer/accounting.
 */
import { log } from '../../common/log.js';
import { basename } from 'node:path';
import { readTableInWorker } from '../../analyzer/accounting/table-worker.js';
import type { GeoDatabase } from '../../analyzer/geo/index.js';
import type { AgreementWalk } from '../../analyzer/geo/agreement.js';
import { INDEX_RIRS, type PortabilityIndex, type RoutedFilters } from '../../analyzer/models/accounting.js';
import type { CachedSpace } from '../../analyzer/accounting/space-cache.js';
import type { CommonOptions } from '../../common/config.js';
import { isDay, utcDay } from '../../common/time.js';
import { action } from '../action.js';
import { UsageError } from '../errors.js';
import { inputFiles, type FileListOptions } from '../file-list.js';
import { parseFilters, type FilterOptions } from '../filters.js';
import { fmtInt, ProgressLine } from '../progress.js';
import { FORMATS, render } from '../render.js';

/**
 * The registry, geo and accounting code, loaded once the route reader's worker has started (about
 * 90 ms of module loading that its start-up then overlaps).
 */
const accountingModules = () =>
  Promise.all([
    import('../../analyzer/accounting/account.js'),
    import('../../analyzer/accounting/portability.js'),
    import('../../analyzer/accounting/space-cache.js'),
    import('../../analyzer/accounting/runs-cache.js'),
    import('../../analyzer/geo/index.js'),
    import('../../analyzer/geo/agreement.js'),
  ]).then(([account, portability, spaceCache, runsCache, geo, agreement]) => ({ ...account, ...portability, ...spaceCache, ...runsCache, ...geo, ...agreement }));

/** The store and its index tables, loaded only when used (`index build --no-store` never opens a store: ~120 ms of start-up). */
const storeModules = () => Promise.all([import('../setup.js'), import('../../analyzer/store/portability.js')]).then(([setup, portability]) => ({ ...setup, ...portability }));

interface BuildOptions extends CommonOptions, FilterOptions, FileListOptions {
  date?: string;
  json?: boolean;
  store: boolean;
  /** Count the day a second time with only the addresses the independent geo databases agree on. */
  confirmed?: boolean;
  /** Read and write the registry as prepared for the accounting in <cache-dir>/prepared (--no-prepared: false). */
  prepared: boolean;
}

interface ShowOptions extends CommonOptions {
  from?: string;
  to?: string;
  format: string;
  family?: string;
}

export const build = action(buildCommand, { exitWhenDone: true });
export const backfill = action(backfillCommand, { exitWhenDone: true });
export const show = action(showCommand);

async function buildCommand(args: string[], opts: BuildOptions): Promise<void> {
  const files = inputFiles(args, opts);
  if (opts.date !== undefined && !isDay(opts.date)) throw new UsageError(`--date takes a day as YYYY-MM-DD (not "${opts.date}")`);
  const filters = parseFilters(opts);
  const load = dataLoader(opts);
  const index = await buildDay(files, opts.date, filters, load);
  if (opts.store) {
    const { openMigratedStore, writePortabilityIndex } = await storeModules();
    const store = await openMigratedStore(opts);
    try {
      await writePortabilityIndex(store.client, index);
    } finally {
      await store.close();
    }
  }
  const { publicIndex } = await accountingModules();
  process.stdout.write(opts.json ? JSON.stringify(publicIndex(index)) + '\n' : formatIndex(index));
  (await load()).save();
}

/** `save()` keeps the registry and the geo runs as prepared, when they were built here (after the output: not on the build's path). */
type Loaded = { registry: CachedSpace; geo: GeoDatabase; agreement?: AgreementWalk; save(): void };

/**
 * Starts reading the files on a worker thread, then (first call of `load`) loads the registry and
 * geo data meanwhile, then measures.
 */
async function buildDay(files: string[], date: string | undefined, filters: RoutedFilters, load: () => Promise<Loaded>): Promise<PortabilityIndex> {
  const progress = new ProgressLine();
  const started = Date.now();
  const reading = readTableInWorker(files, filters, (n) => progress.update(() => `${fmtInt(n)} elements, ${fmtInt(n / ((Date.now() - started) / 1000))}/s`));
  const loaded = load();
  // When each side was ready, for finding which one the build waits for.
  const readyAt = (p: Promise<unknown>) => p.then(() => (Date.now() - started) / 1000);
  const [read, { registry, geo, agreement }, routesReadS, dataLoadedS] = await Promise.all([reading, loaded, readyAt(reading), readyAt(loaded)]);
  progress.done();
  const accountingFrom = Date.now();
  if (read.latest === null && !date) throw new UsageError(`no routes in ${files.join(', ')}: nothing to date the index by (give --date)`);
  const { computePortabilityIndex } = await accountingModules();
  const index = computePortabilityIndex({
    table: read.routed,
    registry,
    geo,
    agreement,
    filters,
    date: date ?? utcDay(read.latest as number),
    snapshotAt: read.latest ?? Date.parse(`${date}T23:59:59Z`) / 1000,
    source: { kind: 'files', files: files.map((f) => basename(f)), peers: read.peers, elements: read.elements },
  });
  log.debug({ routes_read_s: routesReadS, registry_geo_ready_s: dataLoadedS, accounting_s: (Date.now() - accountingFrom) / 1000 }, 'index build: time by phase');
  return index;
}

/** The registry and geo data, loaded on the first call and shared by every day built. */
function dataLoader(opts: BuildOptions): () => Promise<Loaded> {
  let loading: Promise<Loaded> | undefined;
  return () => (loading ??= loadData(opts));
}

async function loadData(opts: BuildOptions): Promise<Loaded> {
  const { loadRegisteredSpace, usePreparedRuns, openGeo, openGeoSet, prepareAccounting, agreementOf } = await accountingModules();
  const [space, set] = await Promise.all([
    loadRegisteredSpace({ rirDir: opts.rirDir, ianaDir: opts.ianaDir, cacheDir: opts.cacheDir }, opts.prepared ? opts.cacheDir : null),
    // Every --geo database only for --confirmed; otherwise the primary alone, as the accounting uses.
    opts.confirmed ? openGeoSet(opts.geo) : openGeo(opts.geo).then((primary) => ({ primary, sources: [] })),
  ]);
  const registry = space.space;
  const runs = opts.prepared ? usePreparedRuns(set.primary, opts.cacheDir) : { cached: false, save() {} };
  log.debug({ prepared: space.cached, geo_runs_prepared: runs.cached }, 'registry and geo for the accounting');
  // While the worker still reads the route files.
  prepareAccounting(registry, set.primary);
  const save = () => {
    space.save();
    runs.save();
  };
  const loaded = { registry, geo: set.primary, save };
  if (!opts.confirmed) return loaded;
  try {
    return { ...loaded, agreement: agreementOf(set) };
  } catch (err) {
    throw new UsageError(`--confirmed: ${(err as Error).message}`);
  }
}

/** The date in an archive file's name: YYYYMMDD (RIS, RouteViews) or a Unix time (BGPStream). */
export function dateFromFileName(file: string): string | null {
  const name = basename(file);
  const ymd = /(?:^|[^0-9])((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?:[^0-9]|$)/.exec(name);
  if (ymd) return `${ymd[1]}-${ymd[2]}-${ymd[3]}`;
  const unix = /(?:^|[^0-9])(\d{10})(?:[^0-9]|$)/.exec(name);
  return unix ? utcDay(Number(unix[1])) : null;
}

async function backfillCommand(args: string[], opts: BuildOptions): Promise<void> {
  const files = inputFiles(args, opts);
  const filters = parseFilters(opts);
  const days = new Map<string, string[]>();
  for (const f of files) {
    const day = dateFromFileName(f);
    if (!day) throw new UsageError(`${f}: no date in the file name (YYYYMMDD or a Unix time); build that day with \`portolan index build --date\``);
    days.set(day, [...(days.get(day) ?? []), f]);
  }
  const load = dataLoader(opts);
  void load().catch(() => {}); // started now, before the store opens; its error surfaces in buildDay
  const { openMigratedStore, writePortabilityIndex } = await storeModules();
  const store = await openMigratedStore(opts);
  try {
    for (const day of [...days.keys()].sort()) {
      const dayFiles = (days.get(day) as string[]).sort();
      const index = await buildDay(dayFiles, day, filters, load);
      await writePortabilityIndex(store.client, index);
      process.stdout.write(`${day}: ${dayFiles.length} file(s), ${fmtInt(index.params.source.elements)} elements, IPv4 share out of region ${shareText(index)}\n`);
    }
    (await load()).save();
  } finally {
    await store.close();
  }
}

async function showCommand(opts: ShowOptions): Promise<void> {
  if (!FORMATS.includes(opts.format as never)) throw new UsageError(`--format must be table, csv or json, not ${opts.format}`);
  for (const [flag, v] of [['--from', opts.from], ['--to', opts.to]] as const) if (v !== undefined && !isDay(v)) throw new UsageError(`${flag} takes a day as YYYY-MM-DD (not "${v}")`);
  if (opts.family !== undefined && opts.family !== '4' && opts.family !== '6') throw new UsageError(`--family must be 4 or 6, not ${opts.family}`);
  const { openMigratedStore, readIndexSeries, clientReader } = await storeModules();
  const store = await openMigratedStore(opts);
  try {
    const series = (await readIndexSeries(clientReader(store.client), { from: opts.from, to: opts.to })).filter((r) => !opts.family || String(r.family) === opts.family);
    const rows = series.map((r) => ({
      date: r.date,
      family: r.family === 4 ? 'ipv4' : 'ipv6',
      rir: r.rir,
      routed: r.routed,
      geolocated: r.geolocated,
      in_region: r.in_region,
      out_of_region: r.out_of_region,
      share_out: r.share_out === null ? null : opts.format === 'table' ? Number(r.share_out.toFixed(4)) : r.share_out,
      prefixes_routed: r.prefixes.routed,
      prefixes_out_of_region: r.prefixes.out_of_region,
      origin_other_rir: r.origin_other_rir,
      source: r.source,
    }));
    if (!rows.length && opts.format === 'table') {
      process.stderr.write('no index stored yet: run `portolan index build FILE…` (or `portolan run`, which stores one at each UTC midnight)\n');
      return;
    }
    const columns = rows.length ? Object.keys(rows[0]) : [];
    process.stdout.write(render(opts.format, columns, rows));
  } finally {
    await store.close();
  }
}


const shareText = (index: PortabilityIndex): string => {
  const all = INDEX_RIRS.filter((r) => r !== 'unregistered').reduce((a, r) => ({ in: a.in + index.ipv4[r].in_region, out: a.out + index.ipv4[r].out_of_region }), { in: 0, out: 0 });
  return all.in + all.out > 0 ? `${((100 * all.out) / (all.in + all.out)).toFixed(2)}%` : 'n/a';
};

/** The text summary: per family, a table of the figures per RIR, then what was measured. */
function formatIndex(index: PortabilityIndex): string {
  const p = index.params;
  const lines = [`Portability index for ${index.date} (routed table at ${p.snapshot_at})`, ''];
  for (const [key, unit] of [['ipv4', 'addresses'], ['ipv6', '/48s']] as const) {
    const rows = INDEX_RIRS.map((rir) => {
      const r = index[key][rir];
      return { rir, routed: r.routed, geolocated: r.geolocated, in_region: r.in_region, out_of_region: r.out_of_region, share_out: r.share_out === null ? '' : `${(100 * r.share_out).toFixed(2)}%`, prefixes: r.prefixes.routed, prefixes_out: r.prefixes.out_of_region };
    });
    lines.push(`${key.toUpperCase()} (${unit})`, render('table', Object.keys(rows[0]), rows));
  }
  const f = p.filters;
  const seen = p.prefixes_seen;
  lines.push(
    `Filters: IPv4 /${f.ipv4_length[0]}-/${f.ipv4_length[1]}, IPv6 /${f.ipv6_length[0]}-/${f.ipv6_length[1]}, at least ${f.min_peers} peer(s), IANA special-purpose space left out`,
    `Prefixes: IPv4 ${seen.ipv4.kept} of ${seen.ipv4.announced} kept (length ${seen.ipv4.length}, special-purpose ${seen.ipv4.special_purpose}, too few peers ${seen.ipv4.min_peers}); IPv6 ${seen.ipv6.kept} of ${seen.ipv6.announced}`,
    `Registry: ${p.registry.map((r) => `${r.rir} ${r.date ?? '?'}`).join(', ')}`,
    `Geo: ${p.geo.database} built ${p.geo.build_date}`,
    ...confirmedLines(index),
    `Source: ${p.source.files.join(', ')} (${fmtInt(p.source.elements)} elements, ${p.source.peers} peers)`,
    '',
  );
  return lines.join('\n');
}

/** The confirmed count (--confirmed): each family's share out of region, and exactly what it counts. */
function confirmedLines(index: PortabilityIndex): string[] {
  const c = index.confirmed;
  if (!c) return [];
  const lines = ['', 'Confirmed geolocation only (--confirmed):'];
  for (const [key, unit] of [['ipv4', 'addresses'], ['ipv6', '/48s']] as const) {
    const rows = INDEX_RIRS.map((rir) => {
      const r = c[key][rir];
      return { rir, routed: r.routed, geolocated: r.geolocated, in_region: r.in_region, out_of_region: r.out_of_region, share_out: r.share_out === null ? '' : `${(100 * r.share_out).toFixed(2)}%` };
    });
    lines.push(`${key.toUpperCase()} (${unit})`, render('table', Object.keys(rows[0]), rows));
  }
  const g = c.filters.geo_agreement;
  lines.push(`Counts: ${g.rule}`, `Databases: ${g.databases.map((d) => `${d.name} (${d.database} built ${d.build_date})`).join(', ')}${g.echoes_ignored.length ? `; not consulted: ${g.echoes_ignored.join(', ')}` : ''}`);
  return lines;
}
