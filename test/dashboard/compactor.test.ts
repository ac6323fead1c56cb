import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore, type Store } from '../../analyzer/store/index.js';
import { COMPACTED_TABLES, startCompactor } from '../../dashboard/server/compactor.js';
import { storePort } from '../../dashboard/server/store-port.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { FINDINGS, announce } from './fixture.js';

let store: Store;
const scalar = async (sql: string): Promise<number> => {
  const rs = await store.client.query({ query: sql, format: 'JSONEachRow' });
  return Number(Object.values((await rs.json<Record<string, unknown>>())[0])[0]);
};
const rows = (table: string) => scalar(`SELECT count() FROM ${table}`);
const parts = (table: string) => scalar(`SELECT count() FROM system.parts WHERE active AND database = currentDatabase() AND table = '${table}'`);

/** Each batch is its own insert, so every read model gets one more part repeating the same prefixes. */
async function writeBatch(peer: string, dt: number): Promise<void> {
  const writer = store.createWriter({ flushIntervalMs: 60_000 });
  for (const f of FINDINGS) await writer.writeEvent(announce(f, peer, f.time + dt), f);
  await writer.flush();
}

beforeAll(async () => {
  store = await openStore({ db: join(makeTmpDir('dash-compactor'), 'db') });
  await store.migrate();
  await writeBatch('192.0.2.1', 0);
  await writeBatch('192.0.2.2', 10);
});

afterAll(async () => {
  await store?.close();
});

describe('read-model compactor', () => {
  it('merges the read models to one row per key, keeping the latest and the sums', async () => {
    // ClickHouse may already have merged some parts in the background: at least one row per prefix.
    expect(await rows('prefix_latest')).toBeGreaterThanOrEqual(FINDINGS.length);
    const compactor = startCompactor(storePort(store), { everyMs: 0 });
    await compactor.runNow();
    expect(compactor.passes).toBeGreaterThanOrEqual(1);
    for (const t of COMPACTED_TABLES) expect(await parts(t)).toBe(1);
    expect(await rows('prefix_latest')).toBe(FINDINGS.length);
    expect(await rows('prefix_activity')).toBe(FINDINGS.length);
    expect(await scalar('SELECT sum(events) FROM prefix_activity')).toBe(2 * FINDINGS.length);
    expect(await scalar(`SELECT toUnixTimestamp(max(last_time)) FROM prefix_latest WHERE prefix = '${FINDINGS[0].prefix}'`)).toBe(FINDINGS[0].time + 10);
    await compactor.stop();
  });

  it('runs again on its timer and never overlaps passes', async () => {
    const compactor = startCompactor(storePort(store), { everyMs: 1500 });
    const [a, b] = [compactor.runNow(), compactor.runNow()];
    expect(a).toBe(b); // the pass already running is shared
    await a;
    await writeBatch('192.0.2.3', 20);
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (await rows('prefix_latest')) !== FINDINGS.length) await new Promise((r) => setTimeout(r, 50));
    await compactor.stop();
    expect(await rows('prefix_latest')).toBe(FINDINGS.length);
    expect(compactor.passes).toBeGreaterThanOrEqual(2);
    const after = compactor.passes;
    await compactor.runNow(); // stopped: nothing more runs
    expect(compactor.passes).toBe(after);
  });

  it('logs a failing table and still compacts the others', async () => {
    await writeBatch('192.0.2.4', 30);
    expect(await rows('prefix_latest')).toBe(2 * FINDINGS.length);
    const compactor = startCompactor(storePort(store), { everyMs: 0, tables: ['no_such_table', 'prefix_latest'] });
    await compactor.runNow();
    await compactor.stop();
    expect(compactor.passes).toBe(1);
    expect(await rows('prefix_latest')).toBe(FINDINGS.length);
  });

  it('does nothing on a store without a command client', async () => {
    const none = { columns: [], rows: [] };
    const bare = { namedQuery: async () => none, namedQueries: () => [], readonlySql: async () => none, ping: async () => true };
    const compactor = startCompactor(storePort(bare), { everyMs: 0 });
    await compactor.runNow();
    await compactor.stop();
    expect(compactor.passes).toBe(0);
  });
});
