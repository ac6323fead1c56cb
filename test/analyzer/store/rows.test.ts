import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import type { LifecycleEvent } from '../../../analyzer/models/lifecycle.js';
import { openStore, type Store } from '../../../analyzer/store/index.js';
import { hash64 } from '../../../analyzer/store/hash.js';
import { LIFECYCLE_COLUMNS, lifecycleRow, ROUTE_EVENT_COLUMNS, routeEventRow, routeEventValues, stableId } from '../../../analyzer/store/rows.js';
import { createStoreWriter, embeddedRawInsert } from '../../../analyzer/store/writer.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { dataset, finding } from './fixtures.js';

const dir = makeTmpDir('rows');
let store: Store;

beforeAll(async () => {
  store = await openStore({ db: join(dir, 'db') });
  await store.migrate();
});
afterAll(async () => store?.close());

/** The same client without the embedded connection: the writer falls back to `client.exec`, the server path. */
const withoutRawInsert = (client: ClickHouseClient) =>
  new Proxy(client, {
    get(target, prop) {
      if (prop === 'connection') return undefined;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });

/** Stored columns as text (JSON), so floats, arrays and times compare exactly between runs. */
async function stored(table: string, where: string, columns: readonly string[]): Promise<string[]> {
  const cols = columns.filter((c) => c !== 'collector').map((c) => `toJSONString(${c})`).join(", '|', ");
  const r = await store.readonlySql(`SELECT concat(${cols}) AS v FROM ${table} WHERE ${where} ORDER BY v`);
  return r.rows.map((x) => String(x.v));
}

describe('rows', () => {
  it('values follow the column lists, and the object form is the same values by name', () => {
    const [x] = dataset(1);
    const values = routeEventValues(x.event, x.finding);
    expect(values).toHaveLength(ROUTE_EVENT_COLUMNS.length);
    const row = routeEventRow(x.event, x.finding);
    expect(Object.keys(row)).toEqual(ROUTE_EVENT_COLUMNS);
    expect(row.prefix).toBe(x.event.prefix);
    expect(row.origin_asn).toBe(Math.min(...(x.event.origin_asns ?? [])));
    expect(row.time).toBe(x.event.timestamp.toFixed(6));
    expect(row.severity).toBe(x.finding?.severity);
    const ev: LifecycleEvent = { type: 'finding-started', time: x.event.timestamp, finding: finding(x.event, 0) };
    expect(Object.keys(lifecycleRow(ev))).toEqual(LIFECYCLE_COLUMNS);
    expect(lifecycleRow(ev).why).toBe(ev.finding.why);
  });

  it('event ids are deterministic 64-bit values that tell different events apart', () => {
    const ids = new Set(dataset(2000).map((x) => routeEventRow(x.event, x.finding).event_id as string));
    expect(ids.size).toBe(2000);
    const [x] = dataset(1);
    expect(routeEventRow(x.event, x.finding).event_id).toBe(routeEventRow({ ...x.event }, x.finding).event_id);
    for (const id of ids) expect(BigInt(id) < 2n ** 64n).toBe(true);
    expect(stableId(['a', 1])).not.toBe(stableId(['a', 2]));
    expect(hash64('')).not.toBe(hash64('\u0000'));
  });

  it('the embedded raw insert and the client (server) path store identical rows', async () => {
    expect(embeddedRawInsert(store.client)).not.toBeNull();
    expect(embeddedRawInsert(withoutRawInsert(store.client))).toBeNull();
    const items = dataset(300);
    const lifecycle = (collector: string): LifecycleEvent[] =>
      items.slice(0, 20).map((x, i) => ({ type: 'finding-started', time: x.event.timestamp, finding: { ...finding(x.event, i), prefix: `${collector}-${x.event.prefix}` } }));
    const timings: Array<[string, number]> = [];
    const runs: Array<[string, ClickHouseClient]> = [['raw', store.client], ['exec', withoutRawInsert(store.client)]];
    for (const [collector, client] of runs) {
      const w = createStoreWriter(client, { spoolDir: join(dir, `spool-${collector}`), batchSize: 128, onInsert: (s, table, rows) => timings.push([table, rows]) });
      for (const x of items) await w.writeEvent({ ...x.event, collector }, x.finding);
      for (const ev of lifecycle(collector)) await w.writeLifecycle(ev);
      await w.close();
      expect(w.stats().inserted).toBe(320);
    }
    // onInsert saw every batch of both runs: 3 route-event batches and 1 lifecycle batch each.
    expect(timings.filter(([t]) => t === 'route_events').map(([, n]) => n)).toEqual([128, 128, 44, 128, 128, 44]);
    expect(timings.filter(([t]) => t === 'finding_events').map(([, n]) => n)).toEqual([20, 20]);
    const raw = await stored('route_events', "collector = 'raw'", ROUTE_EVENT_COLUMNS.filter((c) => c !== 'event_id'));
    const exec = await stored('route_events', "collector = 'exec'", ROUTE_EVENT_COLUMNS.filter((c) => c !== 'event_id'));
    expect(raw).toHaveLength(300);
    expect(raw).toEqual(exec);
    // And what is stored is what the row said (spot check of a classified announcement).
    const x = items[0];
    const r = await store.readonlySql(
      "SELECT toString(time) AS t, origin_asn, kinds, share_abroad, as_path, communities FROM route_events WHERE collector = 'raw' AND event_id = {id:UInt64}".replace(
        '{id:UInt64}',
        String(routeEventRow({ ...x.event, collector: 'raw' }, x.finding).event_id),
      ),
    );
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0].origin_asn).toBe(Math.min(...(x.event.origin_asns ?? [])));
    expect(r.rows[0].kinds).toEqual(x.finding?.kinds);
    const lcRaw = await stored('finding_events', "startsWith(prefix, 'raw-')", LIFECYCLE_COLUMNS.filter((c) => c !== 'event_id' && c !== 'prefix'));
    const lcExec = await stored('finding_events', "startsWith(prefix, 'exec-')", LIFECYCLE_COLUMNS.filter((c) => c !== 'event_id' && c !== 'prefix'));
    expect(lcRaw).toHaveLength(20);
    expect(lcRaw).toEqual(lcExec);
  });

  it('a spool written by the earlier format (one JSON object per row) is still replayed', async () => {
    const spoolDir = join(dir, 'spool-old');
    mkdirSync(spoolDir, { recursive: true });
    const rows = dataset(30).map((x) => routeEventRow({ ...x.event, collector: 'old-spool' }, x.finding));
    const lines = [JSON.stringify({ table: 'route_events', token: 'old-format-token', rows: rows.length }), ...rows.map((r) => JSON.stringify(r))];
    writeFileSync(join(spoolDir, '000000000001.route_events.jsonl'), `${lines.join('\n')}\n`);
    const w = store.createWriter({ spoolDir, recoveryIntervalMs: 20 });
    expect(w.stats().spoolDepthRows).toBe(30);
    for (let i = 0; i < 100 && w.stats().spoolDepthRows > 0; i++) await new Promise((r) => setTimeout(r, 20));
    await w.close();
    expect(w.stats().replayedRows).toBe(30);
    const n = await store.readonlySql("SELECT count() AS n, uniqExact(event_id) AS ids FROM route_events WHERE collector = 'old-spool'");
    expect(Number(n.rows[0].n)).toBe(30);
    expect(Number(n.rows[0].ids)).toBe(30);
  });
});
