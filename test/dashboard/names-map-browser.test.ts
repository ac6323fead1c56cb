/**
 * A first visit as `portolan serve` gives it (no live collector): the first page shows the
 * stored findings, AS names appear beside AS numbers, and the small states of this topic
 * (HK, SC, SG, MU) are on the map as markers. Screenshots go to test-output/dashboard/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type BrowserContext, type Page } from 'playwright-core';
import { openStore, type Store } from '../../analyzer/store/index.js';
import { writePortabilityIndex } from '../../analyzer/store/portability.js';
import { asNameIndex } from '../../analyzer/asnames/index.js';
import { createDashboardServer, type DashboardServer } from '../../dashboard/server/index.js';
import { projectRoot } from '../../common/paths.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { BASE_ROUTES, indexOfDay, writeIndexWorld } from './index-fixture.js';
import { FINDINGS, announce, started } from './fixture.js';
import { browserSuite, buildWebUi, hasChromium, launchChromium } from '../helpers/browser.js';

const shots = join(projectRoot(), 'test-output', 'dashboard');
const DATE = '2024-03-04';

const NAMES = asNameIndex([
  { asn: 4134, name: 'CHINANET-BACKBONE No.31,Jin-rong Street', cc: 'CN' },
  { asn: 37100, name: 'SEACOM-AS', cc: 'MU' },
  { asn: 3333, name: 'RIPE-NCC-AS Reseaux IP Europeens Network Coordination Centre (RIPE NCC)', cc: 'NL' },
  { asn: 15169, name: 'GOOGLE', cc: 'US' },
]);

describe.skipIf(!hasChromium)(browserSuite('first visit, AS names and small states in headless Chromium'), () => {
  let store: Store;
  let server: DashboardServer;
  let browser: BrowserContext;
  let page: Page;
  const errors: Error[] = [];

  beforeAll(async () => {
    const dir = makeTmpDir('dash-names-web');
    const webRoot = join(dir, 'web');
    buildWebUi(webRoot);
    const world = await writeIndexWorld(dir);
    store = await openStore({ db: join(dir, 'db') });
    await store.migrate();
    const routes: Array<[string, number]> = [...BASE_ROUTES, ['41.2.0.0/16', 4134], ['185.1.0.0/16', 3333]];
    await writePortabilityIndex(store.client, indexOfDay(world, DATE, routes), Date.parse(`${DATE}T23:30:00Z`));
    const writer = store.createWriter({ flushIntervalMs: 50 });
    for (const f of FINDINGS) {
      await writer.writeEvent(announce(f), f);
      if (f.kinds.length) await writer.writeLifecycle(started(f));
    }
    await writer.flush();
    // As `portolan serve` starts it: no health (no collector), names loaded.
    server = await createDashboardServer({ store, port: 0, webRoot, compactEveryMs: 0, asNames: NAMES });
    mkdirSync(shots, { recursive: true });
    browser = await launchChromium(join(dir, 'chrome'), { width: 1280, height: 900 });
    page = await browser.newPage();
    page.on('pageerror', (err) => errors.push(err));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await store?.close();
  });

  it('the first page shows the stored findings, says they come from the store and how to start a live collector', async () => {
    await page.goto(server.url + '/');
    const stored = page.locator('#stored-findings');
    await stored.locator('table').waitFor();
    await expect(stored.textContent()).resolves.toMatch(/newest findings from the store/);
    await expect(stored.textContent()).resolves.toContain('portolan run');
    expect(await page.locator('#live-part').isHidden()).toBe(true);
    const rows = stored.locator('tbody tr');
    expect(await rows.count()).toBe(FINDINGS.filter((f) => f.kinds.length).length);
    // Newest first, with times.
    await expect(rows.first().textContent()).resolves.toContain('200.0.0.0/22');
    await expect(rows.first().textContent()).resolves.toMatch(/2023-11-14 \d\d:\d\d/);
    await expect(stored.textContent()).resolves.toContain('CHINANET-BACKBONE');
    await page.screenshot({ path: join(shots, 'first-page-stored.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('names appear beside ASNs: top origins, ASN page; the heading says ASes; search finds an AS by name', async () => {
    await page.goto(server.url + '/top');
    await page.getByRole('heading', { name: 'Top origin ASes' }).waitFor();
    const row = page.locator('tr', { has: page.locator('a[href="/asn/4134"]') });
    await row.first().waitFor();
    await expect(row.first().textContent()).resolves.toMatch(/AS4134\s*CHINANET-BACKBONE.*CN/);
    await page.screenshot({ path: join(shots, 'top-origins-names.png'), fullPage: true });
    // Headers sort: a numeric column largest first, then smallest first.
    const firstOrigin = () => page.locator('table.sortable tbody tr').first().locator('td').first().textContent();
    await page.getByRole('button', { name: 'Addresses' }).click();
    await expect(page.locator('th[aria-sort="descending"]').textContent()).resolves.toContain('Addresses');
    await expect(firstOrigin()).resolves.toMatch(/^AS4134/);
    await page.getByRole('button', { name: 'Addresses' }).click();
    await expect(firstOrigin()).resolves.toMatch(/^AS64496/);
    await page.goto(server.url + '/asn/3333');
    await page.locator('#page-title .as-name').waitFor();
    await expect(page.locator('#page-title').textContent()).resolves.toMatch(/AS3333 RIPE-NCC-AS/);
    await page.fill('#search-q', 'seacom');
    await page.press('#search-q', 'Enter');
    await page.waitForURL(/\/asn\/37100$/);
    expect(errors).toEqual([]);
  });

  it('HK, SC, SG and MU are on the map as markers, clickable, with a legend', async () => {
    // SC's AFRINIC space is used in HK and SG (used here, registered elsewhere: HK, SG, MU);
    // SC shows on the other view (registered here, used abroad).
    const views: Array<[string, string[]]> = [
      ['used-here', ['HK', 'SG', 'MU']],
      ['used-abroad', ['SC']],
    ];
    for (const [view, ccs] of views) {
      await page.goto(server.url + `/map?view=${view}&date=${DATE}`);
      await page.locator('svg.map').waitFor();
      for (const cc of ccs) {
        const marker = page.locator(`svg.map circle.marker[data-cc="${cc}"]`);
        expect(await marker.count(), cc).toBe(1);
        expect(await marker.isVisible(), cc).toBe(true);
      }
      await expect(page.locator('#map-legend').textContent()).resolves.toMatch(/log scale/);
      await page.screenshot({ path: join(shots, `map-small-states-${view}.png`), fullPage: true });
    }
    await page.goto(server.url + `/map?date=${DATE}`);
    await page.locator('svg.map circle.marker[data-cc="MU"]').waitFor();
    await page.locator('svg.map a:has(circle[data-cc="MU"])').click();
    await page.waitForURL(/\/country\/MU/);
    expect(errors).toEqual([]);
  });

  it('holds at 390 px (phone) and in dark mode', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(server.url + '/');
    await page.locator('#stored-findings table').waitFor();
    await page.screenshot({ path: join(shots, 'first-page-390.png'), fullPage: false });
    await page.goto(server.url + `/map?date=${DATE}`);
    await page.locator('svg.map').waitFor();
    await page.screenshot({ path: join(shots, 'map-390.png'), fullPage: false });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(server.url + '/top');
    await page.getByRole('heading', { name: 'Top origin ASes' }).waitFor();
    await page.locator('a[href="/asn/4134"]').first().waitFor();
    await page.screenshot({ path: join(shots, 'top-dark.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
