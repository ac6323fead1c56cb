import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { LifecycleEvent } from '../../../analyzer/models/lifecycle.js';
import { openStore, type Store } from '../../../analyzer/store/index.js';
import { hash64 } from '../../../analyzer/store/hash.js';
import { LIFECYCLE_COLUMNS, lifecycleRow, RIB_SNAPSHOT_COLUMNS, ROUTE_EVENT_COLUMNS, routeEventRow, routeEventValues, stableId } from '../../../analyzer/store/rows.js';
import { storeInserter, type EmbeddedChdb } from '../../../analyzer/store/insert.js';
import { sqlString } from '../../../analyzer/store/sql.js';
import { createStoreWriter } from '../../../analyzer/store/writer.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { dataset, finding } from './fixtures.js';

const dir = makeTmpDir('rows');
let store: Store;

beforeAll(async () => {
  store = await openStore({ db: join(dir, 'db') });
  await store.migrate();
});
afterAll(async () => store?.close());


/**
 * A stand-in for a ClickHouse server's HTTP interface, as far as the writer's inserts need: no
 * modern ClickHouse server runs here. Each `INSERT INTO t (columns) SETTINGS … FORMAT F` request
 * is run by the test's chDB store, the same engine. A RowBinary body is read as a server reads
 * `FORMAT RowBinary`, by the table's own column types (LowCardinality included), which the
 * stand-in takes from the engine's `system.columns`, not from the writer's schema; a text body
 * goes to chDB as text. The client is the real @clickhouse/client.
 */
