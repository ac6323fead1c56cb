import { createHash } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import { log } from '../../common/log.js';
import { withMigrationLock, type LockTiming } from './migration-lock.js';
import { currentSchemaDdl, DEFAULT_RAW_TTL_DAYS, generateDdl, SCHEMA_VERSION, tableDef, type SchemaOptions } from './schema.js';

/**
 * Versioned migrations. Each is applied once and recorded in `schema_migrations`; every
 * statement is itself idempotent (IF NOT EXISTS), so a run interrupted half way is simply
 * run again. Later versions append here; never edit an applied one.
 */
export interface Migration {
  version: number;
  name: string;
  statements: (opts: SchemaOptions) => string[];
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'route events, finding events, ingest ledger, hourly aggregates',
    statements: (opts) => generateDdl(opts, 1).slice(opts.cluster ? 2 : 1), // schema_migrations is created first
  },
  {
    version: 2,
    name: 'dashboard read models: prefix_latest, prefix_activity, origin_prefixes, mismatch_prefix_hourly (backfilled, fed by views); origin_asn skip indexes',
    statements: (opts) => generateDdl(opts, 2),
  },
  {
    version: 3,
    name: 'top-list rollups by day and over all time, mismatched events by time, per-prefix routes by day (backfilled, fed by views)',
    statements: (opts) => generateDdl(opts, 3),
  },
  {
    version: 4,
    name: 'the daily portability index: portability_daily, portability_flows, portability_contributors',
    statements: (opts) => generateDdl(opts, 4),
  },
  {
    version: 5,
    name: 'registry change events: registry_changes',
    statements: (opts) => generateDdl(opts, 5),
  },
  {
    version: 6,
    name: 'registry changes joined with routing (registry_change_routing) and the ages of the files each diff compared (registry_diff_files)',
    statements: (opts) => generateDdl(opts, 6),
  },
  {
    version: 7,
    name: 'RPKI on route and finding events: rov, rpki_tas',
    statements: (opts) => generateDdl(opts, 7),
  },
  {
    version: 8,
    name: 'several geolocation databases: geo_confidence, geo_agreement on route and finding events; each database\'s answer on finding events',
    statements: (opts) => generateDdl(opts, 8),
  },
  {
    version: 9,
    name: 'the index counted with confirmed geolocation only: portability_confirmed_flows (no backfill: builds before it have no confirmed count)',
    statements: (opts) => generateDdl(opts, 9),
  },
  {
    version: 10,
    name: 'every read model fed by a view keeps an insert deduplication window: a batch re-inserted after a crash is not counted twice by the views whose part had landed',
    statements: (opts) => generateDdl(opts, 10),
  },
  {
    version: 11,
    name: 'RIB dumps stored as snapshots: rib_snapshots (one row per collector, dump time, prefix and origin, the routes in arrays), feeding every read model through its own views',
    statements: (opts) => generateDdl(opts, 11),
  },
  {
    version: 12,
    name: '"latest" among announcements of one time is the one the most peers carried (a RIB dump\'s entries share its time): prefix_latest\'s views redefined and the table filled again; origin_prefixes.latest_by_peers',
    statements: (opts) => generateDdl(opts, 12),
  },
  {
    version: 13,
    name: 'the views migration 12 changed in place (prefix_latest\'s and origin_prefixes\' four) dropped and created again: changed in place, they counted a batch twice when the process that migrated stored it and a later one stored it again after a crash',
    statements: (opts) => generateDdl(opts, 13),
  },
  {
    version: 14,
    name: 'ingest_ledger.jobs: the --jobs a file\'s batches were cut under, so a rerun of an interrupted file, or --force, cuts the same batches (dedup tokens) whatever --jobs it is given',
    statements: (opts) => generateDdl(opts, 14),
  },
  {
    version: 15,
    name: 'the collector columns\' comments: an MRT file whose path names no collector (rrc00…, route-views…) is labelled unknown, no longer by its file name, so one collector\'s files share their peers',
    statements: (opts) => generateDdl(opts, 15),
  },
  {
    version: 16,
    name: 'route_events rebuilt with visibility as its version: of two announcements sharing an id (announced again within a second), FINAL keeps the one the most peers carried, whatever order their batches were stored in',
    statements: (opts) => generateDdl(opts, 16),
  },
  {
    version: 17,
    name: 'prefix_latest\'s version is latest_order (time, visibility, event id as one number): of two blocks\' rows of one prefix and time, the latest by that order wins, not the last stored; its two views created again to fill it, and the table filled again',
    statements: (opts) => generateDdl(opts, 17),
  },
  {
    version: 18,
    name: 'origin_prefixes.latest_max: the latest classification as one plain max of (time, visibility, event id, …), the order prefix_latest keeps, in place of two argMax states (storing them was the costliest step of the views\' inserts); filled from those states in the rows stored before; its two views created again',
    statements: (opts) => generateDdl(opts, 18),
  },
];

export interface MigrationResult {
  applied: number[];
  skipped: number[];
}

/** The checksum recorded for a migration: SHA-256 of its statements joined by `;\n`. */
export const migrationChecksum = (statements: string[]): string => createHash('sha256').update(statements.join(';\n')).digest('hex');
const checksum = migrationChecksum;

/** An applied migration whose definition no longer matches what was applied: the store refuses to open. */
export class MigrationChecksumError extends Error {
  constructor(
    readonly version: number,
    readonly recorded: string,
    readonly expected: string,
  ) {
    super(
      `store migration ${version} was applied with checksum ${recorded.slice(0, 12)}…, but its definition in this version of ` +
        `Portolan has checksum ${expected.slice(0, 12)}…: an applied migration was edited. ` +
        'Never edit an applied migration; restore its original statements (analyzer/store/migrations.ts, schema/) and add the change as a new migration. ' +
        'If the store was created with other options (--cluster), open it with the same ones.',
    );
    this.name = 'MigrationChecksumError';
  }
}

