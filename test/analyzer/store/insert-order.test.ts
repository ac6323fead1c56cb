/**
 * What the store shows does not depend on the order its rows were stored in (migrations 16 and
 * 17). Before, of rows sharing a key, FINAL kept the one whose part committed last, which the
 * writer's two concurrent inserts and the batches' cuts decided: one ingest and the same files in
 * two commands showed other rows (test/cli/ingest-twins.test.ts, on real files).
 * - route_events: two announcements share an event id when a peer announces the same route
 *   again within one second, a withdrawal between them; their visibilities differ. The one the
 *   most peers carried is kept.
 * - prefix_latest: its views pick the latest of each inserted block by LATEST_ORDER, and the
 *   table kept the latest by time alone: of two blocks' rows of one time, the last stored. It
 *   now keeps the latest by LATEST_ORDER (time, visibility, event id) across blocks too.
 * Here the later insert always holds what should lose, as an insert that committed out of order leaves it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../analyzer/store/migrations.js';
import { tableDef } from '../../../analyzer/store/schema.js';
import { migrateStoreTo } from '../../helpers/store-version.js';
import { announcementStore } from './fixtures.js';

const T = '2016-08-11 16:04:58.000000';

interface Row {
  event_id: number;
  prefix: string;
  visibility: number;
  severity: string;
  time: string;
}

/** A classified announcement as route_events stores it; the same (prefix, time, id) with another visibility is a twin. */
const row = (event_id: number, prefix: string, visibility: number, severity = 'low', time = T): Row => ({ event_id, prefix, visibility, severity, time });

/** Each prefix's latest by (time, visibility, event id), computed here from the rows given. */
function latestBy(rows: Row[]): Record<string, string> {
  const out = new Map<string, Row>();
  // Times in one format compare as text.
  const later = (a: Row, b: Row): boolean =>
    a.time !== b.time ? a.time > b.time : a.visibility !== b.visibility ? a.visibility > b.visibility : a.event_id > b.event_id;
  for (const r of rows) {
    const best = out.get(r.prefix);
    if (!best || later(r, best)) out.set(r.prefix, r);
  }
  return Object.fromEntries([...out].sort().map(([p, r]) => [p, r.severity]));
}

const COLUMNS = tableDef('route_events').columns.map((c) => c.name).join(', ');

function storeAt(name: string) {
  const { ctx, insert } = announcementStore(name);
  const sql = async (query: string) => (await ctx.store.readonlySql(query)).rows;
  return {
    ctx,
    sql,
    insert,
    visibilities: async () => Object.fromEntries((await sql('SELECT prefix, visibility FROM route_events FINAL ORDER BY prefix')).map((r) => [r.prefix, Number(r.visibility)])),
    latest: async () => Object.fromEntries((await sql('SELECT prefix, severity FROM prefix_latest FINAL ORDER BY prefix')).map((r) => [r.prefix, r.severity])),
  };
}

// Two blocks: the second holds, of each pair, the row that should lose.
const FIRST = [row(1, '10.0.0.0/8', 3, 'medium'), row(3, '10.2.0.0/16', 7, 'medium'), row(9, '10.3.0.0/16', 5, 'high'), row(5, '10.4.0.0/16', 2, 'low', '2007-02-11 01:41:00.000000')];
const SECOND = [row(1, '10.0.0.0/8', 2, 'low'), row(4, '10.2.0.0/16', 5, 'low'), row(2, '10.3.0.0/16', 5, 'low')];

