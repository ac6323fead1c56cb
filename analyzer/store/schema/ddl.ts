/**
 * The DDL generator: the declared tables, views and indexes as SQL for a single node (MergeTree
 * family, what chDB runs) or for a cluster (Replicated* engines ON CLUSTER with
 * `{shard}`/`{replica}` macros, each table as `<name>_local` plus a `Distributed` table named
 * `<name>`, so the writer and the queries use the same names in both modes). Migration checksums
 * are computed from this text: it must not change for an applied version.
 */
import { sqlString } from '../sql.js';
import { INDEXES, type IndexDef } from './indexes.js';
import { TABLES, tableDef, type ColumnDef, type TableDef } from './tables.js';
import { VIEWS, type ViewDef } from './views.js';

export interface SchemaOptions {
  /** Retention of raw route events, in days. */
  rawTtlDays?: number;
  /** Cluster name: cluster mode when set. */
  cluster?: string;
}

export const DEFAULT_RAW_TTL_DAYS = 90;

/**
 * From this migration on, every table a view writes to keeps a deduplication window too. When a
 * crashed ingest re-inserts a batch, the raw table drops it by its token, but its views still run
 * (`deduplicate_blocks_in_dependent_materialized_views`): without a window, a target whose part
 * had landed before the kill counted the batch twice. The views derive their targets' tokens
 * from the raw table's, so distinct batches never collide.
 */
export const VIEW_TARGET_DEDUP_SINCE = 10;
const DEDUP_WINDOW = 'non_replicated_deduplication_window = 10000';
const VIEW_TARGETS = new Set(VIEWS.map((v) => v.to));

const ident = (s: string): string => {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(s)) throw new Error(`invalid identifier ${JSON.stringify(s)}`);
  return s;
};

/** A table's version column at a migration: before its rebuild (TableDef.versionSince), the one it had. */
const versionColumnAt = (t: TableDef, version: number): string | undefined => (version >= (t.versionSince ?? 0) ? t.versionColumn : t.versionBefore);

function engineSql(t: TableDef, zooKeeperPath: string, cluster: string | undefined, version: number): string {
  const args: string[] = [];
  if (cluster) args.push(sqlString(zooKeeperPath), sqlString('{replica}'));
  const versionColumn = versionColumnAt(t, version);
  if (versionColumn) args.push(versionColumn);
  const engine = cluster ? `Replicated${t.engine}` : t.engine;
  return `${engine}(${args.join(', ')})`;
}

/** A column's name as the table's CREATE has it: backquoted where the table was first shipped that way (its migration's text is frozen). */
const columnName = (t: TableDef, s: string): string => (t.quoteNames ? `\`${ident(s)}\`` : ident(s));

/** A table's name where its rows are: `<name>_local` in a cluster, whose Distributed twin has the name. */
export const storedName = (name: string, opts: SchemaOptions): string => (opts.cluster ? `${name}_local` : name);

/** A raw table's TTL expression for `days` of retention. */
const ttlExpression = (t: TableDef, days: number): string => t.ttl!.replace('{ttlDays}', String(days));

/** The statement that gives an existing raw table `days` of retention (0: none), for analyzer/store/retention.ts. */
export function retentionStatement(t: TableDef, days: number, opts: SchemaOptions): string {
  const table = `${storedName(t.name, opts)}${opts.cluster ? ` ON CLUSTER ${ident(opts.cluster)}` : ''}`;
  return days === 0 ? `ALTER TABLE ${table} REMOVE TTL` : `ALTER TABLE ${table} MODIFY TTL ${ttlExpression(t, days)}`;
}

/** Everything of a CREATE TABLE after its columns, as migration `version` states it. */
function tableClauses(t: TableDef, opts: SchemaOptions, zooKeeperPath: string, version: number): string[] {
  const cluster = opts.cluster ? ident(opts.cluster) : undefined;
  const lines = [`ENGINE = ${engineSql(t, zooKeeperPath, cluster, version)}`];
  if (t.partitionBy) lines.push(`PARTITION BY ${t.partitionBy}`);
  lines.push(`ORDER BY (${(t.quoteNames ? t.orderBy.map((c) => columnName(t, c)) : t.orderBy).join(', ')})`);
  if (t.ttl) lines.push(`TTL ${ttlExpression(t, opts.rawTtlDays ?? DEFAULT_RAW_TTL_DAYS)}`);
  // Replicated tables deduplicate inserted blocks natively; a single node needs the window set.
  const dedup = t.insertDedup || (VIEW_TARGETS.has(t.name) && version >= VIEW_TARGET_DEDUP_SINCE);
  if (dedup && !cluster) lines.push(`SETTINGS ${DEDUP_WINDOW}`);
  lines.push(`COMMENT ${sqlString(t.comment)}`);
  return lines;
}

