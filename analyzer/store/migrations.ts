import { createHash } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import { log } from '../../common/log.js';
import { registryChangesDdl } from './registry-changes.js';
import { generateDdl, tableDef, type SchemaOptions } from './schema.js';

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
    name: 'registry change events: registry_changes (analyzer/store/registry-changes.ts)',
    statements: (opts) => registryChangesDdl(opts),
  },
];

export interface MigrationResult {
  applied: number[];
  skipped: number[];
}

const checksum = (statements: string[]): string => createHash('sha256').update(statements.join(';\n')).digest('hex');

export async function runMigrations(client: ClickHouseClient, opts: SchemaOptions = {}): Promise<MigrationResult> {
  // The bookkeeping table itself (and its Distributed twin in cluster mode) comes first.
  const bootstrap = generateDdl(opts, 1).slice(0, opts.cluster ? 2 : 1);
  if (!bootstrap[0].includes(tableDef('schema_migrations').name)) throw new Error('schema_migrations must be the first table');
  for (const sql of bootstrap) await client.command({ query: sql });

  const rs = await client.query({ query: 'SELECT version FROM schema_migrations FINAL', format: 'JSONEachRow' });
  const done = new Set((await rs.json<{ version: number }>()).map((r) => Number(r.version)));
  const result: MigrationResult = { applied: [], skipped: [] };
  for (const m of MIGRATIONS) {
    if (done.has(m.version)) {
      result.skipped.push(m.version);
      continue;
    }
    const statements = m.statements(opts);
    for (const sql of statements) await client.command({ query: sql });
    await client.insert({
      table: 'schema_migrations',
      values: [{ version: m.version, name: m.name, checksum: checksum(statements), applied_at: Math.floor(Date.now() / 1000) }],
      format: 'JSONEachRow',
    });
    log.info({ version: m.version, name: m.name }, 'store migration applied');
    result.applied.push(m.version);
  }
  return result;
}
