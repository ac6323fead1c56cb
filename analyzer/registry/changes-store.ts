/**
 * Writes the events of one `portolan registry diff` into the store's `registry_changes` table
 * (declared with the other tables in analyzer/store/schema/tables.ts, created by migration 5).
 * A pair of dates may be diffed again: rows carry the run's `computed_at` and readers take the
 * latest row per event key (`FINAL`).
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { RegistryChange } from '../models/registry.js';

export const REGISTRY_CHANGES_TABLE = 'registry_changes';

const chTime = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

/** Stores the events of one diff (in batches); returns how many rows were written. */
export async function writeRegistryChanges(client: ClickHouseClient, fromDate: string, toDate: string, events: readonly RegistryChange[], computedAt = Date.now()): Promise<number> {
  const at = chTime(computedAt);
  const rows = events.map((e) => ({
    from_date: fromDate,
    to_date: toDate,
    kind: e.kind,
    family: e.family,
    start: e.start,
    end: e.end,
    addresses: e.addresses,
    from_rir: e.from_rir ?? '',
    to_rir: e.to_rir ?? '',
    from_cc: e.from_cc ?? '',
    to_cc: e.to_cc ?? '',
    from_status: e.from_status,
    to_status: e.to_status,
    from_holder: e.from_holder ?? '',
    to_holder: e.to_holder ?? '',
    from_reg_date: e.from_reg_date,
    to_reg_date: e.to_reg_date,
    from_file_date: e.from_file_date,
    to_file_date: e.to_file_date,
    transfer: e.transfer ?? '',
    transfer_date: e.transfer_date,
    transfer_type: e.transfer_type ?? '',
    computed_at: at,
  }));
  for (let i = 0; i < rows.length; i += 50_000) await client.insert({ table: REGISTRY_CHANGES_TABLE, values: rows.slice(i, i + 50_000), format: 'JSONEachRow' });
  return rows.length;
}
