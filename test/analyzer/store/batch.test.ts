import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore, type Batch, type BatchOutlet, type Store } from '../../../analyzer/store/index.js';
import { createRowWriter } from '../../../analyzer/store/row-writer.js';
import { batchBuilder, payloadToken } from '../../../analyzer/store/batch.js';
import { connect } from '../../../analyzer/store/connection.js';
import { stagedType, storeInserter } from '../../../analyzer/store/insert.js';
import { tableDef } from '../../../analyzer/store/schema/tables.js';
import { ROUTE_EVENT_COLUMNS, routeEventValues } from '../../../analyzer/store/rows.js';
import { ByteSink, encoderFor } from '../../../analyzer/store/rowbinary.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { dataset } from './fixtures.js';
import { rib, T0, updates } from './rib-fixture.js';

const dir = makeTmpDir('batch');
let store: Store;

beforeAll(async () => {
  store = await openStore({ db: join(dir, 'db') });
  await store.migrate();
});
afterAll(async () => store?.close());

/** The bytes one value encodes to, as hex. */
const hex = (type: string, value: unknown): string => {
  const sink = new ByteSink();
  encoderFor(type)(sink, value);
  return sink.take().toString('hex');
};

describe('RowBinary encoding', () => {
  it('writes each type as ClickHouse lays it out (little-endian, LEB128 lengths, null flags)', () => {
    expect(hex('UInt8', 7)).toBe('07');
    expect(hex('Bool', true)).toBe('01');
    expect(hex('UInt32', 0x01020304)).toBe('04030201');
    expect(hex('UInt64', 2n ** 64n - 1n)).toBe('ffffffffffffffff');
    expect(hex('UInt64', '258')).toBe('0201000000000000');
    expect(hex('Float64', 1)).toBe('000000000000f03f');
    expect(hex('Float32', -2)).toBe('000000c0');
    expect(hex("DateTime64(6, 'UTC')", 1.5)).toBe('60e3160000000000');
    const int64 = (n: bigint) => Buffer.from(new BigInt64Array([n]).buffer).toString('hex');
    expect(hex("DateTime64(6, 'UTC')", 2 ** 32 + 0.000001)).toBe(int64(2n ** 32n * 1_000_000n + 1n));
    expect(hex("DateTime64(6, 'UTC')", -1.25)).toBe(int64(-1_250_000n));
    expect(hex("DateTime('UTC')", 1_700_000_000)).toBe('00f15365');
    expect(hex('String', 'ab')).toBe('026162');
    expect(hex('String', 'é')).toBe('02c3a9');
    expect(hex("Enum8('announce' = 1, 'withdraw' = 2)", 'withdraw')).toBe('02');
    expect(hex('Nullable(UInt32)', null)).toBe('01');
    expect(hex('Nullable(UInt32)', 5)).toBe('0005000000');
    expect(hex('Array(UInt32)', [1, 2])).toBe('020100000002000000');
    expect(hex('Array(LowCardinality(String))', ['x'])).toBe('010178');
  });

  it('prefixes long and multi-byte strings with their UTF-8 byte length', () => {
    for (const s of ['a'.repeat(42), 'a'.repeat(43), '€'.repeat(42), '€'.repeat(43), 'ü'.repeat(200), 'x'.repeat(20_000)]) {
      const bytes = Buffer.from(hex('String', s), 'hex');
      const n = Buffer.byteLength(s);
      let len = 0;
      let shift = 0;
      let i = 0;
      for (;;) {
        const b = bytes[i++];
        len += (b & 0x7f) * 2 ** shift;
        shift += 7;
        if (b < 0x80) break;
      }
      expect(len).toBe(n);
      expect(bytes.subarray(i).toString('utf8')).toBe(s);
    }
  });

  it('refuses values a column cannot hold', () => {
    expect(() => hex('UInt32', -1)).toThrow(/UInt32/);
    expect(() => hex('UInt32', 2 ** 32)).toThrow(/UInt32/);
    expect(() => hex('UInt8', 1.5)).toThrow(/UInt8/);
    expect(() => hex('String', 5)).toThrow(/String/);
    expect(() => hex('UInt64', 2n ** 64n)).toThrow(/UInt64/);
    expect(() => hex('UInt64', '-1')).toThrow(/UInt64/);
    expect(() => hex("Enum8('announce' = 1, 'withdraw' = 2)", 'update')).toThrow(/Enum8/);
    expect(() => hex("DateTime64(6, 'UTC')", 'soon')).toThrow(/DateTime64/);
    expect(() => hex('Array(UInt32)', 3)).toThrow(/Array/);
    expect(() => encoderFor('Map(String, String)')).toThrow(/no RowBinary encoder/);
  });
});

