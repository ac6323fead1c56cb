/**
 * The raw tables' retention on a store that exists (analyzer/store/retention.ts), in a real chDB
 * store: a row stored long ago is kept or not as the TTL says, whatever TTL the tables were
 * created with.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore, type Store } from '../../../analyzer/store/index.js';
import { applyRetention, RAW_TABLES, retentionOf } from '../../../analyzer/store/retention.js';
import { makeTmpDir } from '../../helpers/tmp.js';

const daysAgo = (days: number): string => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 19).replace('T', ' ');

describe('raw-event retention', () => {
  const dir = makeTmpDir('retention');
  let store: Store;
  beforeAll(async () => {
    // A new store given "forever": created with the default TTL, which is then removed.
    store = await openStore({ db: join(dir, 'db'), rawTtlDays: 0 });
    await store.migrate();
  });
  afterAll(async () => store?.close());

  const retentions = async () =>
    Object.fromEntries((await store.readonlySql('SELECT name, engine_full FROM system.tables WHERE database = currentDatabase() ORDER BY name')).rows.filter((r) => RAW_TABLES.includes(String(r.name))).map((r) => [r.name, retentionOf(String(r.engine_full))]));
  const forAll = (days: number) => Object.fromEntries([...RAW_TABLES].sort().map((t) => [t, days]));
  const store10YearsAgo = () =>
    store.client.insert({
      table: 'route_events',
      values: [{ event_id: 1, time: '2016-08-11 16:04:58.000000', prefix: '10.0.0.0/8', family: 4, prefix_length: 8, elem_type: 'announce', stored_at: daysAgo(3650) }],
      format: 'JSONEachRow',
    });
  const count = async () => Number((await store.readonlySql('SELECT count() AS n FROM route_events')).rows[0].n);

  it('a store can keep its raw events forever, for a number of days, and back; only tables that differ are altered; the new TTL applies to existing rows as their parts merge', async () => {
    expect(RAW_TABLES).toEqual(['route_events', 'mismatch_events', 'rib_snapshots']);
    expect(await retentions()).toEqual(forAll(0));
    await store10YearsAgo();
    expect(await count()).toBe(1);

    expect((await applyRetention(store.client, 5000)).sort()).toEqual([...RAW_TABLES].sort());
    expect(await retentions()).toEqual(forAll(5000));
    expect(await applyRetention(store.client, 5000)).toEqual([]);

    // 90 days: a row stored ten years ago goes when its part merges, and is not kept when stored now.
    expect((await applyRetention(store.client, 90)).sort()).toEqual([...RAW_TABLES].sort());
    expect(await retentions()).toEqual(forAll(90));
    await store.client.command({ query: 'OPTIMIZE TABLE route_events FINAL' });
    expect(await count()).toBe(0);
    await store10YearsAgo();
    expect(await count()).toBe(0);

    await expect(applyRetention(store.client, -1)).rejects.toThrow(/whole number of days/);
  });
});
