import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { generateDdl, INDEXES, TABLES, VIEWS } from '../../../analyzer/store/schema.js';
import { MIGRATIONS } from '../../../analyzer/store/migrations.js';
import { LATEST_ORDER_KEY } from '../../../analyzer/store/schema/route-events.js';

const since = (x: { since?: number }) => x.since ?? 1;
/** Views of later migrations backfill their targets, but those whose source is new with them. */
const backfills = VIEWS.filter((v) => since(v) > 1 && v.backfill !== false).length;
/** Columns added to existing tables by a later migration (ALTER TABLE … ADD COLUMN). */
const addedColumns = TABLES.flatMap((t) => t.columns.filter((c) => c.since !== undefined && c.since > since(t))).length;
/** Column comments a later migration replaced (ALTER TABLE … COMMENT COLUMN). */
const recommented = TABLES.flatMap((t) => t.columns.filter((c) => c.recommented)).length;
/** Tables views write to, given a deduplication window by migration 10 (single node only). */
const viewTargets = [...new Set(VIEWS.map((v) => v.to))];
/** Views whose SELECT a later migration replaced (ALTER … MODIFY QUERY), some with their target filled again. */
const redefined = VIEWS.filter((v) => v.redefined);
const redefinitions = redefined.length + redefined.filter((v) => v.redefined!.refill).length;
/** Views a later migration dropped and created again: two statements each. */
const recreated = VIEWS.filter((v) => v.recreated);
/** Tables a later migration rebuilt with a version column: a copy made, given the parts, exchanged (5 statements). */
const rebuilt = TABLES.filter((t) => t.versionSince !== undefined).length;
/** Views a later migration created again with a new SELECT (two statements each), some with their target filled again. */
const replaced = VIEWS.filter((v) => v.replaced);
const replacements = 2 * replaced.length + replaced.filter((v) => v.replaced!.refill).length;
/** Columns added and then filled in the rows stored before them: one mutation each, on the local table in a cluster. */
const filled = TABLES.flatMap((t) => t.columns).filter((c) => c.filledFrom).length;
const sha = (xs: string[]) => createHash('sha256').update(xs.join(';\n')).digest('hex');

