/** `portolan registry stats|import|diff|update`: what the declarations in registry.ts run. */
import { loadRegistry } from '../../analyzer/registry/index.js';
import { formatStats } from '../../analyzer/registry/stats.js';
import { updateRegistry, type UpdateResult } from '../../analyzer/registry/download.js';
import { action } from '../action.js';
import { UsageError } from '../errors.js';
import { archiveDirOf, importFolder } from '../../analyzer/registry/archive.js';
import { diffRegistries } from '../../analyzer/registry/diff.js';
import { formatDiff } from '../../analyzer/registry/diff-format.js';
import { loadDiffFolder, loadDiffSnapshot } from '../../analyzer/registry/diff-load.js';
import { ParseCache } from '../../analyzer/registry/parse-cache.js';
import { openStore } from '../../analyzer/store/index.js';
import { storeDiff } from '../../analyzer/registry/changes-store.js';
import { fileAges, staleWarning } from '../../analyzer/registry/file-age.js';
import { routeChanges } from '../../analyzer/change-routing/index.js';
import { routingFields, type RoutedChanges } from '../../analyzer/models/change-routing.js';
import { fmtInt, ProgressLine } from '../progress.js';
import { storeTarget } from '../store-target.js';

interface StatsOptions {
  json?: boolean;
  rirDir?: string;
  ianaDir?: string;
  cacheDir: string;
}

interface UpdateOpts {
  cacheDir: string;
  baseUrl?: string;
  only?: string[];
}

interface ImportOpts {
  cacheDir: string;
  date: string;
  allowOlder?: boolean;
}

interface DiffOpts {
  cacheDir: string;
  from?: string;
  to?: string;
  fromDir?: string;
  toDir?: string;
  json?: boolean;
  allRirs?: boolean;
  store?: boolean;
  maxAge: string;
  db: string;
  clickhouse?: string;
  clickhouseCluster?: string;
  rawTtlDays?: string;
}

function describe(r: UpdateResult): string {
  const what = r.status === 'updated' ? `updated (${r.bytes.toLocaleString('en-US')} bytes, checksum ${r.checksum === 'ok' ? 'ok' : 'not published'})` : r.status === 'unchanged' ? 'unchanged (304)' : `FAILED${r.optional ? ' (optional)' : ''}: ${r.error}`;
  return `${r.name.padEnd(40)} ${what}`;
}

export const stats = action(async (opts: StatsOptions) => {
  const index = await loadRegistry({ rirDir: opts.rirDir, ianaDir: opts.ianaDir, cacheDir: opts.cacheDir });
  const stats = index.stats();
  if (opts.json) {
    const sum = (f: (s: (typeof stats)[number]) => number) => stats.reduce((a, s) => a + f(s), 0);
    const totals = { ipv4Addresses: sum((s) => s.ipv4Addresses), ipv6Slash48s: sum((s) => s.ipv6Slash48s), asns: sum((s) => s.asns), records: sum((s) => s.records) };
    const iana = index.files().filter((f) => f.rir === 'iana');
    process.stdout.write(JSON.stringify({ rirs: stats, totals, iana }) + '\n');
  } else {
    process.stdout.write(formatStats(stats));
  }
});

export const update = action(async (opts: UpdateOpts) => {
  const progress = new ProgressLine();
  const kib = (n: number) => fmtInt(Math.ceil(n / 1024));
  const results = await updateRegistry({
    cacheDir: opts.cacheDir,
    baseUrl: opts.baseUrl,
    only: opts.only,
    onProgress: (name, received, total) => progress.update(() => `${name} ${kib(received)}${total ? ` / ${kib(total)}` : ''} KiB`),
  });
  progress.done();
  for (const r of results) process.stdout.write(describe(r) + '\n');
  const failed = results.filter((r) => r.status === 'failed' && !r.optional);
  if (failed.length) {
    process.stderr.write(`portolan registry update: ${failed.length} required file(s) failed (${failed.map((r) => r.name).join(', ')}); the previous copies were kept in ${opts.cacheDir}\n`);
    process.exitCode = 1;
  }
});

