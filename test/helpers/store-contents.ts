/**
 * What a store shows, as text to compare two stores (or one store before and after) by: every
 * read model the views feed, finalized and sorted, and every route event as readers see it.
 * `stored_at` (when a row was written) is left out: it is the clock's, not the data's.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { expect } from 'vitest';
import { ROUTE_EVENTS_FINAL } from '../../analyzer/store/schema/route-events.js';
import { TABLES, tableDef, VIEWS, type ColumnDef } from '../../analyzer/store/schema.js';
import { runCli } from './cli.js';

const text = async (client: ClickHouseClient, query: string): Promise<string> => (await client.query({ query, format: 'TabSeparated' })).text();

/** A column as readers see it: an aggregate state finalized, an unordered array (groupUniqArray's) sorted. */
function readable(c: ColumnDef): string {
  const agg = /^AggregateFunction\((\w+)/.exec(c.type);
  if (!agg) return c.name;
  return agg[1].startsWith('groupUniqArray') ? `arraySort(finalizeAggregation(${c.name}))` : `finalizeAggregation(${c.name})`;
}

/** Each read model's rows (aggregate states finalized; unordered arrays sorted), sorted. */
export async function readModelContents(client: ClickHouseClient): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of [...new Set(VIEWS.map((v) => v.to))]) {
    const def = tableDef(table);
    const columns = def.columns.filter((c) => c.name !== 'stored_at');
    const select = columns.map(readable);
    const key = columns.filter((c) => !c.type.startsWith('AggregateFunction')).map((c) => c.name);
    out[table] = await text(client, `SELECT ${select.join(', ')} FROM ${table}${def.engine === 'MergeTree' ? '' : ' FINAL'} ORDER BY ${key.join(', ')}`);
  }
  return out;
}

/** Every stored route event, each once, as readers of route events see it, sorted. */
export async function routeEventContents(client: ClickHouseClient): Promise<string> {
  const columns = tableDef('route_events').columns.map((c) => c.name).filter((n) => n !== 'stored_at');
  return text(client, `SELECT ${columns.join(', ')} FROM ${ROUTE_EVENTS_FINAL} ORDER BY prefix, time, event_id`);
}

/**
 * One query: for each table a store's data lives in (every one but the migrations and the
 * ledger), its rows and an order-free hash of them as readers see them (`stored_at` left out).
 * Two stores compare by it through `portolan query`, without opening either here (one chDB engine
 * per process).
 */
export function storeDigestSql(): string {
  const selects = TABLES.filter((t) => t.name !== 'schema_migrations' && t.name !== 'ingest_ledger').map((t) => {
    const columns = t.columns.filter((c) => c.name !== 'stored_at').map(readable);
    return `SELECT '${t.name}' AS table, count() AS rows, toString(sum(cityHash64(toString(tuple(${columns.join(', ')}))))) AS hash FROM ${t.name}${t.engine === 'MergeTree' ? '' : ' FINAL'}`;
  });
  return `SELECT * FROM (${selects.join(' UNION ALL ')}) ORDER BY table`;
}

/** The rows of a query on the store at `db`, as `portolan query --format json` prints them (in another process: one chDB engine per process). */
export async function queryStore<T>(db: string, sql: string): Promise<T[]> {
  const r = await runCli(['query', sql, '--format', 'json', '--max-rows', '1000', '--db', db, '--log-level', 'warn']);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l) as T);
}

/** Each table's rows and order-free hash (storeDigestSql), by table. */
export async function storeDigest(db: string): Promise<Record<string, string>> {
  const rows = await queryStore<{ table: string; rows: string | number; hash: string }>(db, storeDigestSql());
  return Object.fromEntries(rows.map((x) => [x.table, `${x.rows} rows, hash ${x.hash}`]));
}
