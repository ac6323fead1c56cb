/** `portolan geo compare`: prefixes → the databases' agreement by RIR and country, as tables or JSON. */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { compareDatabases, type CompareGroup } from '../../analyzer/geo/compare.js';
import { openGeoSet } from '../../analyzer/geo/index.js';
import { loadRegistry } from '../../analyzer/registry/index.js';
import { openStore } from '../../analyzer/store/index.js';
import type { CommonOptions } from '../../common/config.js';
import { action } from '../action.js';
import { UsageError } from '../errors.js';
import { render } from '../render.js';
import { storeTarget } from '../store-target.js';

interface CompareOptions extends Pick<CommonOptions, 'geo' | 'rirDir' | 'ianaDir' | 'cacheDir' | 'clickhouse' | 'clickhouseCluster' | 'rawTtlDays'> {
  /** The databases to compare (repeated --db). */
  db?: string[];
  store: string;
  routed?: boolean;
  top: string;
  json?: boolean;
}

async function prefixesOf(files: string[], opts: CompareOptions): Promise<string[]> {
  if (opts.routed) {
    const store = await openStore(storeTarget({ ...opts, db: opts.store }));
    try {
      return (await store.readonlySql('SELECT DISTINCT prefix FROM prefix_latest ORDER BY prefix')).rows.map((r) => String(r.prefix));
    } finally {
      await store.close();
    }
  }
  if (files.length === 0) throw new UsageError('give prefix files (or - for stdin), or --routed for the stored routed prefixes');
  const out: string[] = [];
  for (const f of files) {
    const input = f === '-' ? process.stdin : createReadStream(f);
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      const t = line.trim();
      if (!t || t.startsWith('#') || t.startsWith(';')) continue;
      out.push(t.split(/[\s,]+/, 1)[0]);
    }
  }
  return out;
}

const pct = (n: number, d: number): string => (d > 0 ? `${((100 * n) / d).toFixed(1)}%` : '-');
const row = (g: CompareGroup) => ({
  [g.key === 'all' ? 'scope' : 'key']: g.key,
  prefixes: g.prefixes,
  located_addresses: Math.round(g.located),
  agreement: pct(g.agreed, g.located),
  confirmed: g.confirmed,
  majority: g.majority,
  disputed: g.disputed,
});

export const geoCompare = action(async (files: string[], opts: CompareOptions) => {
  const list = opts.db?.length ? opts.db : opts.geo;
  const [{ sources }, registry] = await Promise.all([openGeoSet(list), loadRegistry({ rirDir: opts.rirDir, ianaDir: opts.ianaDir, cacheDir: opts.cacheDir })]);
  if (sources.filter((s) => !s.echo).length < 2) throw new UsageError('geo compare needs two or more independent databases (--db A --db B, or --geo A,B); registry echoes do not count');
  const prefixes = await prefixesOf(files, opts);
  const top = Number(opts.top);
  if (!Number.isInteger(top) || top < 1) throw new UsageError(`--top takes a whole number of at least 1 (not "${opts.top}")`);
  const c = compareDatabases(prefixes, sources, registry);
  if (c.invalid) process.stderr.write(`portolan geo compare: ${c.invalid} lines are not prefixes and were left out\n`);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ ...c, byCountry: c.byCountry.slice(0, top) })}\n`);
    return;
  }
  const cols = ['key', 'prefixes', 'located_addresses', 'agreement', 'confirmed', 'majority', 'disputed'];
  process.stdout.write(`databases: ${c.databases.map((d) => `${d.name}${d.echo ? ' (registry echo, not counted)' : ''}`).join(', ')}\n\n`);
  process.stdout.write(render('table', ['scope', ...cols.slice(1)], [row(c.total)]));
  process.stdout.write('\nby registering RIR\n');
  process.stdout.write(render('table', cols, c.byRir.map(row)));
  process.stdout.write(`\nby country (primary database, top ${top})\n`);
  process.stdout.write(render('table', cols, c.byCountry.slice(0, top).map(row)));
});
