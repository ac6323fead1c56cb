import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type BrowserContext, type Page } from 'playwright-core';
import type { PortabilityIndex } from '../../analyzer/models/accounting.js';
import { openStore, type Store } from '../../analyzer/store/index.js';
import { writePortabilityIndex } from '../../analyzer/store/portability.js';
import { createDashboardServer, type DashboardServer } from '../../dashboard/server/index.js';
import { projectRoot } from '../../common/paths.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { BASE_ROUTES, indexOfDay, reduceMatrix, writeIndexWorld } from './index-fixture.js';
import { FINDINGS, announce } from './fixture.js';
import { browserSuite, buildWebUi, hasChromium, launchChromium } from '../helpers/browser.js';

const shots = join(projectRoot(), 'test-output', 'dashboard');

/** Six days in which AFRINIC space moves abroad and RIPE NCC space comes home. */
const DAYS: Array<[string, Array<[string, number]>]> = [
  ['2024-03-01', BASE_ROUTES],
  ['2024-03-02', BASE_ROUTES],
  ['2024-03-03', [...BASE_ROUTES, ['41.2.0.0/16', 4134]]],
  ['2024-03-04', [...BASE_ROUTES, ['41.2.0.0/16', 4134]]],
  ['2024-03-05', [...BASE_ROUTES.filter(([p]) => p !== '185.0.0.0/16'), ['41.2.0.0/16', 4134]]],
  ['2024-03-06', [...BASE_ROUTES.filter(([p]) => p !== '185.0.0.0/16' && p !== '41.0.0.0/16'), ['41.2.0.0/16', 4134]]],
];
const FIRST = DAYS[0][0];
const LAST = DAYS[DAYS.length - 1][0];

