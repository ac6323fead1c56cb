import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { openStore, type Store } from '../../../analyzer/store/index.js';
import type { EmbeddedChdb } from '../../../analyzer/store/insert.js';
import { createStoreWriter } from '../../../analyzer/store/writer.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { dataset } from './fixtures.js';

const dir = makeTmpDir('writer');
let store: Store;

beforeAll(async () => {
  store = await openStore({ db: join(dir, 'db') });
  await store.migrate();
});
afterAll(async () => store?.close());

const count = async (collector: string) =>
  Number((await store.readonlySql(`SELECT count() AS n FROM route_events FINAL WHERE collector = '${collector}'`)).rows[0].n);

/**
 * A store outage, for real: the real chDB client and connection, with every insert path (the client's `exec`
 * and `command`, which the embedded RowBinary insert uses, and the connection's raw text insert)
 * throwing a connection error while `down` is set. Why a wrapper and not a closed port: the embedded store has no socket
 * to close, and this keeps the same chDB store to count in afterwards.
 */
function flakyClient(client: ClickHouseClient, chdb: EmbeddedChdb | null) {
  const state = { down: false, failures: 0 };
  const failWhenDown = <A extends unknown[], R>(f: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => {
      if (state.down) {
        state.failures++;
        return Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' }));
      }
      return f(...args);
    };
  const proxy = new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'exec') return failWhenDown((...args: Parameters<ClickHouseClient['exec']>) => target.exec(...args));
      if (prop === 'command') return failWhenDown((...args: Parameters<ClickHouseClient['command']>) => target.command(...args));
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  const flakyChdb: EmbeddedChdb | null = chdb && { rawInsert: failWhenDown((p: Parameters<EmbeddedChdb['rawInsert']>[0]) => chdb.rawInsert(p)) };
  return { client: proxy, chdb: flakyChdb, state };
}

function relabel(collector: string, n: number) {
  return dataset(n).map((x) => ({ event: { ...x.event, collector }, finding: x.finding }));
}

