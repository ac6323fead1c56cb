import type { ClickHouseClient } from '@clickhouse/client';
import { MIGRATIONS, migrationChecksum } from '../../analyzer/store/migrations.js';
import { generateDdl } from '../../analyzer/store/schema.js';

/**
 * A store as an earlier Portolan left it: migrations `from` (default: 1, a new store) to `version`
 * applied and recorded, as runMigrations records them.
 */
export async function migrateStoreTo(client: ClickHouseClient, version: number, from = 1): Promise<void> {
  await client.command({ query: generateDdl({}, 1)[0] });
  for (const m of MIGRATIONS.filter((x) => x.version >= from && x.version <= version)) {
    for (const query of m.statements({})) await client.command({ query });
    await client.insert({ table: 'schema_migrations', values: [{ version: m.version, name: m.name, checksum: migrationChecksum(m.statements({})), applied_at: 0 }], format: 'JSONEachRow' });
  }
}