const zooKeeperPath = (localName: string): string => `/clickhouse/tables/{shard}/{database}/${localName}`;

/**
 * A table as migration `version` has it (by default the one that creates it): its columns up to
 * that version, where the migrations put them (its own, then those added, version by version; sort
 * is stable), with that version's comments and clauses.
 */
function createTable(t: TableDef, opts: SchemaOptions, version = versionOf(t)): string {
  const cluster = opts.cluster ? ident(opts.cluster) : undefined;
  const local = storedName(t.name, opts);
  const columns = t.columns
    .filter((c) => versionOf(c) <= version)
    .sort((a, b) => versionOf(a) - versionOf(b))
    .map((c) => `  ${columnName(t, c.name)} ${c.type} COMMENT ${sqlString(commentAt(c, version))}`)
    .join(',\n');
  return [`CREATE TABLE IF NOT EXISTS ${local}${cluster ? ` ON CLUSTER ${cluster}` : ''}\n(\n${columns}\n)`, ...tableClauses(t, opts, zooKeeperPath(local), version)].join('\n');
}

function createDistributed(t: TableDef, cluster: string): string {
  return [
    `CREATE TABLE IF NOT EXISTS ${t.name} ON CLUSTER ${cluster} AS ${t.name}_local`,
    `ENGINE = Distributed(${sqlString(cluster)}, currentDatabase(), ${sqlString(`${t.name}_local`)}, ${t.shardingKey})`,
    `COMMENT ${sqlString(t.comment + ' (Distributed over ' + t.name + '_local)')}`,
  ].join('\n');
}

/**
 * A table rebuilt with its version column (TableDef.versionSince): a copy with the new engine
 * (columns, comments and skip indexes taken from the table) is given the table's parts (ATTACH
 * PARTITION ALL FROM: hard links, so nothing is rewritten and no disk is taken, whatever the
 * size), then exchanged with it; the views that read the table follow its name. Every statement
 * can run again from any point: a copy a crash left is dropped first, and after the exchange the
 * copy holds the old parts, so a second pass rebuilds the rebuilt table. Nothing may write
 * meanwhile: a single node migrates before it writes; a cluster's writers must be stopped (rows
 * inserted between the attach and the exchange would go with the old table).
 */
function rebuildTable(t: TableDef, opts: SchemaOptions, version: number): string[] {
  const cluster = opts.cluster ? ident(opts.cluster) : undefined;
  const [table, copy] = [storedName(t.name, opts), storedName(`${t.name}_rebuild`, opts)];
  const onCluster = cluster ? ` ON CLUSTER ${cluster}` : '';
  // SYNC: the old parts' disk is freed now, not minutes later (an Atomic database's delay).
  const drop = (ifExists: boolean): string => `DROP TABLE ${ifExists ? 'IF EXISTS ' : ''}${copy}${onCluster} SYNC`;
  // A fresh replication path for every copy ({uuid}): after an exchange, the table runs on the last one.
  const create = [`CREATE TABLE ${copy}${onCluster} AS ${table}`, ...tableClauses(t, opts, `${zooKeeperPath(table)}/{uuid}`, version)].join('\n');
  // On a replicated table, an ALTER ON CLUSTER runs on one replica of each shard, and the others fetch.
  const attach = `ALTER TABLE ${copy}${onCluster} ATTACH PARTITION ALL FROM ${table}`;
  return [drop(true), create, attach, `EXCHANGE TABLES ${table} AND ${copy}${onCluster}`, drop(false)];
}

/** The view's SELECT as a migration creates it: before a later redefinition, the earlier text. */
function selectAt(v: ViewDef, version: number): string {
  if (v.redefined && version < v.redefined.since) return v.redefined.before;
  if (v.replaced && version < v.replaced.since) return v.replaced.before;
  return v.select;
}

function createView(v: ViewDef, cluster: string | undefined, version: number): string {
  // In a cluster each node's view reads its local shard and writes its local target.
  const sfx = cluster ? '_local' : '';
  const select = selectAt(v, version).replace('{from}', `${v.from}${sfx}`);
  return `CREATE MATERIALIZED VIEW IF NOT EXISTS ${v.name}${cluster ? ` ON CLUSTER ${ident(cluster)}` : ''} TO ${v.to}${sfx}\nAS ${select}\nCOMMENT ${sqlString(v.comment)}`;
}

/** The target filled from the view's source. Distributed names in a cluster: the initiator reads every shard and the insert is sharded again. */
function insertFromSource(v: ViewDef, version: number): string {
  // The target's columns as this version has them (a later one may add some).
  const cols = tableDef(v.to).columns.filter((c) => (c.since ?? 1) <= version).map((c) => c.name).join(', ');
  return `INSERT INTO ${v.to} (${cols})\nSELECT ${cols} FROM (${selectAt(v, version).replace('{from}', v.from)})`;
}