describe('migrations 16 and 17 on a store written before them', () => {
  const { ctx, sql, insert, visibilities, latest } = storeAt('insert-order-migration');
  const described = async () => ({
    columns: await sql("SELECT name, type, comment FROM system.columns WHERE database = currentDatabase() AND table = 'route_events' ORDER BY position"),
    indexes: await sql("SELECT name, type_full, expr FROM system.data_skipping_indices WHERE database = currentDatabase() AND table = 'route_events'"),
    comment: await sql("SELECT comment FROM system.tables WHERE database = currentDatabase() AND name = 'route_events'"),
  });
  /** Every column of every route event as FINAL shows it (stored_at included: the rebuild keeps it). */
  const final = async () => JSON.stringify(await sql(`SELECT ${COLUMNS} FROM route_events FINAL ORDER BY prefix, time, event_id`));
  const leftOver = async () => (await sql("SELECT name FROM system.tables WHERE database = currentDatabase() AND name LIKE '%rebuild%'")).map((r) => r.name);
  const engine = async (table: string) => (await sql(`SELECT engine_full FROM system.tables WHERE database = currentDatabase() AND name = '${table}'`))[0].engine_full as string;

  it('route_events keeps every row, column and index, and FINAL then shows the twin the most peers carried; prefix_latest is filled again by the total order; the views are still fed; either migration can run again from any point', async () => {
    const { store } = ctx;
    await migrateStoreTo(store.client, 15);
    await insert(FIRST);
    await insert(SECOND);
    // As shipped: the row stored last, whatever its peers.
    expect(await visibilities()).toEqual({ '10.0.0.0/8': 2, '10.2.0.0/16': 5, '10.3.0.0/16': 5, '10.4.0.0/16': 2 });
    expect(await latest()).toEqual({ '10.0.0.0/8': 'low', '10.2.0.0/16': 'low', '10.3.0.0/16': 'low', '10.4.0.0/16': 'low' });
    const before = await described();
    const expected = JSON.stringify(await sql(`SELECT ${COLUMNS} FROM route_events ORDER BY prefix, time, event_id, visibility DESC LIMIT 1 BY prefix, time, event_id`));
    const activity = async () => Object.fromEntries((await sql('SELECT prefix, sum(events) AS n FROM prefix_activity GROUP BY prefix ORDER BY prefix')).map((r) => [r.prefix, Number(r.n)]));
    const activityBefore = await activity();

    expect((await store.migrate()).applied).toEqual(MIGRATIONS.filter((m) => m.version >= 16).map((m) => m.version));
    expect(await visibilities()).toEqual({ '10.0.0.0/8': 3, '10.2.0.0/16': 5, '10.3.0.0/16': 5, '10.4.0.0/16': 2 });
    expect(await final()).toBe(expected);
    expect(await described()).toEqual(before);
    expect(await engine('route_events')).toMatch(/^ReplacingMergeTree\(visibility\) PARTITION BY toYYYYMM\(time\) ORDER BY \(prefix, time, event_id\) TTL stored_at/);
    expect(await engine('prefix_latest')).toMatch(/^ReplacingMergeTree\(latest_order\) ORDER BY \(family, prefix\) SETTINGS non_replicated_deduplication_window = 10000/);
    expect(await leftOver()).toEqual([]);
    // Filled again from the stored route events: the latest by the total order (twins' losers included, as ingest fed them).
    expect(await latest()).toEqual(latestBy([...FIRST, ...SECOND]));
    expect(await latest()).toEqual({ '10.0.0.0/8': 'medium', '10.2.0.0/16': 'medium', '10.3.0.0/16': 'high', '10.4.0.0/16': 'low' });
    // The rebuilt tables fed no view; those that read route_events follow its name.
    expect(await activity()).toEqual(activityBefore);
    const later = [row(6, '10.5.0.0/16', 1), row(7, '10.4.0.0/16', 1, 'medium', '2007-02-11 01:41:00.000000')];
    await insert(later);
    expect(await activity()).toEqual({ ...activityBefore, '10.5.0.0/16': 1, '10.4.0.0/16': 2 });
    // 10.4.0.0/16: of one time, the row the fewer peers carried, stored later, does not replace the other.
    expect(await latest()).toEqual(latestBy([...FIRST, ...SECOND, ...later]));
    const after = await final();

    // Run again after a crash at each point of either migration (before it was recorded): its first k statements, then all.
    const latestAfter = await latest();
    for (const version of [16, 17]) {
      const statements = MIGRATIONS.find((m) => m.version === version)!.statements({});
      for (let k = 0; k <= statements.length; k++) {
        for (const query of statements.slice(0, k)) await store.client.command({ query });
        if (version === 16 && k === 3) expect(await leftOver()).toEqual(['route_events_rebuild']); // the copy made, not exchanged
        for (const query of statements) await store.client.command({ query });
        expect({ version, k, final: await final(), latest: await latest(), leftOver: await leftOver() }).toEqual({ version, k, final: after, latest: latestAfter, leftOver: [] });
      }
    }
    expect(await described()).toEqual(before);
    await insert([row(8, '10.6.0.0/16', 1)]);
    expect(await activity()).toEqual({ ...activityBefore, '10.5.0.0/16': 1, '10.4.0.0/16': 2, '10.6.0.0/16': 1 });
    expect(await latest()).toEqual(latestBy([...FIRST, ...SECOND, ...later, row(8, '10.6.0.0/16', 1)]));
  });
});

describe('a new store', () => {
  const { ctx, insert, visibilities, latest } = storeAt('insert-order-new');
  beforeAll(async () => void (await ctx.store.migrate()));

  it('keeps, of rows sharing a key, the same one in whichever order the inserts commit, and after merging', async () => {
    await insert(FIRST);
    await insert(SECOND);
    const want = { visibilities: await visibilities(), latest: await latest() };
    expect(want).toEqual({ visibilities: { '10.0.0.0/8': 3, '10.2.0.0/16': 5, '10.3.0.0/16': 5, '10.4.0.0/16': 2 }, latest: latestBy([...FIRST, ...SECOND]) });
    for (const table of ['route_events', 'prefix_latest']) await ctx.store.client.command({ query: `OPTIMIZE TABLE ${table} FINAL` });
    expect({ visibilities: await visibilities(), latest: await latest() }).toEqual(want);
  });
});
