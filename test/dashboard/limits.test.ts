import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore, type Store } from '../../analyzer/store/index.js';
import { createDashboardServer, type DashboardServer } from '../../dashboard/server/index.js';
import { RateLimiter, consoleLimitsFromFlags } from '../../dashboard/server/limits.js';
import { parseByteSize } from '../../analyzer/store/readonly.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { FINDINGS, announce, started } from './fixture.js';

let store: Store;
let server: DashboardServer;
let strict: DashboardServer;

const sql = async (base: string, body: Record<string, unknown>) => {
  const res = await fetch(base + '/api/sql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
};

beforeAll(async () => {
  const dir = makeTmpDir('dash-limits');
  store = await openStore({ db: join(dir, 'db') });
  await store.migrate();
  const writer = store.createWriter({ flushIntervalMs: 50 });
  for (const f of FINDINGS) {
    await writer.writeEvent(announce(f, '192.0.2.1'), f);
    if (f.kinds.length) await writer.writeLifecycle(started(f));
  }
  await writer.flush();
  const webRoot = join(dir, 'no-web');
  // A small memory cap so the test refuses quickly (the default is 1 GiB).
  server = await createDashboardServer({ store, port: 0, host: '127.0.0.1', webRoot, consoleLimits: { maxMemoryBytes: 256 * 1024 ** 2, maxConcurrent: 2, ratePerMinute: 6000, burst: 1000 } });
  strict = await createDashboardServer({ store, port: 0, host: '127.0.0.1', webRoot, consoleLimits: { ratePerMinute: 1, burst: 3 } });
});

afterAll(async () => {
  await server?.close();
  await strict?.close();
  await store?.close();
});

describe('SQL console resource limits', () => {
  it('refuses a query past the per-query memory cap, saying so, instead of growing the process', async () => {
    const rssBefore = process.memoryUsage().rss;
    const r = await sql(server.url, { sql: 'SELECT length(groupArray(repeat(toString(number), 100))) FROM numbers(100000000)', timeoutSeconds: 30 });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('query-rejected');
    expect(r.body.error.message).toMatch(/more memory than the per-query cap of 256 MiB \(max_memory_usage/);
    // Informational: the growth stays near the cap (the issue saw +2.5 GB without one).
    console.log(`memory-cap query: RSS ${Math.round(rssBefore / 1e6)} MB → ${Math.round(process.memoryUsage().rss / 1e6)} MB`);
  });

  it('a request may ask for less memory than the cap, never more', async () => {
    const r = await sql(server.url, { sql: 'SELECT 1 AS x', maxMemoryBytes: 10 * 1024 ** 3 });
    expect(r.status).toBe(200);
    expect(r.body.maxMemoryBytes).toBe(256 * 1024 ** 2);
    const small = await sql(server.url, { sql: 'SELECT length(groupArray(toString(number))) FROM numbers(10000000)', maxMemoryBytes: 8 * 1024 ** 2 });
    expect(small.status).toBe(400);
    expect(small.body.error.message).toMatch(/per-query cap of 8 MiB/);
  });

  it('passes the analyst SQL to the parser intact: quotes, backslashes, newlines', async () => {
    const r = await store.readonlySql("SELECT 'it\\'s' AS a, '\\\\' AS b, 'x\ny' AS c, concat('{sql:String}', '') AS d");
    expect(r.rows).toEqual([{ a: "it's", b: '\\', c: 'x\ny', d: '{sql:String}' }]);
    await expect(store.readonlySql("SELECT 1') AS q; DROP TABLE route_events; SELECT ('")).rejects.toThrow();
    expect(Number((await store.readonlySql('SELECT count() AS n FROM system.tables WHERE name = \'route_events\'')).rows[0].n)).toBe(1);
  });

  it('caps result bytes with a clear error', async () => {
    const r = await store.readonlySql("SELECT repeat('x', 1000) AS s FROM numbers(5000)", { maxRows: 10_000, maxResultBytes: 100_000 }).catch((e: Error) => e);
    expect(r).toBeInstanceOf(Error);
    expect((r as Error).message).toMatch(/result is larger than 97.66 KiB \(max_result_bytes\)|max_result_bytes/);
  });

  it('runs at most N console queries at once: the rest get 429 with Retry-After, and the API keeps answering', async () => {
    const slow = { sql: 'SELECT count() FROM numbers(100000000000)', timeoutSeconds: 3 };
    const running = [sql(server.url, slow), sql(server.url, slow)];
    let refused: Awaited<ReturnType<typeof sql>> | undefined;
    for (let i = 0; i < 200 && !refused; i++) {
      const r = await sql(server.url, { sql: 'SELECT 1 AS x' });
      if (r.status === 429) refused = r;
      else await new Promise((res) => setTimeout(res, 20));
    }
    expect(refused, 'a third console query while two run').toBeDefined();
    expect(refused!.body.error.code).toBe('too-many-requests');
    expect(refused!.body.error.message).toMatch(/at most 2 at once/);
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // The dashboard's own queries are not gated by the console.
    const t0 = performance.now();
    const summary = await fetch(server.url + '/api/summary');
    expect(summary.status).toBe(200);
    console.log(`GET /api/summary while the console was saturated: ${summary.status} in ${Math.round(performance.now() - t0)} ms`);
    for (const r of await Promise.all(running)) expect([200, 400]).toContain(r.status);
    // Slots are free again.
    expect((await sql(server.url, { sql: 'SELECT 1 AS x' })).status).toBe(200);
  });

  it('rate-limits each client with a token bucket (429 and Retry-After past the burst)', async () => {
    for (let i = 0; i < 3; i++) expect((await sql(strict.url, { sql: 'SELECT 1 AS x' })).status).toBe(200);
    const r = await sql(strict.url, { sql: 'SELECT 1 AS x' });
    expect(r.status).toBe(429);
    expect(r.body.error.message).toMatch(/at most 1 a minute/);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Another server's console (another gate) and the API are unaffected.
    expect((await fetch(strict.url + '/api/summary')).status).toBe(200);
  });
});

describe('limit helpers', () => {
  it('token bucket: a burst, then the steady rate', () => {
    let now = 0;
    const rl = new RateLimiter(60, 2, () => now); // one a second, bursts of 2
    expect(rl.take('a')).toBe(0);
    expect(rl.take('a')).toBe(0);
    expect(rl.take('a')).toBe(1);
    expect(rl.take('b')).toBe(0); // per client
    now += 1000;
    expect(rl.take('a')).toBe(0);
    expect(rl.take('a')).toBeGreaterThan(0);
  });
  it('sizes and flags', () => {
    expect(parseByteSize('1G')).toBe(1024 ** 3);
    expect(parseByteSize('512MiB')).toBe(512 * 1024 ** 2);
    expect(parseByteSize(1000)).toBe(1000);
    expect(() => parseByteSize('lots')).toThrow(/not a size/);
    expect(consoleLimitsFromFlags({ queryMemory: '2G', consoleQueries: '3', consoleRate: '10' })).toEqual({ maxMemoryBytes: 2 * 1024 ** 3, maxConcurrent: 3, ratePerMinute: 10 });
    expect(() => consoleLimitsFromFlags({ consoleQueries: '0' })).toThrow(/--console-queries/);
    expect(() => consoleLimitsFromFlags({ queryMemory: 'x' })).toThrow(/--query-memory/);
  });
});
