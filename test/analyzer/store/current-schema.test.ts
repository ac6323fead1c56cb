/**
 * A new store is created at the current schema in one pass (currentSchemaDdl) instead of
 * replaying every migration. Both must leave the same store: compared here on a real chDB store,
 * the migrations applied in turn (as migrateStoreTo applies them for stores of earlier versions)
 * against runMigrations on an empty database. And a creation cut short, with nothing recorded,
 * is completed by the migrations to the same store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore, type Store } from '../../../analyzer/store/index.js';
import { MIGRATIONS, migrationChecksum, runMigrations } from '../../../analyzer/store/migrations.js';
import { currentSchemaDdl, generateDdl, INDEXES, SCHEMA_VERSION, TABLES, VIEWS } from '../../../analyzer/store/schema.js';
import { migrateStoreTo } from '../../helpers/store-version.js';
import { makeTmpDir } from '../../helpers/tmp.js';

describe('a new store created at the current schema', () => {
  const dir = makeTmpDir('current-schema');
  let store: Store;
  beforeAll(async () => {
    store = await openStore({ db: join(dir, 'db') });
  });
  afterAll(async () => store?.close());

  const rows = async (sql: string) => (await store.readonlySql(sql, { maxRows: 100_000 })).rows;
  /**
   * A table's settings are a set: one a migration modified later is printed after the others,
   * one a CREATE gave in its place. The views reading a table are a set too (the engine orders
   * them by their ids, not by when they were made).
   */
  const unordered = (t: Record<string, unknown>): Record<string, unknown> => ({
    ...t,
    create_table_query: String(t.create_table_query).replace(/ SETTINGS (.*?)( COMMENT '|$)/, (_, list: string, end: string) => ` SETTINGS ${list.split(', ').sort().join(', ')}${end}`),
    dependencies_table: [...(t.dependencies_table as string[])].sort(),
  });
  /** Everything the engine says of the database's tables, views, columns and skip indexes. */
  const schema = async () => ({
    tables: (await rows('SELECT name, engine, create_table_query, dependencies_table, sorting_key, primary_key, partition_key FROM system.tables WHERE database = currentDatabase() ORDER BY name')).map(unordered),
    columns: await rows('SELECT table, position, name, type, comment, default_kind, default_expression, compression_codec FROM system.columns WHERE database = currentDatabase() ORDER BY table, position'),
    indexes: await rows('SELECT table, name, type, expr, granularity FROM system.data_skipping_indices WHERE database = currentDatabase() ORDER BY table, name'),
  });
  const dropAll = async () => {
    for (const r of await rows("SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY engine != 'MaterializedView', name")) {
      await store.client.command({ query: `DROP TABLE ${String(r.name)} SYNC` });
    }
  };
  const recorded = async () => (await rows('SELECT version, name, checksum FROM schema_migrations FINAL ORDER BY version')).map((r) => [Number(r.version), r.name, r.checksum]);
  const asRunMigrationsRecords = MIGRATIONS.map((m) => [m.version, m.name, migrationChecksum(m.statements({}))]);

  let migrated: Awaited<ReturnType<typeof schema>>;
  it('leaves the store every migration applied in turn leaves, and records each migration as they do', async () => {
    await migrateStoreTo(store.client, SCHEMA_VERSION);
    migrated = await schema();
    expect(migrated.tables).toHaveLength(TABLES.length + VIEWS.length);
    expect(migrated.indexes).toHaveLength(INDEXES.length);
    expect(await recorded()).toEqual(asRunMigrationsRecords);
    await dropAll();

    const hookSaw: number[] = [];
    const result = await runMigrations(store.client, {}, async () => void hookSaw.push(hookSaw.length));
    expect(result).toEqual({ applied: MIGRATIONS.map((m) => m.version), skipped: [] });
    expect(hookSaw).toEqual([0]); // the embedded store's dedup-log repair, as before any first migration
    expect(await schema()).toEqual(migrated);
    expect(await recorded()).toEqual(asRunMigrationsRecords);
    // Opened again: everything is verified and recorded, nothing to do.
    expect(await runMigrations(store.client, {})).toEqual({ applied: [], skipped: MIGRATIONS.map((m) => m.version) });
  });

  it('takes fewer than half the statements, and the migrations stay the whole history', () => {
    const direct = currentSchemaDdl({});
    expect(direct).toHaveLength(TABLES.length - 1 + VIEWS.length + INDEXES.length);
    expect(generateDdl({}).length).toBeGreaterThan(2 * direct.length);
    expect(MIGRATIONS.map((m) => m.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
    expect(() => currentSchemaDdl({ cluster: 'portolan' })).toThrow(/cluster/);
  });

  for (const cut of [1, 10, TABLES.length + 3, currentSchemaDdl({}).length - 1]) {
    it(`cut short after ${cut} statements (nothing recorded): the migrations complete it to the same store`, async () => {
      await dropAll();
      await store.client.command({ query: generateDdl({}, 1)[0] });
      for (const query of currentSchemaDdl({}).slice(0, cut)) await store.client.command({ query });
      const result = await runMigrations(store.client, {});
      expect(result.applied).toEqual(MIGRATIONS.map((m) => m.version));
      expect(await schema()).toEqual(migrated);
      expect(await recorded()).toEqual(asRunMigrationsRecords);
    });
  }

  it('a database holding other tables is migrated in turn, leaving them be', async () => {
    await dropAll();
    await store.client.command({ query: 'CREATE TABLE someone_elses (x UInt8) ENGINE = MergeTree ORDER BY x' });
    await runMigrations(store.client, {});
    const after = await schema();
    expect(after.tables.map((t) => t.name)).toContain('someone_elses');
    const without = (s: typeof after) => ({ ...s, tables: s.tables.filter((t) => t.name !== 'someone_elses'), columns: s.columns.filter((c) => c.table !== 'someone_elses') });
    expect(without(after)).toEqual(migrated);
  });
});