describe('generated DDL', () => {
  it('single mode: MergeTree family, no cluster, TTL and dedup window on raw events', () => {
    const ddl = generateDdl({ rawTtlDays: 30 });
    expect(ddl.length).toBe(TABLES.length + VIEWS.length + backfills + 2 * INDEXES.length + addedColumns + recommented + viewTargets.length + redefinitions + 2 * recreated.length + 5 * rebuilt + replacements + filled);
    for (const t of viewTargets) expect(ddl, t).toContain(`ALTER TABLE ${t} MODIFY SETTING non_replicated_deduplication_window = 10000`);
    expect(ddl).toContain("ALTER TABLE finding_events ADD COLUMN IF NOT EXISTS rov LowCardinality(String) COMMENT 'RPKI route-origin validation (RFC 6811): valid, invalid-origin, invalid-length, not-found; \\'\\' without RPKI data'");
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
    expect(ddl.length).toBe(2 * TABLES.length + VIEWS.length + backfills + 2 * INDEXES.length + 2 * addedColumns + 2 * recommented + redefinitions + 2 * recreated.length + 5 * rebuilt + replacements + filled);
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

  it('migration 11: rib_snapshots, and for each view of route_events a twin from the snapshots\' routes with the same SELECT, no backfill', () => {
    for (const cluster of [undefined, 'portolan'] as const) {
      const ddl = MIGRATIONS.find((m) => m.version === 11)!.statements({ cluster });
      const sfx = cluster ? '_local' : '';
      expect(ddl[0]).toContain(`CREATE TABLE IF NOT EXISTS rib_snapshots${sfx}`);
      expect(ddl.join('\n')).not.toMatch(/^INSERT INTO/m);
      for (const v of VIEWS.filter((x) => x.from === 'route_events')) {
        const twin = ddl.find((s) => s.includes(`MATERIALIZED VIEW IF NOT EXISTS ${v.name.replace(/_mv$/, '_rib_mv')}`));
        expect(twin, v.name).toContain(`TO ${v.to}${sfx}\n`);
        expect(twin, v.name).toContain(`FROM rib_snapshots${sfx} AS s ARRAY JOIN s.route_event_id AS a_event_id`);
        // The twin's SELECT is the view's (as it then was), over the routes read as route events.
        const [head, tail] = (v.redefined?.before ?? v.select).split('{from}');
        expect(twin, v.name).toContain(head);
        expect(twin, v.name).toContain(tail);
      }
    }
  });

  it('migration 12: the "latest" views redefined in place to break ties of time by visibility; prefix_latest filled again, origin_prefixes given a column', () => {
    expect(redefined.map((v) => [v.name, v.redefined!.refill])).toEqual([
      ['prefix_latest_mv', true],
      ['origin_prefixes_mv', false],
      ['prefix_latest_rib_mv', true],
      ['origin_prefixes_rib_mv', false],
    ]);
    for (const cluster of [undefined, 'portolan'] as const) {
      const ddl = MIGRATIONS.find((m) => m.version === 12)!.statements({ cluster });
      const on = cluster ? ' ON CLUSTER portolan' : '';
      const sfx = cluster ? '_local' : '';
      // The column first (on the Distributed table too in a cluster), then each view and, for prefix_latest, its refill.
      expect(ddl.filter((s) => s.includes('ADD COLUMN IF NOT EXISTS latest_by_peers'))).toHaveLength(cluster ? 2 : 1);
      const rest = ddl.filter((s) => !s.includes('ADD COLUMN'));
      expect(rest).toHaveLength(6);
      for (const v of redefined) {
        const i = rest.findIndex((s) => s.startsWith(`ALTER TABLE ${v.name}${on} MODIFY QUERY SELECT`));
        expect(i, v.name).toBeGreaterThanOrEqual(0);
        expect(rest[i]).toContain(`FROM ${v.from}${sfx}`);
        expect(rest[i]).toContain(', (time, visibility)) AS latest');
        const fill = rest[i + 1];
        if (!v.redefined!.refill) {
          expect(fill ?? '').not.toMatch(/^INSERT/);
          continue;
        }
        // Filled again through the Distributed names, with no empty-target guard: the rows replace those there.
        expect(fill).toMatch(/^INSERT INTO prefix_latest \(/);
        expect(fill).toContain(`FROM ${v.from} `);
        expect(fill).not.toContain('_local');
        expect(fill).not.toContain('count()');
      }
    }
    // Migrations 2 and 11 keep the text they shipped with: time alone, no new column.
    for (const version of [2, 11]) {
      const text = MIGRATIONS.find((m) => m.version === version)!.statements({}).join('\n');
      expect(text).toContain('severity), time) AS latest');
      expect(text).not.toContain('(time, visibility)');
      expect(text).not.toContain('latest_by_peers');
    }
  });

  it('migration 13: the views migration 12 changed in place dropped and created again with their SELECT', () => {
    expect(recreated.map((v) => v.name)).toEqual(redefined.map((v) => v.name));
    for (const cluster of [undefined, 'portolan'] as const) {
      const ddl = MIGRATIONS.find((m) => m.version === 13)!.statements({ cluster });
      const on = cluster ? ' ON CLUSTER portolan' : '';
      const sfx = cluster ? '_local' : '';
      expect(ddl).toHaveLength(2 * recreated.length);
      for (const v of recreated) {
        const i = ddl.indexOf(`DROP VIEW IF EXISTS ${v.name}${on}`);
        expect(i, v.name).toBeGreaterThanOrEqual(0);
        expect(ddl[i + 1]).toContain(`CREATE MATERIALIZED VIEW IF NOT EXISTS ${v.name}${on} TO ${v.to}${sfx}\nAS ${(v.replaced?.before ?? v.select).replace('{from}', `${v.from}${sfx}`)}`);
      }
    }
  });

  it('migration 16: route_events\' parts attached to a table with visibility as its version, exchanged with it, in both modes', () => {
    const [single, cluster] = [generateDdl({}, 16), generateDdl({ cluster: 'portolan' }, 16)];
    expect(single.map((q) => q.split('\n')[0])).toEqual([
      'DROP TABLE IF EXISTS route_events_rebuild SYNC',
      'CREATE TABLE route_events_rebuild AS route_events',
      'ALTER TABLE route_events_rebuild ATTACH PARTITION ALL FROM route_events',
      'EXCHANGE TABLES route_events AND route_events_rebuild',
      'DROP TABLE route_events_rebuild SYNC',
    ]);
    // The engine and everything after the columns as a table created now has them, but the version.
    const created = generateDdl({}).find((q) => q.startsWith('CREATE TABLE IF NOT EXISTS route_events\n'))!;
    expect(single[1].split('\n').slice(1).join('\n')).toBe(created.slice(created.indexOf('ENGINE')).replace('ReplacingMergeTree()', 'ReplacingMergeTree(visibility)'));
    expect(cluster.map((q) => q.split('\n')[0])).toEqual([
      'DROP TABLE IF EXISTS route_events_rebuild_local ON CLUSTER portolan SYNC',
      'CREATE TABLE route_events_rebuild_local ON CLUSTER portolan AS route_events_local',
      'ALTER TABLE route_events_rebuild_local ON CLUSTER portolan ATTACH PARTITION ALL FROM route_events_local',
      'EXCHANGE TABLES route_events_local AND route_events_rebuild_local ON CLUSTER portolan',
      'DROP TABLE route_events_rebuild_local ON CLUSTER portolan SYNC',
    ]);
    // A replication path of its own for each copy: run again after the exchange, the last copy's path is the table's.
    expect(cluster[1]).toContain("ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/route_events_local/{uuid}', '{replica}', visibility)");
  });

  it('migration 17: prefix_latest given latest_order and rebuilt with it as its version (keeping its dedup window), its two views created again to fill it, and the table filled again', () => {
    const ddl = generateDdl({}, 17);
    expect(ddl.map((q) => q.split('\n')[0])).toEqual([
      expect.stringMatching(/^ALTER TABLE prefix_latest ADD COLUMN IF NOT EXISTS latest_order UInt256 DEFAULT bitShiftLeft\(toUInt256\(toUnixTimestamp64Micro\(last_time\)\), 96\) COMMENT /),
      "ALTER TABLE prefix_latest COMMENT COLUMN last_time 'Time of the latest classified announcement'",
      'DROP TABLE IF EXISTS prefix_latest_rebuild SYNC',
      'CREATE TABLE prefix_latest_rebuild AS prefix_latest',
      'ALTER TABLE prefix_latest_rebuild ATTACH PARTITION ALL FROM prefix_latest',
      'EXCHANGE TABLES prefix_latest AND prefix_latest_rebuild',
      'DROP TABLE prefix_latest_rebuild SYNC',
      'DROP VIEW IF EXISTS prefix_latest_mv',
      'CREATE MATERIALIZED VIEW IF NOT EXISTS prefix_latest_mv TO prefix_latest',
      expect.stringMatching(/^INSERT INTO prefix_latest \(.*, latest_order\)$/),
      'DROP VIEW IF EXISTS prefix_latest_rib_mv',
      'CREATE MATERIALIZED VIEW IF NOT EXISTS prefix_latest_rib_mv TO prefix_latest',
      expect.stringMatching(/^INSERT INTO prefix_latest \(.*, latest_order\)$/),
    ]);
    expect(ddl[3]).toContain('ENGINE = ReplacingMergeTree(latest_order)\nORDER BY (family, prefix)\nSETTINGS non_replicated_deduplication_window = 10000\n');
    // Migration 2 created it with last_time as its version; its text is unchanged.
    expect(generateDdl({}, 2).find((q) => q.startsWith('CREATE TABLE IF NOT EXISTS prefix_latest\n'))).toContain('ENGINE = ReplacingMergeTree(last_time)');
    for (const i of [8, 11]) expect(ddl[i]).toContain(`max(${LATEST_ORDER_KEY}) AS latest_order`);
  });

  it('migration 18: origin_prefixes given latest_max, filled in the rows stored before from their states, then its two views created again with no refill (its sums would count twice)', () => {
    const starts = [
      "ALTER TABLE origin_prefixes ADD COLUMN IF NOT EXISTS latest_max SimpleAggregateFunction(max, Tuple(time DateTime64(6, 'UTC'), visibility UInt32, event_id UInt64, prefix_rir String, usage_region String, main_country String, kinds Array(String), severity String, addresses Float64)) COMMENT",
      'ALTER TABLE origin_prefixes UPDATE latest_max = if(finalizeAggregation(latest_by_peers).7 = 1, ',
      'ALTER TABLE origin_prefixes COMMENT COLUMN latest ',
      'ALTER TABLE origin_prefixes COMMENT COLUMN latest_by_peers ',
      'DROP VIEW IF EXISTS origin_prefixes_mv',
      'CREATE MATERIALIZED VIEW IF NOT EXISTS origin_prefixes_mv TO origin_prefixes',
      'DROP VIEW IF EXISTS origin_prefixes_rib_mv',
      'CREATE MATERIALIZED VIEW IF NOT EXISTS origin_prefixes_rib_mv TO origin_prefixes',
    ];
    const ddl = generateDdl({}, 18);
    expect(ddl.map((q, i) => q.slice(0, starts[i]?.length))).toEqual(starts);
    // Only the rows still at the default, waited for; in a cluster, on the local tables only.
    expect(ddl[1]).toMatch(/ WHERE latest_max = defaultValueOfArgumentType\(latest_max\) SETTINGS mutations_sync = 2$/);
    const cluster = generateDdl({ cluster: 'portolan' }, 18);
    expect(cluster.filter((q) => q.includes(' UPDATE latest_max = '))).toEqual([ddl[1].replace('ALTER TABLE origin_prefixes ', 'ALTER TABLE origin_prefixes_local ON CLUSTER portolan ')]);
    expect(cluster.filter((q) => q.startsWith('INSERT'))).toEqual([]);
    for (const i of [5, 7]) {
      expect(ddl[i]).toContain('max((time, visibility, event_id, prefix_rir, usage_region, main_country, src.kinds, severity, addresses)) AS latest_max');
      expect(ddl[i]).not.toContain('argMaxState');
    }
  });

  it('refuses a cluster name that is not an identifier', () => {
    expect(() => generateDdl({ cluster: "x; DROP TABLE y" })).toThrow(/invalid identifier/);
  });

  it('migration 1 is frozen: the same statements as when it shipped, none of the later objects', () => {
    // Checksums of migration 1 as first released (commit 7bcf872); a change here would alter existing stores.
    expect(sha(MIGRATIONS[0].statements({}))).toBe('bd6fb94b8de5dffc20db164406465aca2d00cc72e33a3d701af9ebc13d2f7db8');
    expect(sha(MIGRATIONS[0].statements({ cluster: 'portolan' }))).toBe('722e29c85b7cf911f24350b89ebb7538e293cb59871e869f6c81c386f1b33215');
    expect(MIGRATIONS[0].statements({}).join('\n')).not.toMatch(/prefix_latest|origin_prefixes|ADD INDEX/);
  });

  it('migration 2: read models, backfills only into empty targets, views and skip indexes, in both modes', () => {
    const single = MIGRATIONS[1].statements({});
    const names = ['prefix_latest', 'prefix_activity', 'origin_prefixes', 'mismatch_prefix_hourly'];
    for (const n of names) {
      const create = single.findIndex((s) => s.startsWith(`CREATE TABLE IF NOT EXISTS ${n}\n`));
      const fill = single.findIndex((s) => s.startsWith(`INSERT INTO ${n} (`));
      const view = single.findIndex((s) => s.startsWith(`CREATE MATERIALIZED VIEW IF NOT EXISTS ${n}_mv TO ${n}\n`));
      expect([create, fill, view].every((i) => i >= 0), n).toBe(true);
      expect(create < fill && fill < view, n).toBe(true); // backfill before the view: nothing counted twice
      expect(single[fill]).toContain(`WHERE (SELECT count() FROM ${n}) = 0`);
    }
    expect(single.find((s) => s.startsWith('CREATE TABLE IF NOT EXISTS prefix_latest\n'))).toMatch(/ENGINE = ReplacingMergeTree\(last_time\)\n/);
    expect(single).toContain('ALTER TABLE route_events ADD INDEX IF NOT EXISTS origin_asn_bf origin_asn TYPE bloom_filter(0.01) GRANULARITY 4');

    const cluster = MIGRATIONS[1].statements({ cluster: 'portolan' });
    for (const n of names) {
      const t = TABLES.find((x) => x.name === n)!;
      expect(cluster.find((s) => s.startsWith(`CREATE TABLE IF NOT EXISTS ${n}_local ON CLUSTER portolan\n`)), n).toContain(`ENGINE = Replicated${t.engine}('/clickhouse/tables/{shard}/{database}/${n}_local', '{replica}'`);
      expect(cluster.find((s) => s.startsWith(`CREATE TABLE IF NOT EXISTS ${n} ON CLUSTER portolan AS ${n}_local`)), n).toContain(`Distributed('portolan', currentDatabase(), '${n}_local', ${t.shardingKey})`);
      // Each node's view reads its own shard; the backfill reads and writes the Distributed tables once.
      expect(cluster.find((s) => s.startsWith(`CREATE MATERIALIZED VIEW IF NOT EXISTS ${n}_mv ON CLUSTER portolan TO ${n}_local\n`)), n).toContain('FROM route_events_local');
      expect(cluster.find((s) => s.startsWith(`INSERT INTO ${n} (`)), n).toMatch(/FROM route_events\b(?!_local)/);
    }
    expect(cluster).toContain('ALTER TABLE finding_events_local ON CLUSTER portolan ADD INDEX IF NOT EXISTS origin_asn_bf origin_asn TYPE bloom_filter(0.01) GRANULARITY 2');
    expect(cluster).toContain('ALTER TABLE route_events_local ON CLUSTER portolan MATERIALIZE INDEX origin_asn_bf');
  });
  it('migration 3: top-list rollups and per-prefix routes, backfilled before their views, in both modes', () => {
    const single = MIGRATIONS[2].statements({});
    for (const n of ['mismatch_prefix_total', 'mismatch_prefix_daily', 'mismatch_events', 'prefix_routes_daily']) {
      const create = single.findIndex((s) => s.startsWith(`CREATE TABLE IF NOT EXISTS ${n}\n`));
      const fill = single.findIndex((s) => s.startsWith(`INSERT INTO ${n} (`));
      const view = single.findIndex((s) => s.startsWith(`CREATE MATERIALIZED VIEW IF NOT EXISTS ${n}_mv TO ${n}\n`));
      expect(create >= 0 && create < fill && fill < view, n).toBe(true);
      expect(single[fill]).toContain(`WHERE (SELECT count() FROM ${n}) = 0`);
    }
    // Edge reads go by time; raw mismatches expire with the raw events.
    expect(single.find((s) => s.startsWith('CREATE TABLE IF NOT EXISTS mismatch_events\n'))).toMatch(/ORDER BY \(time, prefix\)\nTTL stored_at \+ INTERVAL 90 DAY/);
    // Migration 2 does not gain migration 3's objects.
    expect(MIGRATIONS[1].statements({}).join('\n')).not.toMatch(/mismatch_prefix_total|prefix_routes_daily|mismatch_events/);
    const cluster = MIGRATIONS[2].statements({ cluster: 'portolan' });
    expect(cluster.find((s) => s.startsWith('CREATE MATERIALIZED VIEW IF NOT EXISTS prefix_routes_daily_mv ON CLUSTER portolan TO prefix_routes_daily_local\n'))).toContain('FROM route_events_local');
  });
});