/** The target filled again from the source, its rows replacing the old ones by key: a re-run after a crash inserts the same rows again. */
function refill(v: ViewDef, version: number): string {
  if (tableDef(v.to).engine !== 'ReplacingMergeTree') throw new Error(`view ${v.name}: only a ReplacingMergeTree target can be filled again (an aggregating one would count twice)`);
  return insertFromSource(v, version);
}

// Only into an empty target: a migration re-run after a crash must not count rows twice.
const backfill = (v: ViewDef, version: number): string => `${insertFromSource(v, version)}\nWHERE (SELECT count() FROM ${v.to}) = 0`;

/**
 * A view whose SELECT this version replaces, in place (`MODIFY QUERY`: no moment without the
 * view, when another node's inserts would miss it), then, with `refill`, its target filled again
 * from the source: the target replaces rows by key, so a re-run after a crash inserts the same
 * rows again. Migration 12's form, frozen; a view changed so is created again later (`recreated`).
 */
function redefineView(v: ViewDef, cluster: string | undefined, version: number): string[] {
  const sfx = cluster ? '_local' : '';
  const name = cluster ? `${v.name} ON CLUSTER ${ident(cluster)}` : v.name;
  const out = [`ALTER TABLE ${name} MODIFY QUERY ${selectAt(v, version).replace('{from}', `${v.from}${sfx}`)}`];
  return v.redefined!.refill ? [...out, refill(v, version)] : out;
}

/**
 * A view dropped and created again with its SELECT (see ViewDef.recreated). In a cluster,
 * another node's inserts in the moment between the two statements miss the view; a single
 * node runs its migrations before it writes.
 */
function recreateView(v: ViewDef, cluster: string | undefined, version: number): string[] {
  return [`DROP VIEW IF EXISTS ${v.name}${cluster ? ` ON CLUSTER ${ident(cluster)}` : ''}`, createView(v, cluster, version)];
}

/** A view given a new SELECT (see ViewDef.replaced): created again with it, and with `refill` its target filled again. */
function replaceView(v: ViewDef, cluster: string | undefined, version: number): string[] {
  const out = recreateView(v, cluster, version);
  return v.replaced!.refill ? [...out, refill(v, version)] : out;
}

/** An ALTER TABLE of what a table stores: in a cluster, its local tables only (the Distributed twin stores nothing). */
const alterStored = (table: string, cluster: string | undefined, alter: string): string => `ALTER TABLE ${cluster ? `${table}_local ON CLUSTER ${ident(cluster)}` : table} ${alter}`;

function addIndex(i: IndexDef, cluster: string | undefined): string[] {
  return [
    alterStored(i.table, cluster, `ADD INDEX IF NOT EXISTS ${ident(i.name)} ${i.expression} TYPE ${i.type} GRANULARITY ${i.granularity}`),
    // Builds the index for parts written before it existed (an asynchronous mutation).
    alterStored(i.table, cluster, `MATERIALIZE INDEX ${ident(i.name)}`),
  ];
}

/** The comment a column is created (or added) with by migration `version`: before a later one replaced it, the earlier text. */
const commentAt = (c: ColumnDef, version: number): string => (c.recommented && version < c.recommented.since ? c.recommented.was : c.comment);

/** An ALTER TABLE on an existing table (and, in a cluster, on its Distributed twin, which has no columns of its own to follow). */
function alterTable(t: TableDef, cluster: string | undefined, alter: string): string[] {
  if (!cluster) return [`ALTER TABLE ${t.name} ${alter}`];
  return [`ALTER TABLE ${t.name}_local ON CLUSTER ${cluster} ${alter}`, `ALTER TABLE ${t.name} ON CLUSTER ${cluster} ${alter}`];
}

const addColumn = (t: TableDef, c: ColumnDef, cluster: string | undefined): string[] =>
  alterTable(t, cluster, `ADD COLUMN IF NOT EXISTS ${ident(c.name)} ${c.type} COMMENT ${sqlString(commentAt(c, versionOf(c)))}`);

/**
 * A column added to rows stored before it, filled from their other columns (ColumnDef.filledFrom):
 * only rows still holding its default, so a run again after a crash changes nothing; waited for
 * (mutations_sync), so no reader sees it half filled.
 */
function fillColumn(t: TableDef, c: ColumnDef, cluster: string | undefined): string {
  const col = ident(c.name);
  return alterStored(t.name, cluster, `UPDATE ${col} = ${c.filledFrom} WHERE ${col} = defaultValueOfArgumentType(${col}) SETTINGS mutations_sync = 2`);
}

