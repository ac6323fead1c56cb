/**
 * Writes the events of one `portolan registry diff` into the store's `registry_changes` table
 * (declared with the other tables in analyzer/store/schema/tables.ts, created by migration 5), their
 * routing into `registry_change_routing` and the files' ages into `registry_diff_files` (migration 6).
 * A pair of dates may be diffed again: rows carry the run's `computed_at` and readers take the
 * latest row per event key (`FINAL`).
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { routingFields, type ChangeRouting, type RoutedChanges } from '../models/change-routing.js';
import type { RegistryChange } from '../models/registry.js';
import type { RirFileAge } from './file-age.js';

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

export const CHANGE_ROUTING_TABLE = 'registry_change_routing';
export const DIFF_FILES_TABLE = 'registry_diff_files';

/**
 * The routing of the events (same order as `events`) into registry_change_routing: one row per
 * event routed on either side (an event without a row was routed on neither, or its routing was
 * unknown: registry_diff_files says which dates the store knew).
 */
export async function writeChangeRouting(client: ClickHouseClient, fromDate: string, toDate: string, events: readonly RegistryChange[], routing: readonly ChangeRouting[], computedAt = Date.now()): Promise<number> {
  const at = chTime(computedAt);
  const rows: Array<Record<string, unknown>> = [];
  events.forEach((e, i) => {
    const r = routing[i];
    if (!r || (r.from.routing !== 'routed' && r.to.routing !== 'routed')) return;
    rows.push({ from_date: fromDate, to_date: toDate, kind: e.kind, family: e.family, start: e.start, end: e.end, ...routingFields(r), computed_at: at });
  });
  for (let i = 0; i < rows.length; i += 50_000) await client.insert({ table: CHANGE_ROUTING_TABLE, values: rows.slice(i, i + 50_000), format: 'JSONEachRow' });
  return rows.length;
}

/** Per RIR: the files compared, their ages and staleness, and whether the store knew the routing of each date. */
export async function writeDiffFiles(
  client: ClickHouseClient,
  fromDate: string,
  toDate: string,
  ages: readonly RirFileAge[],
  opts: { events: readonly RegistryChange[]; maxAgeDays: number; routingFromKnown: boolean; routingToKnown: boolean; computedAt?: number },
): Promise<void> {
  const at = chTime(opts.computedAt ?? Date.now());
  const count = new Map<string, number>();
  for (const e of opts.events) {
    if (e.from_rir) count.set(e.from_rir, (count.get(e.from_rir) ?? 0) + 1);
    if (e.to_rir && e.to_rir !== e.from_rir) count.set(e.to_rir, (count.get(e.to_rir) ?? 0) + 1);
  }
  const values = ages.map((a) => ({
    from_date: fromDate,
    to_date: toDate,
    ...a,
    max_age_days: opts.maxAgeDays,
    events: count.get(a.rir) ?? 0,
    routing_from_known: opts.routingFromKnown,
    routing_to_known: opts.routingToKnown,
    computed_at: at,
  }));
  if (values.length) await client.insert({ table: DIFF_FILES_TABLE, values, format: 'JSONEachRow' });
}

/** Everything one stored diff writes: its events, their routing (when read), its files' ages. */
export async function storeDiff(
  client: ClickHouseClient,
  d: { fromDate: string; toDate: string; events: readonly RegistryChange[]; routed: RoutedChanges | null; ages: readonly RirFileAge[]; maxAgeDays: number },
): Promise<{ events: number; routed: number }> {
  const at = Date.now();
  const events = await writeRegistryChanges(client, d.fromDate, d.toDate, d.events, at);
  const routed = d.routed ? await writeChangeRouting(client, d.fromDate, d.toDate, d.events, d.routed.routing, at) : 0;
  await writeDiffFiles(client, d.fromDate, d.toDate, d.ages, {
    events: d.events,
    maxAgeDays: d.maxAgeDays,
    routingFromKnown: d.routed?.from.known ?? false,
    routingToKnown: d.routed?.to.known ?? false,
    computedAt: at,
  });
  return { events, routed };
}
