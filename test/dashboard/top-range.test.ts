import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore, type Store } from '../../analyzer/store/index.js';
import { createDashboardServer, type DashboardServer } from '../../dashboard/server/index.js';
import type { Finding } from '../../analyzer/models/finding.js';
import type { Rir } from '../../analyzer/models/registry.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { announce, makeFinding } from './fixture.js';

/**
 * Top lists over ranges that span days, whole hours and partial hours (the daily, hourly and
 * per-event rollups together) must equal the same list computed here from the events written.
 */
const DAY0 = Date.UTC(2024, 2, 1) / 1000; // midnight UTC
const RIRS: Rir[] = ['afrinic', 'apnic', 'arin', 'lacnic', 'ripencc'];
const events: { time: number; f: Finding }[] = [];
for (let i = 0; i < 240; i++) {
  const p = i % 17;
  const rir = RIRS[p % 5];
  const region = p % 4 === 0 ? rir : RIRS[(p + 1) % 5]; // some in region: no kind, not in the lists
  // Spread over four days at uneven steps, so every range below has partial hours at its edges.
  const time = DAY0 + i * 1409 + (i % 7) * 61;
  // Every third event announces a /24 inside its /16–/23 instead: nested prefixes under one key.
  const prefix = i % 3 === 0 ? `10.${p}.0.0/24` : `10.${p}.0.0/${16 + (p % 8)}`;
  const f = makeFinding({ prefix, origin: 64500 + (p % 6), rir, region, country: ['DE', 'US', 'CN', 'BR', 'ZA'][(p + 1) % 5], registeredCc: 'SC', holderId: `H${p % 4}`, time });
  events.push({ time, f });
}

type Row = Record<string, unknown>;
/** Addresses the prefixes cover, each once: a set of the /24s they hold (every prefix here is /16–/24). */
function covered(prefixes: Iterable<string>): number {
  const blocks = new Set<string>();
  for (const text of prefixes) {
    const [addr, len] = text.split('/');
    const [a, b] = addr.split('.').map(Number);
    for (let c = 0; c < 2 ** (24 - Number(len)); c++) blocks.add(`${a}.${b}.${c}`);
  }
  return blocks.size * 256;
}

/** The list the API should give: per key, distinct prefixes, the addresses they cover (each once), events and last time. */
function expected(list: string, from: number | null, to: number | null): Row[] {
  const keyOf = (f: Finding): string | null =>
    list === 'origins' ? String(f.originAsn) : list === 'countries' ? f.mainCountry : list === 'holders' ? f.holderId : f.prefix;
  const groups = new Map<string, { prefixes: Map<string, number>; events: number; last: number }>();
  for (const { time, f } of events) {
    if (f.kinds.length === 0 || (from !== null && time < from) || (to !== null && time >= to)) continue;
    const k = keyOf(f);
    if (!k) continue;
    const g = groups.get(k) ?? { prefixes: new Map(), events: 0, last: 0 };
    g.prefixes.set(f.prefix, f.addresses);
    g.events++;
    g.last = Math.max(g.last, time);
    groups.set(k, g);
  }
  return [...groups].map(([key, g]) => ({ key, prefixes: g.prefixes.size, addresses: covered(g.prefixes.keys()), events: g.events, last_seen: g.last })).sort((a, b) => a.key.localeCompare(b.key));
}

let store: Store;
let server: DashboardServer;

beforeAll(async () => {
  const dir = makeTmpDir('dash-top-range');
  store = await openStore({ db: join(dir, 'db') });
  await store.migrate();
  const writer = store.createWriter({ flushIntervalMs: 50, batchSize: 50 });
  for (const { time, f } of events) await writer.writeEvent(announce(f, '192.0.2.1', time), f);
  await writer.flush();
  server = await createDashboardServer({ store, port: 0, host: '127.0.0.1', webRoot: join(dir, 'no-web') });
});

afterAll(async () => {
  await server?.close();
  await store?.close();
});

describe('top lists over day-spanning ranges', () => {
  const KEY: Record<string, string> = { origins: 'origin_asn', countries: 'country', holders: 'holder_id', prefixes: 'prefix' };
  const ranges: [number | null, number | null][] = [
    [null, null],
    [DAY0 + 3600 * 5 + 777, DAY0 + 86400 * 2 + 3600 * 7 + 123], // partial hour, hours, a whole day, hours, partial hour
    [DAY0 + 86400 + 1, null], // from only: partial hour, hours, then days to the end
    [null, DAY0 + 86400 * 3 - 59], // to only: days, hours, partial hour
    [DAY0 + 86400, DAY0 + 86400 * 3], // whole days only
    [DAY0 + 7200 + 30, DAY0 + 7200 + 3000], // inside one hour
    [DAY0 + 3600 * 20 + 10, DAY0 + 3600 * 30 + 10], // hours across midnight, no whole day
  ];

  it.each(ranges)('from %s to %s: every list equals the events written', async (from, to) => {
    const q = new URLSearchParams({ limit: '1000' });
    if (from !== null) q.set('from', String(from));
    if (to !== null) q.set('to', String(to));
    let nonEmpty = 0;
    for (const list of Object.keys(KEY)) {
      const res = await fetch(`${server.url}/api/top/${list}?${q}`);
      expect(res.status).toBe(200);
      const rows = ((await res.json()) as { rows: Row[] }).rows;
      const got = rows
        .map((r) => ({ key: String(r[KEY[list]]), prefixes: list === 'prefixes' ? 1 : r.prefixes, addresses: r.addresses, events: r.events, last_seen: r.last_seen }))
        .sort((a, b) => a.key.localeCompare(b.key));
      const want = expected(list, from, to).map((w) => (list === 'prefixes' ? { ...w, prefixes: 1 } : w));
      expect(got, `${list} ${q}`).toEqual(want);
      nonEmpty += want.length;
    }
    expect(nonEmpty).toBeGreaterThan(0);
  });
});
