/**
 * SQL helpers: text for the statements the code builds itself (DDL, insert settings, bound
 * literals; the one string quoting of the project: anything that puts text into SQL uses it),
 * and a query's rows read back.
 */
import type { ClickHouseClient } from '@clickhouse/client';

/** A ClickHouse string literal: the text in single quotes, with backslashes and quotes escaped. */
export const sqlString = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** A query's rows as objects (JSONEachRow), with its `{name:Type}` parameters. */
export async function queryRows<T>(client: ClickHouseClient, query: string, params?: Record<string, unknown>): Promise<T[]> {
  const rs = await client.query({ query, query_params: params, format: 'JSONEachRow' });
  return rs.json<T>();
}
