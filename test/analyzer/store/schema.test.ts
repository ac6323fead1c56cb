import { describe, expect, it } from 'vitest';
import { generateDdl, TABLES, VIEWS } from '../../../analyzer/store/schema.js';

describe('generated DDL', () => {
  it('single mode: MergeTree family, no cluster, TTL and dedup window on raw events', () => {
    const ddl = generateDdl({ rawTtlDays: 30 });
    expect(ddl.length).toBe(TABLES.length + VIEWS.length);
    expect(ddl.join('\n')).not.toMatch(/ON CLUSTER|Replicated|Distributed/);
    const events = ddl.find((s) => s.startsWith('CREATE TABLE IF NOT EXISTS route_events\n'))!;
    expect(events).toMatch(/ENGINE = ReplacingMergeTree\(\)/);
    expect(events).toMatch(/TTL stored_at \+ INTERVAL 30 DAY/);
    expect(events).toMatch(/non_replicated_deduplication_window/);
    expect(events).toMatch(/ORDER BY \(prefix, time, event_id\)/);
    expect(ddl.find((s) => s.includes('MATERIALIZED VIEW IF NOT EXISTS origin_hourly_mv'))).toMatch(/TO origin_hourly\n/);
  });

  it('cluster mode: Replicated engines ON CLUSTER with macros, Distributed tables under the same names', () => {
    const ddl = generateDdl({ cluster: 'portolan' });
    expect(ddl.length).toBe(2 * TABLES.length + VIEWS.length);
    for (const t of TABLES) {
      const local = ddl.find((s) => s.startsWith(`CREATE TABLE IF NOT EXISTS ${t.name}_local ON CLUSTER portolan\n`));
      expect(local, t.name).toBeDefined();
      expect(local).toContain(`ENGINE = Replicated${t.engine}('/clickhouse/tables/{shard}/{database}/${t.name}_local', '{replica}'`);
      expect(local).not.toMatch(/non_replicated_deduplication_window/);
      const dist = ddl.find((s) => s.startsWith(`CREATE TABLE IF NOT EXISTS ${t.name} ON CLUSTER portolan AS ${t.name}_local`));
      expect(dist, t.name).toContain(`ENGINE = Distributed('portolan', currentDatabase(), '${t.name}_local', ${t.shardingKey})`);
    }
    for (const v of VIEWS) {
      const mv = ddl.find((s) => s.includes(`MATERIALIZED VIEW IF NOT EXISTS ${v.name} ON CLUSTER portolan TO ${v.to}_local`));
      expect(mv, v.name).toContain(`FROM ${v.from}_local`);
    }
    expect(ddl.join('\n')).toMatch(/ReplicatedReplacingMergeTree\('\/clickhouse\/tables\/\{shard\}\/\{database\}\/ingest_ledger_local', '\{replica\}', updated_at\)/);
  });

  it('refuses a cluster name that is not an identifier', () => {
    expect(() => generateDdl({ cluster: "x; DROP TABLE y" })).toThrow(/invalid identifier/);
  });
});