describe.skipIf(!hasChromium)(browserSuite('index pages in headless Chromium'), () => {
  let store: Store;
  let server: DashboardServer;
  let browser: BrowserContext;
  let page: Page;
  const indexes = new Map<string, PortabilityIndex>();
  const errors: Error[] = [];

  beforeAll(async () => {
    const dir = makeTmpDir('dash-index-web');
    // The UI under test is built from sources into the temp folder, not the repo's dist.
    const webRoot = join(dir, 'web');
    buildWebUi(webRoot);
    const world = await writeIndexWorld(dir);
    store = await openStore({ db: join(dir, 'db') });
    await store.migrate();
    for (const [date, routes] of DAYS) {
      const index = indexOfDay(world, date, routes);
      indexes.set(date, index);
      await writePortabilityIndex(store.client, index, Date.parse(`${date}T23:30:00Z`));
    }
    // Classified announcements for the per-prefix drill-down.
    const writer = store.createWriter({ flushIntervalMs: 50 });
    for (const f of FINDINGS) await writer.writeEvent(announce(f), f);
    await writer.flush();
    server = await createDashboardServer({ store, port: 0, webRoot, compactEveryMs: 0 });
    mkdirSync(shots, { recursive: true });
    browser = await launchChromium(join(dir, 'chrome'), { width: 1366, height: 900 });
    page = await browser.newPage();
    page.on('pageerror', (err) => errors.push(err));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await store?.close();
    expect(errors).toEqual([]);
  });

  it('draws one line per RIR with data and the latest day\'s table', async () => {
    await page.goto(server.url + '/index');
    await page.locator('svg.index-chart path.series').first().waitFor();
    const withData = new Set<string>();
    for (const index of indexes.values()) for (const [r, f] of Object.entries(index.ipv4)) if (f.share_out !== null) withData.add(r);
    const drawn = await page.locator('svg.index-chart path.series').evaluateAll((els) => els.map((e) => e.getAttribute('data-rir')));
    expect(drawn.sort()).toEqual([...withData].sort());
    expect(drawn.length).toBeGreaterThanOrEqual(5);
    // Each line has a point per day.
    expect(await page.locator('svg.index-chart circle.point[data-rir="afrinic"]').count()).toBe(DAYS.length);
    await page.locator('table caption', { hasText: `Per RIR on ${LAST}` }).waitFor();
    const afr = page.locator('tr', { has: page.locator('a[data-rir="afrinic"]') });
    const last = indexes.get(LAST)!.ipv4.afrinic;
    expect(await afr.locator('td').nth(5).textContent()).toBe(`${((last.share_out as number) * 100).toFixed(0)} %`);
    expect(await page.locator('#index-line').textContent()).toContain(`${LAST} · routed table at 23:00 UTC`);
    await page.screenshot({ path: join(shots, 'index.png'), fullPage: true });
  });

  it('clicks through to a RIR\'s contributors for the selected day', async () => {
    await page.locator('svg.index-chart circle.point[data-rir="afrinic"][data-date="2024-03-03"]').click();
    await page.waitForURL(/\/index\?date=2024-03-03$/);
    await page.locator('table caption', { hasText: 'Per RIR on 2024-03-03' }).waitFor();
    await page.locator('a[data-rir="afrinic"]').click();
    await page.waitForURL(/rir=afrinic/);
    expect(new URL(page.url()).searchParams.get('date')).toBe('2024-03-03');
    await page.locator('#contrib-summary').waitFor();
    const holders = indexes.get('2024-03-03')!.ipv4.afrinic.top_holders;
    expect(holders.length).toBeGreaterThan(0);
    expect(await page.locator('table', { has: page.locator('caption', { hasText: 'Top holders' }) }).locator('tbody tr').count()).toBe(holders.length);
    expect(await page.locator('table', { has: page.locator('caption', { hasText: 'Top holders' }) }).textContent()).toContain(holders[0].key);
    await page.screenshot({ path: join(shots, 'index-contributors.png'), fullPage: true });
    // IPv6: no IPv6 routes in this store, so no lines, and no error.
    await page.getByRole('link', { name: 'IPv6' }).click();
    await page.locator('table caption', { hasText: 'IPv6' }).waitFor();
    expect(await page.locator('svg.index-chart path.series').count()).toBe(0);
  });

  it('shows the matrix date line and follows the date selector', async () => {
    await page.goto(server.url + '/matrix');
    const cell = page.locator('td[data-rir="afrinic"][data-region="apnic"]');
    await cell.waitFor();
    const line = await page.locator('#index-line').textContent();
    expect(line).toBe(`${LAST} · routed table at 23:00 UTC · IPv4 /0–/24, ≥2 peers, special-purpose excluded · registry files 2024-02-29 · DB-IP 2024-02-01`);
    const valueOf = async () => Number(await cell.getAttribute('data-value'));
    expect(await valueOf()).toBe(reduceMatrix(indexes.get(LAST)!).get('afrinic/apnic'));
    await page.screenshot({ path: join(shots, 'matrix-index.png') });
    await page.locator('#index-date').selectOption(FIRST);
    await page.waitForURL(new RegExp(`/matrix\\?date=${FIRST}$`));
    await page.locator('#index-line', { hasText: FIRST }).waitFor();
    expect(await valueOf()).toBe(reduceMatrix(indexes.get(FIRST)!).get('afrinic/apnic'));
    expect(await valueOf()).not.toBe(reduceMatrix(indexes.get(LAST)!).get('afrinic/apnic'));
    await page.screenshot({ path: join(shots, 'matrix-first-day.png') });
    // The cell drill-down keeps the day, shows the accounted figure and labels prefix sizes.
    await cell.locator('a').click();
    await page.waitForURL(new RegExp(`/matrix/afrinic/apnic\\?date=${FIRST}$`));
    await page.locator('#cell-accounted').waitFor();
    expect(await page.locator('#cell-accounted').textContent()).toContain('32.8 k');
    expect(await page.locator('#cell-summary').textContent()).toContain('2 prefixes');
    expect(await page.getByRole('columnheader', { name: 'Prefix size', exact: true }).count()).toBe(1);
    await page.screenshot({ path: join(shots, 'matrix-cell-index.png'), fullPage: true });
  });

  it('restores the view from a URL with the date', async () => {
    const fresh = await browser.newPage();
    await fresh.goto(`${server.url}/matrix?date=2024-03-02`);
    await fresh.locator('td[data-rir="afrinic"][data-region="afrinic"]').waitFor();
    expect(await fresh.locator('#index-date').inputValue()).toBe('2024-03-02');
    expect(await fresh.locator('#index-line').textContent()).toMatch(/^2024-03-02 · /);
    expect(Number(await fresh.locator('td[data-rir="afrinic"][data-region="afrinic"]').getAttribute('data-value'))).toBe(reduceMatrix(indexes.get('2024-03-02')!).get('afrinic/afrinic'));
    await fresh.goto(`${server.url}/map?date=2024-03-04`);
    await fresh.locator('svg.map path.country').first().waitFor();
    expect(await fresh.locator('svg.map path.country').count()).toBeGreaterThan(150);
    expect(await fresh.locator('#index-date').inputValue()).toBe('2024-03-04');
    await fresh.locator('table caption', { hasText: 'Countries' }).waitFor();
    await fresh.screenshot({ path: join(shots, 'map-index.png') });
    await fresh.goto(`${server.url}/country/HK?date=2024-03-04`);
    await fresh.locator('#country-totals').waitFor();
    expect(await fresh.locator('#index-date').inputValue()).toBe('2024-03-04');
    expect(await fresh.locator('#index-line').textContent()).toMatch(/^2024-03-04 · /);
    await fresh.screenshot({ path: join(shots, 'country-index.png'), fullPage: true });
    await fresh.goto(`${server.url}/index?date=2024-03-02&rir=ripencc`);
    await fresh.locator('#contrib-summary').waitFor();
    expect(await fresh.locator('#index-date').inputValue()).toBe('2024-03-02');
    await fresh.close();
  });
});