async function standInServer(): Promise<{ client: ClickHouseClient; statements: string[]; connections: () => number; close(): Promise<void> }> {
  const statements: string[] = [];
  let connections = 0;
  let staged = 0;
  const run = async (statement: string, body: Buffer): Promise<void> => {
    const insert = /^INSERT INTO (\w+) \(([^)]*)\) SETTINGS (.*) FORMAT (\w+)$/s.exec(statement);
    if (!insert) throw new Error(`not an insert: ${statement}`);
    const [, table, columns, settings, format] = insert;
    if (format !== 'RowBinary') {
      await store.client.exec({ query: statement, values: Readable.from([body]) });
      return;
    }
    const types = new Map((await store.readonlySql(`SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = '${table}'`)).rows.map((r) => [r.name, r.type]));
    const structure = columns.split(', ').map((c) => `${c} ${types.get(c)}`).join(', ');
    const file = join(dir, `server-body-${staged++}.bin`);
    writeFileSync(file, body);
    await store.client.command({ query: `INSERT INTO ${table} (${columns}) SETTINGS ${settings} SELECT * FROM file(${sqlString(file)}, 'RowBinary', ${sqlString(structure)})` });
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const statement = new URL(req.url ?? '/', 'http://x').searchParams.get('query') ?? '';
      statements.push(statement);
      run(statement, Buffer.concat(chunks)).then(
        () => res.writeHead(200, { 'Content-Type': 'text/plain', 'X-ClickHouse-Summary': '{}' }).end(''),
        (err: Error) => res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`Code: 1000. DB::Exception: ${err.message}`),
      );
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = createClient({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/portolan` });
  return {
    client,
    statements,
    connections: () => connections,
    async close() {
      await client.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

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
    expect(row.time).toBe(x.event.timestamp);
    expect(row.severity).toBe(x.finding?.severity);
    const ev: LifecycleEvent = { type: 'finding-started', time: x.event.timestamp, finding: finding(x.event, 0) };
    expect(Object.keys(lifecycleRow(ev))).toEqual(LIFECYCLE_COLUMNS);
    expect(lifecycleRow(ev).why).toBe(ev.finding.why);
  });

  it('event ids are deterministic 64-bit values that tell different events apart', () => {
    const ids = new Set(dataset(2000).map((x) => routeEventRow(x.event, x.finding).event_id as bigint));
    expect(ids.size).toBe(2000);
    const [x] = dataset(1);
    expect(routeEventRow(x.event, x.finding).event_id).toBe(routeEventRow({ ...x.event }, x.finding).event_id);
    for (const id of ids) expect(id >= 0n && id < 2n ** 64n).toBe(true);
    expect(stableId(['a', 1])).not.toBe(stableId(['a', 2]));
    expect(hash64('')).not.toBe(hash64('\u0000'));
  });

  it('event ids stay what earlier versions stored, so a re-ingest after an upgrade is still deduplicated', () => {
    // Values of the hash as first released (two separate MurmurHash3-style lanes).
    expect(hash64('')).toBe(16984976525380745171n);
    expect(hash64('rrc00\u0001192.0.2.1\u000164500\u00011700000000.000000\u0001announce\u000110.0.0.0/8\u00010\u000164500 3356\u0001192.0.2.1\u0001')).toBe(13678897096636306650n);
    expect(hash64('é€😀')).toBe(13677403110755915590n);
    expect(stableId(['rrc00', '192.0.2.1', 64500, '1700000000.000000', 'announce', '10.0.0.0/8', 0, '64500 3356', '192.0.2.1', ''])).toBe(13678897096636306650n);
  });

  it('the embedded path and the server path (RowBinary over HTTP) store identical rows', async () => {
    const server = await standInServer();
    const items = dataset(300);
    const lifecycle = (collector: string): LifecycleEvent[] =>
      items.slice(0, 20).map((x, i) => ({ type: 'finding-started', time: x.event.timestamp, finding: { ...finding(x.event, i), prefix: `${collector}-${x.event.prefix}` } }));
    const timings: Array<[string, number]> = [];
    const runs: Array<[string, ClickHouseClient, EmbeddedChdb | null]> = [['raw', store.client, store.chdb], ['server', server.client, null]];
    for (const [collector, client, chdb] of runs) {
      const w = createStoreWriter(client, { chdb, spoolDir: join(dir, `spool-${collector}`), batchSize: 128, onInsert: (s, table, rows) => timings.push([table, rows]) });
      for (const x of items) await w.writeEvent({ ...x.event, collector }, x.finding);
      for (const ev of lifecycle(collector)) await w.writeLifecycle(ev);
      await w.close();
      expect(w.stats().inserted).toBe(320);
    }
    // onInsert saw every batch of both runs: 3 route-event batches and 1 lifecycle batch each. Two inserts
    // run at once, so batches may finish out of order within a run: compare each run's sizes sorted.
    const routeBatches = timings.filter(([t]) => t === 'route_events').map(([, n]) => n);
    expect(routeBatches).toHaveLength(6);
    for (const run of [routeBatches.slice(0, 3), routeBatches.slice(3)]) expect(run.sort((a, b) => a - b)).toEqual([44, 128, 128]);
    expect(timings.filter(([t]) => t === 'finding_events').map(([, n]) => n)).toEqual([20, 20]);
    const raw = await stored('route_events', "collector = 'raw'", ROUTE_EVENT_COLUMNS.filter((c) => c !== 'event_id'));
    const overHttp = await stored('route_events', "collector = 'server'", ROUTE_EVENT_COLUMNS.filter((c) => c !== 'event_id'));
    expect(raw).toHaveLength(300);
    expect(raw).toEqual(overHttp);
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
    const lcServer = await stored('finding_events', "startsWith(prefix, 'server-')", LIFECYCLE_COLUMNS.filter((c) => c !== 'event_id' && c !== 'prefix'));
    expect(lcRaw).toHaveLength(20);
    expect(lcRaw).toEqual(lcServer);
    // The server was sent RowBinary: 3 route-event batches and 1 lifecycle batch.
    expect(server.statements.map((q) => /^INSERT INTO (\w+) .* FORMAT (\w+)$/s.exec(q)?.slice(1).join(' ')).sort()).toEqual([
      'finding_events RowBinary',
      ...Array(3).fill('route_events RowBinary'),
    ]);
    // Each answer was read to its end, so the 4 inserts kept their connections (two inserts run at once).
    expect(server.connections()).toBeLessThanOrEqual(2);

    // A text batch (a spool an earlier version wrote) goes to a server as the text it is.
    const time = ROUTE_EVENT_COLUMNS.indexOf('time');
    const lines = items.slice(0, 5).map((x) => {
      const values = routeEventValues({ ...x.event, collector: 'server-text' }, x.finding);
      values[time] = (values[time] as number).toFixed(6);
      return JSON.stringify(values, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    });
    const text = { table: 'route_events', columns: [...ROUTE_EVENT_COLUMNS], format: 'JSONCompactEachRow' as const, rows: 5, data: Buffer.from(`${lines.join('\n')}\n`) };
    await storeInserter(server.client).insert(text, 'server-text-token');
    expect(server.statements.at(-1)).toMatch(/^INSERT INTO route_events \(.*\) SETTINGS .* FORMAT JSONCompactEachRow$/s);
    const fromText = await stored('route_events', "collector = 'server-text'", ROUTE_EVENT_COLUMNS.filter((c) => c !== 'event_id'));
    expect(fromText).toHaveLength(5);
    for (const row of fromText) expect(raw).toContain(row);
    await server.close();
  });

  it('RIB snapshot rows (arrays of each route, LowCardinality inside) reach a server as RowBinary, stored as the embedded path stores them', async () => {
    const server = await standInServer();
    const items = dataset(120);
    const runs: Array<[string, ClickHouseClient, EmbeddedChdb | null]> = [['rib-raw', store.client, store.chdb], ['rib-server', server.client, null]];
    for (const [collector, client, chdb] of runs) {
      const w = createStoreWriter(client, { chdb, spoolDir: join(dir, `spool-${collector}`) });
      for (const x of items) if (x.event.elem_type === 'announce') await w.writeEvent({ ...x.event, collector, from_rib: true }, x.finding);
      await w.close();
      expect(w.stats().rejectedRows).toBe(0);
    }
    // Ids hash the collector in: every other column must match.
    const columns = RIB_SNAPSHOT_COLUMNS.filter((c) => c !== 'event_id' && c !== 'route_event_id');
    const raw = await stored('rib_snapshots', "collector = 'rib-raw'", columns);
    expect(raw.length).toBeGreaterThan(10);
    expect(await stored('rib_snapshots', "collector = 'rib-server'", columns)).toEqual(raw);
    expect(server.statements.filter((q) => q.startsWith('INSERT INTO rib_snapshots ')).every((q) => q.endsWith('FORMAT RowBinary'))).toBe(true);
    expect(server.statements.some((q) => q.startsWith('INSERT INTO rib_snapshots '))).toBe(true);
    await server.close();
  });

  it('spools written by earlier versions (JSON objects, then JSON arrays per row) are still replayed, in order', async () => {
    const spoolDir = join(dir, 'spool-old');
    mkdirSync(spoolDir, { recursive: true });
    // What those versions wrote: ids as decimal text, times as text with six decimals.
    const oldRow = (collector: string, x: ReturnType<typeof dataset>[number]) => {
      const r = routeEventRow({ ...x.event, collector }, x.finding);
      return { ...r, event_id: String(r.event_id), time: (r.time as number).toFixed(6) };
    };
    const objects = dataset(30).map((x) => oldRow('old-objects', x));
    writeFileSync(
      join(spoolDir, '000000000001.route_events.jsonl'),
      `${[JSON.stringify({ table: 'route_events', token: 'old-objects-token', rows: 30 }), ...objects.map((r) => JSON.stringify(r))].join('\n')}\n`,
    );
    const arrays = dataset(20).map((x) => Object.values(oldRow('old-arrays', x)));
    writeFileSync(
      join(spoolDir, '000000000002.route_events.jsonl'),
      `${[JSON.stringify({ table: 'route_events', token: 'old-arrays-token', rows: 20, columns: ROUTE_EVENT_COLUMNS }), ...arrays.map((r) => JSON.stringify(r))].join('\n')}\n`,
    );
    const w = store.createWriter({ spoolDir, recoveryIntervalMs: 20 });
    expect(w.stats().spoolDepthRows).toBe(50);
    for (let i = 0; i < 100 && w.stats().spoolDepthRows > 0; i++) await new Promise((r) => setTimeout(r, 20));
    await w.close();
    expect(w.stats().replayedRows).toBe(50);
    const n = await store.readonlySql(
      "SELECT collector, count() AS n, uniqExact(event_id) AS ids, min(time) = max(time) AS same FROM route_events WHERE collector LIKE 'old-%' GROUP BY collector ORDER BY collector",
    );
    expect(n.rows.map((r) => [r.collector, Number(r.n), Number(r.ids)])).toEqual([['old-arrays', 20, 20], ['old-objects', 30, 30]]);
    // The stored times are the rows' times (text seconds read as seconds, not ticks).
    const t = await store.readonlySql("SELECT toUnixTimestamp64Micro(time) AS us FROM route_events WHERE collector = 'old-arrays' ORDER BY us LIMIT 1");
    expect(Number(t.rows[0].us)).toBe(Math.round(Math.min(...dataset(20).map((x) => x.event.timestamp)) * 1e6));
  });
});
