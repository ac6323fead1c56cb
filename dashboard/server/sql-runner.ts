import type { ClickHouseClient } from '@clickhouse/client';
import type { Params, QueryRunner, Row, StoreRows } from './query-types.js';
import { sqlString } from '../../analyzer/store/sql.js';

/**
 * Through the store's ClickHouse client: the server binds the parameters. Counts (UInt64)
 * come back as JSON numbers, not quoted strings, whatever the server's default (servers
 * before ClickHouse 25.8 quote them); they stay far below 2^53, and address sums are
 * Float64. Query-level SETTINGS, because chDB would turn `clickhouse_settings` into
 * session-wide SETs shared with the writer.
 */
export function clientQuery(client: Pick<ClickHouseClient, 'query'>, timeoutSeconds: number): QueryRunner {
  const settings = `SETTINGS max_execution_time = ${Number(timeoutSeconds)}, output_format_json_quote_64bit_integers = 0`;
  return async (sql, params = {}) => {
    const rs = await client.query({ query: `${sql}\n${settings}`, format: 'JSONEachRow', query_params: params });
    return rs.json<Row>();
  };
}

/**
 * Through the store's read-only SQL (which applies its own time limit): the parameters are
 * bound as literals here. The SQL is the dashboard's own fixed text; only values are bound.
 * readonlySql refuses SETTINGS, so 64-bit counts come back as `readonlySql` gives them.
 */
export function literalQuery(readonlySql: (sql: string) => Promise<StoreRows>): QueryRunner {
  return async (sql, params = {}) => (await readonlySql(bindLiterals(sql, params))).rows;
}

/** Replaces `{name:Type}` with a SQL literal of the value (strings escaped, numbers checked). */
export function bindLiterals(sql: string, params: Params): string {
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
  return sqlString(String(v));
}
