import { join, resolve } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { DEFAULT_DB } from '../../common/defaults.js';
import { connect, releaseEngineStartupPages } from './connection.js';
import { repairOnce } from './dedup-repair.js';
import type { EmbeddedChdb } from './insert.js';
import { IngestLedger } from './ledger.js';
import { LOCK_TIMING } from './migration-lock.js';
import { runMigrations, type MigrationResult } from './migrations.js';
import { bindParams, findNamedQuery, NAMED_QUERIES } from './queries.js';
import { applyRetention } from './retention.js';
import { runReadonly, type QueryResult, type ReadonlyOptions } from './readonly.js';
import { createStoreWriter, type StoreWriter, type WriterOptions } from './writer.js';

export interface StoreOptions {
  /** Embedded chDB folder (default ./data/portolan). */
  db?: string;
  /** ClickHouse server URL instead of the embedded store. */
  clickhouse?: string;
  /** ClickHouse cluster name: Replicated + Distributed tables ON CLUSTER. */
  cluster?: string;
  /**
   * Retention of raw route events, in days from storage (0: forever). A new store's tables are
   * created with it, an existing store's are changed to it (retention.ts). Absent: 90 days for a
   * new store, an existing store's as it is.
   */
  rawTtlDays?: number;
  /** Spool folder (default `<db>/spool`, or ./data/spool with a server). */
  spoolDir?: string;
  /** A server's requests: how long one may go without a byte back (default 30 s). */
  requestTimeoutMs?: number;
  /** The same for a migration's statements (default MIGRATION_TIMEOUT_MS). */
  migrationTimeoutMs?: number;
}

/**
 * A migration's statement can run long on a server without a byte back: a read model filled
 * again from route_events aggregates the whole table (migrations 12, 17), an hour or more at a
 * billion rows. The client gives up on a connection idle past its request timeout, so the
 * migrations get their own client that waits this long.
 */
export const MIGRATION_TIMEOUT_MS = 24 * 3_600_000;

export interface NamedQueryInfo {
  name: string;
  description: string;
  params: Array<{ name: string; description: string; required: boolean; default?: string | number }>;
}

export interface Store {
  client: ClickHouseClient;
  /** The embedded chDB behind `client` (null with a server); the writers insert through it. */
  chdb: EmbeddedChdb | null;
  ledger: IngestLedger;
  migrate(): Promise<MigrationResult>;
  createWriter(opts?: Partial<WriterOptions>): StoreWriter;
  namedQuery(name: string, params: Record<string, string | number>): Promise<QueryResult>;
  namedQueries(): NamedQueryInfo[];
  readonlySql(sql: string, opts?: ReadonlyOptions): Promise<QueryResult>;
  ping(): Promise<boolean>;
  /** Embedded store: hands the engine library's start-up pages back to the kernel (bytes advised); null with a server or without the addon. */
  releaseStartupPages(): number | null;
  close(): Promise<void>;
}

export async function openStore(opts: StoreOptions = {}): Promise<Store> {
  const { client, embeddedPath, chdb } = connect({ db: opts.db ?? DEFAULT_DB, clickhouse: opts.clickhouse, requestTimeoutMs: opts.requestTimeoutMs });
  // Analyst SQL (the console, `query`) on its own embedded connection: one chDB connection runs
  // one query at a time, so a console query at its limits would hold up the dashboard's own
  // queries and the writer. A server runs queries concurrently anyway.
  let analystClient: ClickHouseClient | null = null;
  const analyst = (): ClickHouseClient => (embeddedPath ? (analystClient ??= connect({ db: embeddedPath }).client) : client);
  // The ledger too: `ingest` waits for its row before reading each file, and on the writer's
  // connection that row queued behind a batch's insert (80-800 ms with the views, per file).
  let ledgerClient: ClickHouseClient | null = null;
  let ledger: IngestLedger | null = null;
  const spoolDir = resolve(opts.spoolDir ?? (embeddedPath ? join(embeddedPath, 'spool') : './data/spool'));
  const writers: StoreWriter[] = [];
  return {
    client,
    chdb,
    get ledger() {
      return (ledger ??= new IngestLedger(embeddedPath ? (ledgerClient = connect({ db: embeddedPath }).client) : client));
    },
    async migrate() {
      // Forever (0) is created with the default retention, then has it removed.
      const schema = { cluster: opts.cluster, rawTtlDays: opts.rawTtlDays || undefined };
      // The embedded store is one process's (chDB locks its folder); a server's may be migrated
      // by several at once (the lock), and a migration's statement can run long there.
      const migrating = embeddedPath ? client : connect({ clickhouse: opts.clickhouse, requestTimeoutMs: opts.migrationTimeoutMs ?? MIGRATION_TIMEOUT_MS }).client;
      try {
        const result = await runMigrations(migrating, schema, embeddedPath ? () => repairOnce(client) : undefined, embeddedPath ? undefined : LOCK_TIMING);
        if (opts.rawTtlDays !== undefined) await applyRetention(migrating, opts.rawTtlDays, schema);
        return result;
      } finally {
        if (migrating !== client) await migrating.close();
      }
    },
    createWriter(w = {}) {
      const openConnection = embeddedPath ? () => connect({ db: embeddedPath }).client : undefined;
      const writer = createStoreWriter(client, { spoolDir, chdb, distributed: Boolean(opts.cluster), openConnection, ...w });
      writers.push(writer);
      return writer;
    },
    async namedQuery(name, params) {
      const q = findNamedQuery(name);
      const bound = bindParams(q, params);
      const rs = await client.query({ query: q.sql, query_params: bound, format: 'JSONCompactEachRowWithNames' });
      const lines = await rs.json<unknown[]>();
      const columns = (lines[0] ?? []) as string[];
      return { columns, rows: lines.slice(1).map((v) => Object.fromEntries(columns.map((c, i) => [c, v[i]]))) };
    },
    namedQueries: () =>
      NAMED_QUERIES.map((q) => ({
        name: q.name,
        description: q.description,
        params: q.params.map((p) => ({ name: p.name, description: p.description, required: p.required, ...(p.required ? {} : { default: p.default }) })),
      })),
    readonlySql: (sql, o) => runReadonly(analyst(), sql, o),
    async ping() {
      return (await client.ping()).success;
    },
    releaseStartupPages: () => (embeddedPath ? releaseEngineStartupPages() : null),
    async close() {
      for (const w of writers) await w.close();
      await analystClient?.close();
      await ledgerClient?.close();
      await client.close();
    },
  };
}

export type { Batch, BatchOutlet, RowWriter, StoreWriter, WriterOptions, WriterStats } from './writer.js';
export type { QueryResult, ReadonlyOptions } from './readonly.js';
export type { FileIdentity, LedgerEntry, IngestLedger } from './ledger.js';
export { StoreLockedError } from './connection.js';
export { QueryParamError } from './queries.js';
export { ReadonlyQueryError } from './readonly.js';
export { generateDdl } from './schema.js';
export { sqlString } from './sql.js';
