/**
 * Table registry_changes (migration 5): the change events of `portolan registry diff --store`,
 * one row per event. Declared here, beside schema.ts, with its own CREATE TABLE generator that
 * follows schema.ts's conventions (single node: a MergeTree-family engine; cluster: the
 * Replicated engine ON CLUSTER as `<name>_local` plus a Distributed table under the name).
 *
 * A pair of dates may be diffed again (a re-run, newer files for one side): rows carry the run's
 * `computed_at` and the ReplacingMergeTree keeps the latest row per event key.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { RegistryChange } from '../models/registry.js';

interface Column {
  name: string;
  type: string;
  comment: string;
}

const LC = 'LowCardinality(String)';

export const REGISTRY_CHANGES = {
  name: 'registry_changes',
  comment: 'Registry change events between two snapshots of the RIR delegated files (portolan registry diff --store)',
  engine: 'ReplacingMergeTree',
  versionColumn: 'computed_at',
  orderBy: ['to_date', 'from_date', 'family', 'start', 'end', 'kind'],
  shardingKey: 'cityHash64(family, start)',
  since: 5,
  columns: [
    { name: 'from_date', type: 'Date', comment: 'Snapshot compared from: the archive date asked for (or the newest file date of a folder)' },
    { name: 'to_date', type: 'Date', comment: 'Snapshot compared to' },
    { name: 'kind', type: LC, comment: 'added, removed, moved, status-changed, cc-changed, holder-changed or date-changed' },
    { name: 'family', type: LC, comment: 'ipv4, ipv6 or asn' },
    { name: 'start', type: 'String', comment: 'First address (IPv4 dotted, IPv6 RFC 5952) or ASN of the range' },
    { name: 'end', type: 'String', comment: 'Last address or ASN of the range (inclusive)' },
    { name: 'addresses', type: 'Float64', comment: 'Size of the range: IPv4 addresses, IPv6 /48s (fractional below a /48) or ASNs' },
    { name: 'from_rir', type: LC, comment: "Registering RIR before (most specific allocated/assigned record); '' when undelegated (added)" },
    { name: 'to_rir', type: LC, comment: "Registering RIR after; '' when undelegated (removed)" },
    { name: 'from_cc', type: LC, comment: "Country of the record before; '' when none" },
    { name: 'to_cc', type: LC, comment: "Country of the record after; '' when none" },
    { name: 'from_status', type: LC, comment: 'allocated or assigned; for an added range available, reserved or absent' },
    { name: 'to_status', type: LC, comment: 'allocated or assigned; for a removed range available, reserved or absent' },
    { name: 'from_holder', type: 'String', comment: "Holder opaque-id before (extended files); '' when none" },
    { name: 'to_holder', type: 'String', comment: "Holder opaque-id after; '' when none" },
    { name: 'from_reg_date', type: 'Nullable(Date)', comment: 'Registration date of the record before; NULL when none' },
    { name: 'to_reg_date', type: 'Nullable(Date)', comment: 'Registration date of the record after; NULL when none' },
    { name: 'from_file_date', type: 'Nullable(Date)', comment: 'Date of the file the "from" side was read from (of that RIR)' },
    { name: 'to_file_date', type: 'Nullable(Date)', comment: 'Date of the file the "to" side was read from' },
    { name: 'transfer', type: LC, comment: "moved / holder-changed: logged (a transfer log entry explains it) or unlogged; '' for other kinds" },
    { name: 'transfer_date', type: 'Nullable(Date)', comment: 'Date of the explaining transfer log entry; NULL when none' },
    { name: 'transfer_type', type: LC, comment: "Type of that entry (RESOURCE_TRANSFER, MERGER_ACQUISITION, …); '' when none" },
    { name: 'computed_at', type: "DateTime64(3, 'UTC')", comment: 'When the diff was stored (the latest run of a pair of dates wins)' },
  ] as Column[],
};

const quote = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const ident = (s: string): string => {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(s)) throw new Error(`invalid identifier ${JSON.stringify(s)}`);
  return s;
};

/** The statements creating registry_changes (and, in a cluster, its Distributed twin). */
export function registryChangesDdl(opts: { cluster?: string } = {}): string[] {
  const t = REGISTRY_CHANGES;
  const cluster = opts.cluster ? ident(opts.cluster) : undefined;
  const local = cluster ? `${t.name}_local` : t.name;
  const columns = t.columns.map((c) => `  \`${ident(c.name)}\` ${c.type} COMMENT ${quote(c.comment)}`).join(',\n');
  const args = cluster ? [quote(`/clickhouse/tables/{shard}/{database}/${local}`), quote('{replica}'), t.versionColumn] : [t.versionColumn];
  const create = [
    `CREATE TABLE IF NOT EXISTS ${local}${cluster ? ` ON CLUSTER ${cluster}` : ''}\n(\n${columns}\n)`,
    `ENGINE = ${cluster ? 'Replicated' : ''}${t.engine}(${args.join(', ')})`,
    `ORDER BY (${t.orderBy.map((c) => `\`${c}\``).join(', ')})`,
    `COMMENT ${quote(t.comment)}`,
  ].join('\n');
  if (!cluster) return [create];
  return [
    create,
    [
      `CREATE TABLE IF NOT EXISTS ${t.name} ON CLUSTER ${cluster} AS ${local}`,
      `ENGINE = Distributed(${quote(cluster)}, currentDatabase(), ${quote(local)}, ${t.shardingKey})`,
      `COMMENT ${quote(`${t.comment} (Distributed over ${local})`)}`,
    ].join('\n'),
  ];
}

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
  for (let i = 0; i < rows.length; i += 50_000) await client.insert({ table: REGISTRY_CHANGES.name, values: rows.slice(i, i + 50_000), format: 'JSONEachRow' });
  return rows.length;
}