/**
 * The checksums an applied migration may carry. The raw-event retention (rawTtlDays) is an
 * option, not part of a migration's definition: a store created with the default retention
 * and opened with another one (or the other way round) still matches.
 */
function acceptedChecksums(m: Migration, opts: SchemaOptions): string[] {
  const out = new Set([checksum(m.statements(opts))]);
  out.add(checksum(m.statements({ ...opts, rawTtlDays: DEFAULT_RAW_TTL_DAYS })));
  return [...out];
}

/** Compares every applied migration's recorded checksum with its current statements; throws MigrationChecksumError on the first that differs. */
export function verifyApplied(applied: Array<{ version: number; checksum: string }>, opts: SchemaOptions = {}): void {
  for (const row of applied) {
    const m = MIGRATIONS.find((x) => x.version === row.version);
    if (!m) continue; // a newer Portolan applied it; runMigrations warns
    const ok = acceptedChecksums(m, opts);
    if (!ok.includes(row.checksum)) throw new MigrationChecksumError(m.version, row.checksum, ok[0]);
  }
}

/**
 * Applies the pending migrations in order. `beforeApplying` runs once before the first pending
 * one: a migration's backfill (INSERT … SELECT into a read model) is deduplicated by its blocks'
 * hashes, so the embedded store's deduplication logs are repaired before it (dedup-repair.ts).
 * With `lock` (a server, which other processes may be migrating too), they are applied holding
 * the migration lock, and what is pending is read again once it is held.
 */
export async function runMigrations(client: ClickHouseClient, opts: SchemaOptions = {}, beforeApplying?: () => Promise<void>, lock?: LockTiming): Promise<MigrationResult> {
  // The bookkeeping table itself (and its Distributed twin in cluster mode) comes first.
  const bootstrap = generateDdl(opts, 1).slice(0, opts.cluster ? 2 : 1);
  if (!bootstrap[0].includes(tableDef('schema_migrations').name)) throw new Error('schema_migrations must be the first table');
  for (const sql of bootstrap) await client.command({ query: sql });

  const applied = async (): Promise<Set<number>> => {
    const rs = await client.query({ query: 'SELECT version, checksum FROM schema_migrations FINAL', format: 'JSONEachRow' });
    const rows = (await rs.json<{ version: number | string; checksum: string }>()).map((r) => ({ version: Number(r.version), checksum: String(r.checksum) }));
    verifyApplied(rows, opts);
    const newer = rows.filter((r) => !MIGRATIONS.some((m) => m.version === r.version)).map((r) => r.version);
    if (newer.length) log.warn({ versions: newer }, 'the store has migrations this version of Portolan does not know (written by a newer version)');
    return new Set(rows.map((r) => r.version));
  };
  const apply = async (done: Set<number>): Promise<MigrationResult> => {
    if (done.size === 0 && !opts.cluster && (await onlyBookkeeping(client))) return createCurrent(client, opts, beforeApplying);
    const result: MigrationResult = { applied: [], skipped: [] };
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) {
        result.skipped.push(m.version);
        continue;
      }
      if (result.applied.length === 0) await beforeApplying?.();
      for (const sql of m.statements(opts)) await client.command({ query: sql });
      await recordApplied(client, [m], opts);
      log.info({ version: m.version, name: m.name }, 'store migration applied');
      result.applied.push(m.version);
    }
    return result;
  };

  const done = await applied();
  if (!lock || MIGRATIONS.every((m) => done.has(m.version))) return apply(done);
  return withMigrationLock(client, async () => apply(await applied()), lock);
}

/** Whether the database holds nothing but schema_migrations: a new store (or one whose creation was cut short before anything else was made). */
async function onlyBookkeeping(client: ClickHouseClient): Promise<boolean> {
  const rs = await client.query({ query: `SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name != '${tableDef('schema_migrations').name}'`, format: 'JSONEachRow' });
  return Number((await rs.json<{ n: number | string }>())[0]?.n) === 0; // no answer: not known to be empty
}

/**
 * A new single-node store created at the current schema in one pass, then every migration
 * recorded as applied, with the checksum of its own statements (what a later start verifies).
 * Cut short, nothing is recorded and the database is no longer empty: the next start applies
 * the migrations in turn, whose statements all run again over what exists (IF NOT EXISTS), and
 * reaches the same store (test/analyzer/store/current-schema.test.ts).
 */
async function createCurrent(client: ClickHouseClient, opts: SchemaOptions, beforeApplying?: () => Promise<void>): Promise<MigrationResult> {
  await beforeApplying?.();
  for (const sql of currentSchemaDdl(opts)) await client.command({ query: sql });
  await recordApplied(client, MIGRATIONS, opts);
  log.info({ version: SCHEMA_VERSION }, 'store created at the current schema');
  return { applied: MIGRATIONS.map((m) => m.version), skipped: [] };
}

/** Records migrations as applied, each with the checksum of its statements. */
async function recordApplied(client: ClickHouseClient, migrations: Migration[], opts: SchemaOptions): Promise<void> {
  const appliedAt = Math.floor(Date.now() / 1000);
  const values = migrations.map((m) => ({ version: m.version, name: m.name, checksum: checksum(m.statements(opts)), applied_at: appliedAt }));
  await client.insert({ table: 'schema_migrations', values, format: 'JSONEachRow' });
}
