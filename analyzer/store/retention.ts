import type { ClickHouseClient } from '@clickhouse/client';
import { log } from '../../common/log.js';
import { retentionStatement, storedName, TABLES, type SchemaOptions } from './schema.js';
import { queryRows } from './sql.js';

/**
 * The raw tables' retention (their TTL, `stored_at + rawTtlDays`), set on a store that exists. A
 * table's TTL is written when the table is created; a backfill of years of archives outlives the
 * default 90 days (they count from storage), so a store can be given another, or none (0: kept
 * forever). Only tables whose TTL differs are altered; the new TTL applies to existing parts
 * as they merge (`materialize_ttl_after_modify = 0`: no rewrite of the table now).
 */
const RAW = TABLES.filter((t) => t.ttl);
export const RAW_TABLES: readonly string[] = RAW.map((t) => t.name);

/** A raw table's retention as its engine states it: days, 0 when it has no TTL. */
export function retentionOf(engineFull: string): number {
  const m = /\bTTL stored_at \+ toIntervalDay\((\d+)\)/.exec(engineFull);
  return m ? Number(m[1]) : 0;
}

/** Sets every raw table's retention to `days` (0: no TTL) where it differs; returns the tables altered. */
export async function applyRetention(client: ClickHouseClient, days: number, opts: Pick<SchemaOptions, 'cluster'> = {}): Promise<string[]> {
  if (!Number.isInteger(days) || days < 0) throw new Error(`retention must be a whole number of days (0: forever), not ${days}`);
  const rows = await queryRows<{ name: string; engine_full: string }>(
    client,
    'SELECT name, engine_full FROM system.tables WHERE database = currentDatabase() AND name IN {names:Array(String)}',
    { names: RAW.map((t) => storedName(t.name, opts)) },
  );
  const altered: string[] = [];
  for (const t of RAW) {
    const row = rows.find((r) => r.name === storedName(t.name, opts));
    if (!row) continue;
    const was = retentionOf(row.engine_full);
    if (was === days) continue;
    await client.command({ query: retentionStatement(t, days, opts), clickhouse_settings: { materialize_ttl_after_modify: 0 } });
    log.info({ table: row.name, was: was || 'forever', now: days || 'forever' }, 'raw-event retention changed');
    altered.push(row.name);
  }
  return altered;
}