export const importDir = action(async (dir: string, opts: ImportOpts) => {
  const archive = archiveDirOf(opts.cacheDir);
  const done = importFolder(archive, dir, { date: opts.date, allowOlder: opts.allowOlder });
  for (const f of done) process.stdout.write(`${f.date}  ${f.name.padEnd(40)} ${f.status === 'added' ? 'archived' : 'already archived'}  (${f.source})\n`);
});

export const diff = action(async (opts: DiffOpts) => {
  if ((opts.from ? 1 : 0) + (opts.fromDir ? 1 : 0) !== 1) throw new UsageError('give exactly one of --from DATE or --from-dir DIR');
  if ((opts.to ? 1 : 0) + (opts.toDir ? 1 : 0) !== 1) throw new UsageError('give exactly one of --to DATE or --to-dir DIR');
  const archive = archiveDirOf(opts.cacheDir);
  // Both sides share one parse cache: a file on both is parsed once.
  const cache = new ParseCache();
  const [a, b] = await Promise.all([
    opts.from ? loadDiffSnapshot(archive, opts.from, cache) : loadDiffFolder(opts.fromDir!, cache),
    opts.to ? loadDiffSnapshot(archive, opts.to, cache) : loadDiffFolder(opts.toDir!, cache),
  ]);
  const maxAgeDays = Number(opts.maxAge);
  if (!Number.isInteger(maxAgeDays) || maxAgeDays < 0) throw new UsageError(`--max-age must be a whole number of days, not ${opts.maxAge}`);
  const result = diffRegistries(a, b, { allRirs: opts.allRirs });
  // A side's date: the archive date asked for, or a folder's newest file date.
  const newest = (s: typeof result.from) => s.files.map((f) => f.date ?? '').sort().pop() || null;
  const fromDate = opts.from ?? newest(result.from);
  const toDate = opts.to ?? newest(result.to);
  const ages = fromDate && toDate ? fileAges(a, b, fromDate, toDate, result.compared, maxAgeDays) : [];
  const stale = fromDate && toDate ? staleWarning(ages, fromDate, toDate, maxAgeDays) : null;
  if (stale) process.stderr.write(`portolan registry diff: WARNING: ${stale}\n`);
  const store = opts.store ? await openStore(storeTarget(opts)) : null;
  try {
    let routed: RoutedChanges | null = null;
    if (store) {
      if (!fromDate || !toDate) throw new Error('cannot store: a side has no dated file');
      await store.migrate();
      routed = await routeChanges(store.client, fromDate, toDate, result.events);
    }
    if (opts.json) {
      const out: string[] = [];
      result.events.forEach((e, i) => out.push(JSON.stringify(routed ? { ...e, ...routingFields(routed.routing[i]) } : e)));
      if (out.length) process.stdout.write(out.join('\n') + '\n');
      if (result.leftOut.length) process.stderr.write(`portolan registry diff: left out (present on one side only): ${result.leftOut.map((l) => `${l.rir} (only in ${l.presentIn})`).join(', ')}\n`);
    } else {
      process.stdout.write(formatDiff(result, routed));
    }
    if (store && routed) {
      const n = await storeDiff(store.client, { fromDate: fromDate!, toDate: toDate!, events: result.events, routed, ages, maxAgeDays });
      const known = (m: RoutedChanges['from']) => (m.known ? `routes at ${m.at}` : `no route events stored on ${m.date}: routing unknown`);
      process.stderr.write(`portolan registry diff: stored ${n.events} event(s) in registry_changes (${fromDate} → ${toDate}); ${n.routed} routed on either side (before: ${known(routed.from)}; after: ${known(routed.to)})\n`);
    }
  } finally {
    await store?.close();
  }
});
