/** The history charts' API over a real store: a prefix's timeline, an AS's and a country's space by RIR over time. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore, type Store } from '../../analyzer/store/index.js';
import { asNameIndex } from '../../analyzer/asnames/index.js';
import { createDashboardServer, type DashboardServer } from '../../dashboard/server/index.js';
import { bucketFor } from '../../dashboard/server/history-queries.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { fetchBody } from '../helpers/http.js';
import { CHANGING_PREFIX, FINDING_END, FINDING_START, FIRST_ORIGIN, INDEX_DAYS, MOVING_AS, SECOND_ORIGIN, T0, writeHistory } from './history-fixture.js';

let store: Store;
let server: DashboardServer;

beforeAll(async () => {
  const dir = makeTmpDir('dash-history-api');
  store = await openStore({ db: join(dir, 'db') });
  await store.migrate();
  await writeHistory(store, dir);
  server = await createDashboardServer({ store, port: 0, compactEveryMs: 0, webRoot: join(dir, 'no-web'), asNames: asNameIndex([{ asn: SECOND_ORIGIN, name: 'CHINANET-BACKBONE', cc: 'CN' }]) });
}, 120_000);
afterAll(async () => {
  await server?.close();
  await store?.close();
});

const get = async <T>(path: string): Promise<T> => {
  const r = await fetchBody(server.url + path);
  expect(r.status, r.text).toBe(200);
  return r.body as T;
};

describe('history API', () => {
  it('bucket sizes keep a timeline at or under 120 buckets', () => {
    expect(bucketFor(3 * 3600)).toBe(300);
    expect(bucketFor(24 * 3600)).toBe(900);
    expect(bucketFor(400 * 86400)).toBe(86400);
  });

  it("a prefix's timeline: both origins with their registry and name, peers per bucket, the finding events", async () => {
    type P = { bucket: number; from: number; to: number; origins: Array<{ origin_asn: number; origin_rir: string; as_name?: string | null }>; points: Array<{ t: number; origin_asn: number; peers: number; events: number }>; visibility: Array<{ t: number; peers: number }>; findings: Array<{ time: number; type: string }> };
    const d = await get<P>(`/api/history/prefix/${CHANGING_PREFIX}`);
    expect(d.from).toBe(T0);
    expect(d.origins).toEqual([
      { origin_asn: SECOND_ORIGIN, origin_rir: 'apnic', as_name: 'CHINANET-BACKBONE', as_cc: 'CN' },
      { origin_asn: FIRST_ORIGIN, origin_rir: 'afrinic', as_name: null, as_cc: null },
    ]);
    expect(d.bucket).toBe(300);
    const firstOf = (asn: number) => Math.min(...d.points.filter((p) => p.origin_asn === asn).map((p) => p.t));
    const lastOf = (asn: number) => Math.max(...d.points.filter((p) => p.origin_asn === asn).map((p) => p.t));
    expect(lastOf(FIRST_ORIGIN)).toBeLessThan(firstOf(SECOND_ORIGIN));
    expect(new Set(d.points.filter((p) => p.origin_asn === FIRST_ORIGIN).map((p) => p.peers))).toEqual(new Set([3]));
    expect(new Set(d.visibility.filter((v) => v.t >= firstOf(SECOND_ORIGIN)).map((v) => v.peers))).toEqual(new Set([2]));
    expect(d.findings.map((f) => [f.type, f.time])).toEqual([
      ['finding-started', FINDING_START],
      ['finding-ended', FINDING_END],
    ]);
  });

  it("an AS's announced space by registering RIR per day", async () => {
    const d = await get<{ rows: Array<{ day: string; family: number; rir: string; prefixes: number; space: number }> }>(`/api/history/asn/${MOVING_AS}`);
    const mine = d.rows.filter((r) => INDEX_DAYS.includes(r.day));
    // Day one: 41.1.0.0/16 and the changing prefix (both AFRINIC); then 27.0.0.0/16 (APNIC).
    expect(mine.map((r) => [r.day, r.rir, r.prefixes, r.space])).toEqual([
      [INDEX_DAYS[0], 'afrinic', 2, 2 * 65536],
      [INDEX_DAYS[1], 'apnic', 1, 65536],
      [INDEX_DAYS[2], 'apnic', 1, 65536],
    ]);
  });

  it("a country's space by registering RIR per day from the index; a country without data says what to run", async () => {
    const d = await get<{ unit: string; rows: Array<{ day: string; rir: string; space: number }> }>('/api/history/country/HK');
    expect(d.unit).toBe('addresses');
    const of = (day: string, rir: string) => d.rows.find((r) => r.day === day && r.rir === rir)?.space ?? 0;
    expect(INDEX_DAYS.map((day) => of(day, 'afrinic'))).toEqual([32768, 32768, 32768]);
    expect(INDEX_DAYS.map((day) => of(day, 'ripencc'))).toEqual([65536, 0, 65536]);
    const none = await get<{ rows: unknown[]; message: string }>('/api/history/country/FJ');
    expect(none.rows).toEqual([]);
    expect(none.message).toMatch(/portolan index build/);
  });

  it('refuses a malformed prefix or AS', async () => {
    expect((await fetchBody(`${server.url}/api/history/prefix/999.1.1.1/8`)).status).toBe(400);
    expect((await fetchBody(`${server.url}/api/history/asn/notanumber`)).status).toBe(400);
  });
});