describe('store writer', () => {
  it('sends a batch when it reaches the batch size, and a partial one after the interval', async () => {
    // The interval is long enough for the two full batches to land first on a loaded machine (a
    // 1.5 s interval and a 1 s wait failed once in CI, 2026-12-03: a cold first insert).
    const w = store.createWriter({ batchSize: 50, flushIntervalMs: 6000, spoolDir: join(dir, 'spool-a') });
    for (const x of relabel('size', 120)) await w.writeEvent(x.event, x.finding);
    for (let i = 0; i < 250 && w.stats().insertedBatches < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(w.stats().insertedBatches).toBe(2); // 2 full batches, 20 rows still buffered
    expect(w.stats().pendingRows).toBe(20);
    for (let i = 0; i < 200 && w.stats().insertedBatches < 3; i++) await new Promise((r) => setTimeout(r, 50));
    expect(w.stats().insertedBatches).toBe(3); // the interval sent the rest without a flush()
    expect(w.stats().inserted).toBe(120);
    expect(await count('size')).toBe(120);
    await w.close();
  });

  it('flush waits for the rows written before it, not for those written after (ingest reads on while a checkpoint lands)', async () => {
    // The real store, its inserts after the first three held at a gate until released.
    let inserts = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const client = new Proxy(store.client, {
      get(target, prop, receiver) {
        if (prop !== 'command') return Reflect.get(target, prop, receiver) as unknown;
        return async (...args: Parameters<ClickHouseClient['command']>) => {
          if (args[0].query.startsWith('INSERT') && ++inserts > 3) await gate;
          return target.command(...args);
        };
      },
    });
    const w = createStoreWriter(client, { chdb: store.chdb, spoolDir: join(dir, 'spool-flush'), batchSize: 50, flushIntervalMs: 0 });
    for (const x of relabel('flush-before', 120)) await w.writeEvent(x.event, x.finding);
    const flushed = w.flush(); // three batches: two full, the rest cut by the flush
    for (const x of relabel('flush-after', 100)) await w.writeEvent(x.event, x.finding);
    w.flush().catch(() => undefined); // the rows after it handed over, held at the gate
    const waitedForLater = new Promise<string>((r) => setTimeout(() => r('flush waited for rows written after it'), 20_000).unref());
    expect(await Promise.race([flushed.then(() => 'landed'), waitedForLater])).toBe('landed');
    expect(await count('flush-before')).toBe(120);
    expect(await count('flush-after')).toBe(0);
    release();
    await w.close();
    expect(await count('flush-after')).toBe(100);
  });

  it('an outage mid-write loses nothing: retries, spools, replays in order, counts equal', async () => {
    const { client, chdb, state } = flakyClient(store.client, store.chdb);
    const spoolDir = join(dir, 'spool-b');
    const w = createStoreWriter(client, { chdb, spoolDir, batchSize: 40, flushIntervalMs: 50, maxRetries: 2, retryBaseMs: 5, recoveryIntervalMs: 50 });
    const items = relabel('outage', 400);
    for (const x of items.slice(0, 100)) await w.writeEvent(x.event, x.finding);
    await w.flush();
    state.down = true;
    for (const x of items.slice(100, 300)) await w.writeEvent(x.event, x.finding);
    await w.flush();
    const during = w.stats();
    expect(during.storeDown).toBe(true);
    expect(during.spooledRows).toBe(200);
    expect(during.spoolDepthRows).toBe(200);
    expect(during.failedAttempts).toBeGreaterThanOrEqual(2);
    expect(readdirSync(spoolDir).filter((f) => f.endsWith('.batch')).length).toBe(during.spoolDepthBatches);
    // Writes keep going to the spool (behind the older batches) while the store is down.
    for (const x of items.slice(300, 340)) await w.writeEvent(x.event, x.finding);
    await w.flush();
    expect(w.stats().spoolDepthRows).toBe(240);
    state.down = false;
    for (let i = 0; i < 100 && w.stats().spoolDepthRows > 0; i++) await new Promise((r) => setTimeout(r, 50));
    for (const x of items.slice(340)) await w.writeEvent(x.event, x.finding);
    await w.close();
    const s = w.stats();
    expect(s.spoolDepthRows).toBe(0);
    expect(s.replayedRows).toBe(240);
    expect(s.accepted).toBe(400);
    expect(s.inserted).toBe(400);
    expect(await count('outage')).toBe(400);
  });

  it('a full spool applies back-pressure: write waits instead of dropping', async () => {
    const { client, chdb, state } = flakyClient(store.client, store.chdb);
    const w = createStoreWriter(client, {
      chdb, spoolDir: join(dir, 'spool-c'), batchSize: 10, flushIntervalMs: 20, maxRetries: 1, retryBaseMs: 1, recoveryIntervalMs: 30, maxSpoolRows: 30, maxQueuedBatches: 2,
    });
    state.down = true;
    const items = relabel('pressure', 100);
    let written = 0;
    const producer = (async () => {
      for (const x of items) {
        await w.writeEvent(x.event, x.finding);
        written++;
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    const held = w.stats();
    expect(held.spoolDepthRows).toBeLessThanOrEqual(30);
    expect(written).toBeLessThan(100); // the producer is waiting
    expect(held.accepted).toBe(written + (written < 100 ? 1 : 0));
    state.down = false;
    await producer;
    await w.close();
    expect(w.stats().inserted).toBe(100);
    expect(await count('pressure')).toBe(100);
  });

  it('a spool left by a stopped writer is replayed by the next one', async () => {
    const { client, chdb, state } = flakyClient(store.client, store.chdb);
    const spoolDir = join(dir, 'spool-d');
    const w1 = createStoreWriter(client, { chdb, spoolDir, batchSize: 25, maxRetries: 1, retryBaseMs: 1, recoveryIntervalMs: 60_000 });
    state.down = true;
    for (const x of relabel('restart', 75)) await w1.writeEvent(x.event, x.finding);
    await w1.close();
    expect(w1.stats().spoolDepthRows).toBe(75);
    const w2 = store.createWriter({ spoolDir, recoveryIntervalMs: 20 });
    expect(w2.stats().spoolDepthRows).toBe(75);
    for (let i = 0; i < 100 && w2.stats().spoolDepthRows > 0; i++) await new Promise((r) => setTimeout(r, 20));
    await w2.close();
    expect(w2.stats().replayedRows).toBe(75);
    expect(await count('restart')).toBe(75);
  });
});
