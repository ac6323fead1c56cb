import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore, type Store } from '../../analyzer/store/index.js';
import { asNameIndex } from '../../analyzer/asnames/index.js';
import { createDashboardServer, type DashboardServer } from '../../dashboard/server/index.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { FINDINGS, announce, started } from './fixture.js';

let store: Store;
let server: DashboardServer;
let empty: DashboardServer;
let emptyStore: Store;
const get = async (s: DashboardServer, path: string) => {
  const res = await fetch(s.url + path);
  return { status: res.status, body: (await res.json()) as any };
};

const NAMES = asNameIndex([
  { asn: 4134, name: 'CHINANET-BACKBONE No.31,Jin-rong Street', cc: 'CN' },
  { asn: 37100, name: 'SEACOM-AS', cc: 'MU' },
  { asn: 3333, name: 'RIPE-NCC-AS Reseaux IP Europeens Network Coordination Centre (RIPE NCC)', cc: 'NL' },
  { asn: 15169, name: 'GOOGLE', cc: 'US' },
]);

beforeAll(async () => {
  const dir = makeTmpDir('dash-asnames');
  store = await openStore({ db: join(dir, 'db') });
  await store.migrate();
  const writer = store.createWriter({ flushIntervalMs: 50 });
  for (const f of FINDINGS) {
    await writer.writeEvent(announce(f, '192.0.2.1'), f);
    if (f.kinds.length) await writer.writeLifecycle(started(f));
  }
  await writer.flush();
  server = await createDashboardServer({ store, port: 0, host: '127.0.0.1', webRoot: join(dir, 'no-web'), asNames: NAMES });
  // The same engine (one chDB per process), no names: the fields are absent.
  empty = await createDashboardServer({ store, port: 0, host: '127.0.0.1', webRoot: join(dir, 'no-web') });
  emptyStore = store;
});

afterAll(async () => {
  await server?.close();
  await empty?.close();
  await store?.close();
});

describe('AS names in the dashboard API', () => {
  it('top origins carry as_name and as_cc', async () => {
    const r = await get(server, '/api/top/origins');
    const cn = r.body.rows.find((x: any) => Number(x.origin_asn) === 4134);
    expect(cn).toMatchObject({ as_name: 'CHINANET-BACKBONE No.31,Jin-rong Street', as_cc: 'CN' });
    const unknown = r.body.rows.find((x: any) => Number(x.origin_asn) === 64496);
    expect(unknown).toMatchObject({ as_name: null, as_cc: null });
    const bare = await get(empty, '/api/top/origins');
    expect(bare.body.rows[0]).not.toHaveProperty('as_name');
  });

  it('cell origins, prefix origins and the ASN page carry names', async () => {
    const cell = await get(server, '/api/matrix/cell?rir=afrinic&region=apnic');
    expect(cell.body.origins[0]).toMatchObject({ as_name: expect.stringMatching(/^CHINANET/), as_cc: 'CN' });
    const prefix = await get(server, '/api/prefix/154.80.0.0/16');
    expect(prefix.body.origins[0]).toMatchObject({ as_name: expect.stringMatching(/^CHINANET/) });
    const asn = await get(server, '/api/asn/3333');
    expect(asn.body).toMatchObject({ asn: 3333, as_name: expect.stringMatching(/^RIPE-NCC-AS/), as_cc: 'NL' });
    const names = await get(server, '/api/asnames?asn=37100,1');
    expect(names.body).toMatchObject({ loaded: true, names: { '37100': { name: 'SEACOM-AS', cc: 'MU' } } });
  });

  it('the search box finds an AS by name', async () => {
    const r = await get(server, '/api/search?q=chinanet');
    expect(r.body).toMatchObject({ kind: 'asn', value: '4134', path: '/asn/4134' });
    expect(r.body.matches[0]).toMatchObject({ asn: 4134, cc: 'CN' });
    expect((await get(server, '/api/search?q=ripe%20ncc')).body.value).toBe('3333');
    const none = await get(server, '/api/search?q=nosuchname');
    expect(none.status).toBe(400);
    expect(none.body.error.message).toContain('no AS name contains');
    expect((await get(empty, '/api/search?q=chinanet')).status).toBe(400);
  });

  it('stored findings, newest first, from the store', async () => {
    const r = await get(server, '/api/findings/recent?limit=3');
    expect(r.body.source).toBe('store');
    expect(r.body.stored_events).toBe(FINDINGS.length);
    expect(r.body.note).toBeNull();
    expect(r.body.rows).toHaveLength(3);
    const times = r.body.rows.map((x: any) => Number(x.time));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(r.body.rows.every((x: any) => 'as_name' in x)).toBe(true);
    expect(emptyStore).toBeDefined();
  });
});