const recommentColumn = (t: TableDef, c: ColumnDef, cluster: string | undefined): string[] =>
  alterTable(t, cluster, `COMMENT COLUMN ${ident(c.name)} ${sqlString(c.comment)}`);

const versionOf = (x: { since?: number }): number => x.since ?? 1;

/** Highest migration version the schema declares. */
export const SCHEMA_VERSION = Math.max(
  VIEW_TARGET_DEDUP_SINCE,
  ...[...TABLES, ...TABLES.flatMap((t) => t.columns), ...TABLES.flatMap((t) => t.columns.flatMap((c) => (c.recommented ? [c.recommented] : []))), ...VIEWS, ...VIEWS.flatMap((v) => (v.redefined ? [v.redefined] : [])), ...VIEWS.map((v) => ({ since: v.recreated })), ...VIEWS.map((v) => ({ since: v.replaced?.since })), ...TABLES.map((t) => ({ since: t.versionSince })), ...INDEXES].map(versionOf),
);

/**
 * The statements a version creates, in order: tables (and their Distributed twins), columns
 * added (and filled in the rows stored before them), comments replaced, tables rebuilt with a
 * version column, one-off backfills of new read models from the raw tables (versions after 1),
 * views, views redefined (a ReplacingMergeTree target filled again), views created again, views
 * replaced (created again with a new SELECT, a ReplacingMergeTree target filled again), skip indexes.
 * Without a version: every version's statements in turn (the whole schema).
 */
export function generateDdl(opts: SchemaOptions = {}, version?: number): string[] {
  if (version === undefined) {
    const all: string[] = [];
    for (let v = 1; v <= SCHEMA_VERSION; v++) all.push(...generateDdl(opts, v));
    return all;
  }
  const cluster = opts.cluster ? ident(opts.cluster) : undefined;
  const out: string[] = [];
  for (const t of TABLES.filter((x) => versionOf(x) === version)) {
    out.push(createTable(t, opts));
    if (cluster) out.push(createDistributed(t, cluster));
  }
  for (const t of TABLES) for (const c of t.columns.filter((x) => x.since === version && versionOf(t) < version)) {
    out.push(...addColumn(t, c, cluster));
    if (c.filledFrom) out.push(fillColumn(t, c, cluster));
  }
  for (const t of TABLES) for (const c of t.columns.filter((x) => x.recommented?.since === version && Math.max(versionOf(t), versionOf(x)) < version)) out.push(...recommentColumn(t, c, cluster));
  for (const t of TABLES.filter((x) => x.versionSince === version && versionOf(x) < version)) out.push(...rebuildTable(t, opts, version));
  const views = VIEWS.filter((x) => versionOf(x) === version);
  if (version > 1) for (const v of views) if (v.backfill !== false) out.push(backfill(v, version));
  for (const v of views) out.push(createView(v, cluster, version));
  for (const v of VIEWS.filter((x) => x.redefined?.since === version)) out.push(...redefineView(v, cluster, version));
  for (const v of VIEWS.filter((x) => x.recreated === version)) out.push(...recreateView(v, cluster, version));
  for (const v of VIEWS.filter((x) => x.replaced?.since === version)) out.push(...replaceView(v, cluster, version));
  for (const i of INDEXES.filter((x) => versionOf(x) === version)) out.push(...addIndex(i, cluster));
  if (version === VIEW_TARGET_DEDUP_SINCE && !cluster) {
    for (const t of TABLES) if (VIEW_TARGETS.has(t.name) && !t.insertDedup && versionOf(t) < version) out.push(`ALTER TABLE ${t.name} MODIFY SETTING ${DEDUP_WINDOW}`);
  }
  return out;
}

/**
 * The schema as every migration applied in turn leaves it, for a new single-node store: one
 * statement per table, view and skip index (46 at version 17, against 114 for the migrations; a
 * new store's migration takes half the time). Tables, with all their columns and comments,
 * engines, settings and views' SELECTs are the last version's (createTable). Nothing to backfill: the tables
 * are empty. schema_migrations exists already (runMigrations creates it first). Compared with
 * the migrations on real stores in test/analyzer/store/current-schema.test.ts.
 */
export function currentSchemaDdl(opts: SchemaOptions): string[] {
  if (opts.cluster) throw new Error('a cluster is created by its migrations, in turn');
  const tables = TABLES.filter((t) => t.name !== tableDef('schema_migrations').name).map((t) => createTable(t, opts, SCHEMA_VERSION));
  const views = VIEWS.map((v) => createView(v, undefined, SCHEMA_VERSION));
  // Only ADD INDEX: MATERIALIZE INDEX builds it for existing parts, and there are none.
  const indexes = [...INDEXES].sort((a, b) => versionOf(a) - versionOf(b)).map((i) => addIndex(i, undefined)[0]);
  return [...tables, ...views, ...indexes];
}