/** Three RowBinary route_events batches of `rows` each, collectors `<name>-0` to `<name>-2`. */
const threeBatches = (name: string, rows: number, start: number) =>
  [0, 1, 2].map((k) => {
    const builder = batchBuilder('route_events', ROUTE_EVENT_COLUMNS);
    for (const x of dataset(rows, start + k * 1000)) builder.add(routeEventValues({ ...x.event, collector: `${name}-${k}` }, x.finding));
    return builder.take();
  });

describe('batches', () => {
  it('a row that cannot be encoded leaves nothing behind; the batch stores exactly the good rows', async () => {
    const items = dataset(50).map((x) => ({ event: { ...x.event, collector: 'batch-good' }, finding: x.finding }));
    const builder = batchBuilder('route_events', ROUTE_EVENT_COLUMNS);
    for (const [i, x] of items.entries()) {
      builder.add(routeEventValues(x.event, x.finding));
      // Fails on a late column (visibility, a UInt32) half way through the row.
      const bad = routeEventValues({ ...x.event, collector: 'batch-bad' }, x.finding);
      bad[ROUTE_EVENT_COLUMNS.indexOf('visibility')] = -i - 1;
      expect(() => builder.add(bad)).toThrow(/UInt32/);
    }
    expect(builder.rows).toBe(50);
    const payload = builder.take();
    expect(builder.rows).toBe(0);
    const inserter = storeInserter(store.client, { chdb: store.chdb });
    await inserter.insert(payload, payloadToken(payload));
    inserter.close();
    const r = await store.readonlySql("SELECT collector, count() AS n, sum(peer_asn) AS asns FROM route_events WHERE startsWith(collector, 'batch-') GROUP BY collector");
    expect(r.rows.map((x) => [x.collector, Number(x.n), Number(x.asns)])).toEqual([['batch-good', 50, items.reduce((a, x) => a + x.event.peer_asn, 0)]]);
  });

  it('LowCardinality columns are staged as their plain type and land with every value', async () => {
    expect(['LowCardinality(String)', 'Array(LowCardinality(String))', 'Nullable(UInt32)'].map(stagedType)).toEqual(['String', 'Array(String)', 'Nullable(UInt32)']);
    const lowCardinality = tableDef('route_events').columns.filter((c) => c.type.includes('LowCardinality')).map((c) => c.name);
    expect(lowCardinality.length).toBeGreaterThan(5);
    const items = dataset(40).map((x, i) => ({ event: { ...x.event, collector: `lc-${i % 3}` }, finding: x.finding }));
    const builder = batchBuilder('route_events', ROUTE_EVENT_COLUMNS);
    const expected = items.map((x) => {
      const values = routeEventValues(x.event, x.finding);
      builder.add(values);
      return [values[ROUTE_EVENT_COLUMNS.indexOf('event_id')], ...lowCardinality.map((c) => values[ROUTE_EVENT_COLUMNS.indexOf(c)])];
    });
    const payload = builder.take();
    const inserter = storeInserter(store.client, { chdb: store.chdb });
    await inserter.insert(payload, payloadToken(payload));
    inserter.close();
    const r = await store.readonlySql(`SELECT toString(event_id) AS event_id, ${lowCardinality.join(', ')} FROM route_events WHERE startsWith(collector, 'lc-')`);
    const byId = (rows: unknown[][]) => rows.map((row) => JSON.stringify(row)).sort();
    expect(byId(r.rows.map((row) => [row.event_id, ...lowCardinality.map((c) => row[c])]))).toEqual(byId(expected.map((e) => [String(e[0]), ...e.slice(1)])));
  });

  it('concurrent inserts each take a free connection of their own: two run at once, a third waits for one', async () => {
    // The store's client and a second connection to the same folder, each recording its inserts.
    const events: string[] = [];
    const recorded = (client: Store['client'], name: string): Store['client'] => {
      const command = client.command.bind(client);
      return Object.assign(Object.create(client) as Store['client'], {
        command: async (params: Parameters<Store['client']['command']>[0]) => {
          events.push(`${name} start`);
          try {
            return await command(params);
          } finally {
            events.push(`${name} end`);
          }
        },
      });
    };
    const second = connect({ db: join(dir, 'db') }).client;
    const inserter = storeInserter(recorded(store.client, 'a'), { chdb: store.chdb, connections: 2, openConnection: () => recorded(second, 'b') });
    const payloads = threeBatches('pool', 20, 1_700_000_000);
    await Promise.all(payloads.map((p) => inserter.insert(p, payloadToken(p))));
    await inserter.close();
    await expect(second.query({ query: 'SELECT 1' })).rejects.toThrow(); // closed by the inserter that opened it
    // Both connections started before either ended; the third insert started after one ended,
    // and no connection ever ran two at once.
    expect(events.slice(0, 2).sort()).toEqual(['a start', 'b start']);
    expect(events.filter((e) => e.endsWith('start'))).toHaveLength(3);
    const running = new Map<string, number>();
    for (const e of events) {
      const [name, what] = e.split(' ');
      running.set(name, (running.get(name) ?? 0) + (what === 'start' ? 1 : -1));
      expect(running.get(name)).toBeLessThanOrEqual(1);
    }
    const r = await store.readonlySql("SELECT collector, count() AS n FROM route_events WHERE startsWith(collector, 'pool-') GROUP BY collector ORDER BY collector");
    expect(r.rows.map((x) => [x.collector, Number(x.n)])).toEqual([['pool-0', 20], ['pool-1', 20], ['pool-2', 20]]);
  });

  it('a connection that cannot be opened is not a failed insert: the batches share the open one', async () => {
    let tries = 0;
    const inserter = storeInserter(store.client, { chdb: store.chdb, connections: 3, openConnection: () => {
      tries++;
      throw new Error('no more connections here');
    } });
    const payloads = threeBatches('noconn', 10, 1_710_000_000);
    await Promise.all(payloads.map((p) => inserter.insert(p, payloadToken(p))));
    await inserter.close();
    expect(tries).toBe(1);
    const r = await store.readonlySql("SELECT count() AS n FROM route_events WHERE startsWith(collector, 'noconn-')");
    expect(Number(r.rows[0].n)).toBe(30);
  });

  it('an embedded writer opens another connection only when its inserts overlap, up to concurrentInserts, and closes them', async () => {
    const opened: Array<Store['client']> = [];
    const openConnection = () => {
      const c = connect({ db: join(dir, 'db') }).client;
      opened.push(c);
      return c;
    };
    // One insert at a time (each batch waited for): the store's own connection is enough.
    const one = store.createWriter({ spoolDir: join(dir, 'spool-conns-1'), batchSize: 5, concurrentInserts: 3, openConnection });
    for (const [i, x] of dataset(20).entries()) {
      await one.writeEvent({ ...x.event, collector: 'conns-1' }, x.finding);
      if (i % 5 === 4) await one.flush();
    }
    await one.close();
    expect(opened).toHaveLength(0);
    // Batches cut faster than they land: three inserts at once, on three connections.
    const three = store.createWriter({ spoolDir: join(dir, 'spool-conns-3'), batchSize: 5, concurrentInserts: 3, openConnection });
    for (const x of dataset(40)) await three.writeEvent({ ...x.event, collector: 'conns-3' }, x.finding);
    await three.close();
    expect(opened).toHaveLength(2);
    for (const c of opened) await expect(c.query({ query: 'SELECT 1' })).rejects.toThrow();
    const r = await store.readonlySql("SELECT collector, count() AS n FROM route_events WHERE startsWith(collector, 'conns-') GROUP BY collector ORDER BY collector");
    expect(r.rows.map((x) => [x.collector, Number(x.n)])).toEqual([['conns-1', 20], ['conns-3', 40]]);
  });

  it('flush cuts every batch at once, even with the queue full: where batches end (their dedup tokens) never depends on the store\'s pace', async () => {
    // An outlet whose queue stays full: room is never given, so a cut that waited for it would
    // take the rows written after the flush into the flushed batches.
    const batches: Batch[] = [];
    const outlet: BatchOutlet = { push: (b) => batches.push(b), held: 4, rows: 0, room: () => new Promise(() => {}), landed: async () => {}, drained: async () => {} };
    const rows = createRowWriter(outlet, { batchSize: 1000, flushIntervalMs: 0, maxQueuedBatches: 4, ribSnapshots: true }, { accepted: 0, rejectedRows: 0 });
    const table = rib();
    const firstDump = table.filter((e) => e.timestamp === T0);
    for (const e of firstDump) void rows.writeEvent(e, null); // each write asks to wait for room; not awaited here
    void rows.flush();
    const cut = batches.map((b) => [b.payload.table, b.payload.rows]);
    // One row per prefix and origin of the dump, the last prefix's included (the flush closes it).
    expect(cut).toEqual([['rib_snapshots', new Set(firstDump.map((e) => `${e.prefix} ${e.origin_asns!.join(',')}`)).size]]);
    for (const e of updates()) void rows.writeEvent(e, null);
    void rows.flush();
    expect(batches.map((b) => [b.payload.table, b.payload.rows])).toEqual([...cut, ['route_events', updates().length]]);
  });

  it('batches a row writer built elsewhere (an ingest worker) go in through the store writer\'s insertBatch; discard drops only rows no batch holds yet', async () => {
    const batches: Batch[] = [];
    const outlet: BatchOutlet = { push: (b) => batches.push(b), held: 0, rows: 0, room: async () => {}, landed: async () => {}, drained: async () => {} };
    const rows = createRowWriter(outlet, { batchSize: 10, flushIntervalMs: 0, maxQueuedBatches: 4, ribSnapshots: true }, { accepted: 0, rejectedRows: 0 });
    for (const x of dataset(25)) rows.writeEvent({ ...x.event, collector: 'elsewhere' }, x.finding);
    expect(batches.map((b) => b.payload.rows)).toEqual([10, 10]);
    expect(rows.discard()).toBe(5);
    await rows.flush();
    expect(batches).toHaveLength(2);
    const w = store.createWriter({ spoolDir: join(dir, 'spool-elsewhere') });
    for (const b of batches) await w.insertBatch(b);
    await w.close();
    expect(w.stats()).toMatchObject({ accepted: 20, inserted: 20, insertedBatches: 2 });
    const r = await store.readonlySql("SELECT count() AS n FROM route_events WHERE collector = 'elsewhere'");
    expect(Number(r.rows[0].n)).toBe(20);
  });

  it('the writer counts and skips a row it cannot store, and stores the rest', async () => {
    const w = store.createWriter({ spoolDir: join(dir, 'spool-skip'), batchSize: 1000 });
    const items = dataset(30).map((x) => ({ event: { ...x.event, collector: 'skip' }, finding: x.finding }));
    for (const [i, x] of items.entries()) await w.writeEvent(i === 10 ? { ...x.event, peer_asn: -1 } : x.event, x.finding);
    await w.close();
    expect(w.stats()).toMatchObject({ accepted: 29, inserted: 29, rejectedRows: 1, pendingRows: 0 });
    const r = await store.readonlySql("SELECT count() AS n FROM route_events WHERE collector = 'skip'");
    expect(Number(r.rows[0].n)).toBe(29);
  });

  it('the same rows give the same token; different rows or another format (an old spool of text) a different one', () => {
    const rows = dataset(20).map((x) => routeEventValues(x.event, x.finding));
    const build = (values: unknown[][]) => {
      const b = batchBuilder('route_events', ROUTE_EVENT_COLUMNS);
      for (const v of values) b.add(v);
      return b.take();
    };
    expect(payloadToken(build(rows))).toBe(payloadToken(build(rows)));
    expect(payloadToken(build(rows))).not.toBe(payloadToken(build(rows.slice(1))));
    expect(payloadToken(build(rows))).not.toBe(payloadToken({ ...build(rows), format: 'JSONCompactEachRow' }));
  });
});
