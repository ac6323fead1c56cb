/**
 * Registered holders over a real store and registry: the API groups the delegated records by
 * opaque id with their announced share (overlaps counted once) and a name where the holder's AS
 * has one; the dashboard lists them and shows a holder's page (headless Chromium).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { openStore, type Store } from '../../analyzer/store/index.js';
import { asNameIndex } from '../../analyzer/asnames/index.js';
import { createDashboardServer, type DashboardServer } from '../../dashboard/server/index.js';
import { projectRoot } from '../../common/paths.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { fetchBody } from '../helpers/http.js';
import { browserSuite, buildWebUi, hasChromium, launchChromium } from '../helpers/browser.js';
import { announce, makeFinding } from './fixture.js';
import { writeIndexWorld } from './index-fixture.js';

let store: Store;
let server: DashboardServer;
let bare: DashboardServer;
let dir: string;

beforeAll(async () => {
  dir = makeTmpDir('dash-holders');
  buildWebUi(join(dir, 'web'));
  const world = await writeIndexWorld(dir);
  store = await openStore({ db: join(dir, 'db') });
  await store.migrate();
  const writer = store.createWriter({ flushIntervalMs: 50 });
  // AF-SC-1 holds 41.1.0.0/16 and 41.2.0.0/16: the /16 and a /17 inside it are announced (half its space, once).
  for (const [prefix, holderId, origin] of [
    ['41.1.0.0/16', 'AF-SC-1', 4134],
    ['41.1.0.0/17', 'AF-SC-1', 4134],
    ['41.0.0.0/16', 'AF-ZA-1', 37000],
  ] as const) {
    const f = makeFinding({ prefix, origin, rir: 'afrinic', region: 'apnic', country: 'HK', registeredCc: holderId === 'AF-SC-1' ? 'SC' : 'ZA', holderId });
    await writer.writeEvent(announce(f), f);
  }
  await writer.flush();
  const analysis = () => ({ registry: world.registry, geo: world.geo });
  const asNames = asNameIndex([{ asn: 37000, name: 'AFRINIC-ZA-JNB-AS', cc: 'ZA' }]);
  server = await createDashboardServer({ store, port: 0, webRoot: join(dir, 'web'), compactEveryMs: 0, analysis, asNames });
  bare = await createDashboardServer({ store, port: 0, webRoot: join(dir, 'web'), compactEveryMs: 0 });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await bare?.close();
  await store?.close();
});

describe('registered holders API', () => {
  it('lists holders with registered and announced space, the announced share and a name via the holder’s AS', async () => {
    const r = await fetchBody(`${server.url}/api/holders?rir=afrinic`);
    expect(r.status, r.text).toBe(200);
    const byId = Object.fromEntries((r.body.rows as Array<Record<string, unknown>>).map((x) => [x.holder_id, x]));
    expect(byId['AF-SC-1']).toMatchObject({ rir: 'afrinic', cc: 'SC', records: 2, ipv4_addresses: 131072, asns: 0, announced_prefixes: 2, announced_ipv4: 65536, announced_share_ipv4: 0.5, name: null });
    expect(byId['AF-ZA-1']).toMatchObject({ cc: 'ZA', asns: 2, first_asn: 37000, announced_ipv4: 65536, announced_share_ipv4: 1, name: 'AFRINIC-ZA-JNB-AS', name_source: 'AS37000 in the AS-name list' });
    expect(r.body.names).toMatch(/opaque id/);
    // Filters: country, text (id or name); CSV.
    expect((await fetchBody(`${server.url}/api/holders?cc=ZA`)).body.rows.map((x: { holder_id: string }) => x.holder_id)).toEqual(['AF-ZA-1']);
    expect((await fetchBody(`${server.url}/api/holders?q=jnb`)).body.rows.map((x: { holder_id: string }) => x.holder_id)).toEqual(['AF-ZA-1']);
    const csv = await fetchBody(`${server.url}/api/holders?rir=apnic&format=csv`);
    expect(csv.text.split('\n')[0]).toMatch(/^holder_id,rir,cc/);
    expect(csv.text).toContain('AP-CN-1');
  });

  it('a holder: its records (ASNs named) and announced prefixes; unknown holders 404; without a registry 503 saying what to load', async () => {
    const r = await fetchBody(`${server.url}/api/holders/afrinic/AF-ZA-1`);
    expect(r.status).toBe(200);
    expect(r.body.records.map((x: { type: string; start: string }) => `${x.type} ${x.start}`)).toEqual(['ipv4 41.0.0.0', 'asn 37000']);
    expect(r.body.records[1]).toMatchObject({ as_name: 'AFRINIC-ZA-JNB-AS' });
    expect(r.body.announced.map((x: { prefix: string }) => x.prefix)).toEqual(['41.0.0.0/16']);
    expect((await fetchBody(`${server.url}/api/holders/afrinic/NOPE`)).status).toBe(404);
    expect((await fetchBody(`${server.url}/api/holders/nowhere/AF-ZA-1`)).status).toBe(400);
    const none = await fetchBody(`${bare.url}/api/holders`);
    expect(none.status).toBe(503);
    expect(none.body.error.message).toMatch(/registry is not loaded/);
  });
});

describe.skipIf(!hasChromium)(browserSuite('registered holders in headless Chromium'), () => {
  let browser: BrowserContext;
  let page: Page;
  const errors: Error[] = [];
  const shots = join(projectRoot(), 'test-output', 'dashboard');

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    browser = await launchChromium(join(dir, 'chrome'), { width: 1280, height: 900 });
    page = await browser.newPage();
    page.on('pageerror', (err) => errors.push(err));
  });
  afterAll(async () => browser?.close());

  it('the list (filters in the URL) and a holder’s page', async () => {
    await page.goto(`${server.url}/holders?rir=afrinic`);
    const row = page.locator('tr', { has: page.locator('a[href="/holder/afrinic/AF-ZA-1"]') });
    await row.waitFor();
    await expect(row.textContent()).resolves.toMatch(/AF-ZA-1.*AFRINIC-ZA-JNB-AS.*AFRINIC.*ZA/);
    await expect(page.locator('tr', { has: page.locator('a[href="/holder/afrinic/AF-SC-1"]') }).textContent()).resolves.toContain('50 %');
    expect(await page.locator('a[href="/holder/apnic/AP-CN-1"]').count()).toBe(0);
    await page.fill('#h-cc', 'SC');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/cc=SC/);
    await page.locator('#holders-count', { hasText: /^1 of/ }).waitFor();
    await page.screenshot({ path: join(shots, 'holders.png'), fullPage: true });
    await page.click('a[href="/holder/afrinic/AF-SC-1"]');
    await page.locator('#holder-summary').waitFor();
    await expect(page.locator('#holder-summary').textContent()).resolves.toMatch(/2 records.*\(50 % of its IPv4 space\)/);
    await expect(page.locator('main').textContent()).resolves.toMatch(/opaque id/); // no name: says why
    expect(await page.locator('a[href="/prefix/41.1.0.0/17"]').count()).toBe(1);
    expect(errors).toEqual([]);
  });
});
