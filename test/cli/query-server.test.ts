/**
 * One process owns an embedded store: while this test process holds it (as a running
 * `portolan run` would), `portolan query` on the same folder answers through that process's API.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../analyzer/store/index.js';
import { createDashboardServer, type DashboardServer } from '../../dashboard/server/index.js';
import { dataset } from '../analyzer/store/fixtures.js';
import { runCli } from '../helpers/cli.js';
import { makeTmpDir } from '../helpers/tmp.js';

const db = join(makeTmpDir('query-server'), 'db');
let store: Store;
let server: DashboardServer;
const items = dataset(40);

beforeAll(async () => {
  store = await openStore({ db });
  await store.migrate();
  const writer = store.createWriter();
  for (const { event, finding } of items) await writer.writeEvent(event, finding);
  await writer.close();
  server = await createDashboardServer({ store, port: 0, webRoot: makeTmpDir('no-web') });
});

afterAll(async () => {
  await server?.close();
  await store?.close();
});

describe('portolan query while another process holds the store', () => {
  it('runs named queries and read-only SQL through the running server', async () => {
    const named = await runCli(['query', '--name', 'summary', '--format', 'json', '--db', db, '--server', server.url]);
    expect(named.code, named.stderr).toBe(0);
    const summary = JSON.parse(named.stdout.trim()) as Record<string, unknown>;
    expect(Number(summary.announcements)).toBe(items.filter((i) => i.event.elem_type === 'announce').length);

    const sql = await runCli(['query', 'SELECT count() AS n FROM route_events', '--format', 'csv', '--db', db, '--server', server.url]);
    expect(sql.code, sql.stderr).toBe(0);
    expect(sql.stdout).toBe(`n\r\n${items.length}\r\n`);

    const write = await runCli(['query', 'DROP TABLE route_events', '--db', db, '--server', server.url]);
    expect(write.code).not.toBe(0);
  });

  it('says what to do when the store is locked and no server answers', async () => {
    const r = await runCli(['query', '--name', 'summary', '--db', db, '--server', 'http://127.0.0.1:9']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no Portolan server answers at http:\/\/127\.0\.0\.1:9/);
  });
});
