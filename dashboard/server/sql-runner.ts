import type { DashboardStore, Row } from './store-port.js';
import { guarded, toResult } from './store-port.js';

/** Runs one of the dashboard's own read queries with typed `{name:Type}` parameters. */
export type QueryRunner = (sql: string, params?: Record<string, unknown>) => Promise<Row[]>;

interface ClientLike {
  query(args: { query: string; format: 'JSONEachRow'; query_params?: Record<string, unknown> }): Promise<{ json<T>(): Promise<T[]> }>;
}

/**
 * Prefers the store's ClickHouse client (server-side parameter binding); otherwise binds the
 * parameters as literals itself and goes through `readonlySql`. Either way the query has a
 * time limit; the SQL is the dashboard's own fixed text (only values are bound).
 */
export function makeRunner(store: DashboardStore, timeoutSeconds = 20): QueryRunner {
  const client = (store as unknown as { client?: ClientLike }).client;
  if (client && typeof client.query === 'function') {
    return (sql, params = {}) =>
      guarded(store, async () => {
        // Query-level SETTINGS: chDB would turn clickhouse_settings into session-wide SETs
        // shared with the writer.
        const rs = await client.query({ query: `${sql}\nSETTINGS max_execution_time = ${Number(timeoutSeconds)}`, format: 'JSONEachRow', query_params: params });
        return rs.json<Row>();
      });
  }
  return (sql, params = {}) => guarded(store, async () => toResult(await store.readonlySql(bindLiterals(sql, params), { maxRows: 100_000, timeoutSeconds })).rows);
}

/** Replaces `{name:Type}` with a SQL literal of the value (strings escaped, numbers checked). */
export function bindLiterals(sql: string, params: Record<string, unknown>): string {
  return sql.replace(/\{(\w+):([^}]+)\}/g, (_m, name: string) => {
    if (!(name in params)) throw new Error(`query parameter ${name} is missing`);
    return literal(params[name]);
  });
}

export function literal(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`not a finite number: ${v}`);
    return String(v);
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return `[${v.map(literal).join(', ')}]`;
  return `'${String(v).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
