import type { ClickHouseClient } from '@clickhouse/client';
import { log } from '../../common/log.js';
import { TABLES, type SchemaOptions } from './schema.js';
import { queryRows } from './sql.js';

/**
 * The raw tables' retention (their TTL, `stored_at + rawTtlDays`), set on a store that exists. A
 * table's TTL is written when the table is created; a backfill of years of archives outlives the
 * default 90 days (they count from storage), so a store can be given another, or none (0: kept
 * forever). Only tables whose TTL differs are altered; the new TTL applies to existing parts
 * as they merge (`materialize_ttl_after_modify = 0`: no rewrite of the table now).
 */
export const RAW_TABLES: readonly string[] = TABLES.filter((t) => t.ttl).map((t) => t.name);

/** A raw table's retention as its engine states it: days, 0 when it has no TTL. */
export function retentionOf(engineFull: string): number {
  const m = /\bTTL stored_at \+ toIntervalDay\((\d+)\)/.exec(engineFull);
  return m ? Number(m[1]) : 0;
}

/** Sets every raw table's retention to `days` (0: no TTL) where it differs; returns the tables altered. */
export async function applyRetention(client: ClickHouseClient, days: number, opts: Pick<SchemaOptions, 'cluster'> = {}): Promise<string[]> {
  if (!Number.isInteger(days) || days < 0) throw new Error(`retention must be a whole number of days (0: forever), not ${days}`);
  const local = (name: string): string => (opts.cluster ? `${name}_local` : name);
  const rows = await queryRows<{ name: string; engine_full: string }>(
    client,
    'SELECT name, engine_full FROM system.tables WHERE database = currentDatabase() AND name IN {names:Array(String)}',
    { names: RAW_TABLES.map(local) },
  );
  const altered: string[] = [];
  for (const { name, engine_full } of rows) {
    const was = retentionOf(engine_full);
    if (was === days) continue;
    const on = opts.cluster ? ` ON CLUSTER ${opts.cluster}` : '';
    const ttl = TABLES.find((t) => local(t.name) === name)!.ttl!.replace('{ttlDays}', String(days));
    await client.command({
      query: days === 0 ? `ALTER TABLE ${name}${on} REMOVE TTL` : `ALTER TABLE ${name}${on} MODIFY TTL ${ttl}`,
      clickhouse_settings: { materialize_ttl_after_modify: 0 },
    });
    log.info({ table: name, was: was || 'forever', now: days || 'forever' }, 'raw-event retention changed');
    altered.push(name);
  }
  return altered;
}
