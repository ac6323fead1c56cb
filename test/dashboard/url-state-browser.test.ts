/**
 * Links people can share: every view's state (list, time range, filters, sort, SQL) is in the
 * URL. In headless Chromium: a URL with state opens the view in that state; changing the state
 * changes the URL; reloading the changed URL gives the same view back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { openStore, type Store } from '../../analyzer/store/index.js';
import { createDashboardServer, type DashboardServer } from '../../dashboard/server/index.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { browserSuite, buildWebUi, hasChromium, launchChromium } from '../helpers/browser.js';
import { FINDINGS, announce, started } from './fixture.js';

describe.skipIf(!hasChromium)(browserSuite('view state in the URL, in headless Chromium'), () => {
  let store: Store;
  let server: DashboardServer;
  let browser: BrowserContext;
  let page: Page;
  const errors: Error[] = [];
  const search = () => new URL(page.url()).searchParams;

  beforeAll(async () => {
    const dir = makeTmpDir('dash-url-state');
    const webRoot = join(dir, 'web');
    buildWebUi(webRoot);
    store = await openStore({ db: join(dir, 'db') });
    await store.migrate();
    const writer = store.createWriter({ flushIntervalMs: 50 });
    for (const f of FINDINGS) {
      await writer.writeEvent(announce(f), f);
      await writer.writeEvent(announce(f, '192.0.2.2', f.time + 60), f);
      if (f.kinds.length) await writer.writeLifecycle(started(f));
    }
    await writer.flush();
    // A live collector's health, so the live feed and its filters show.
    server = await createDashboardServer({ store, port: 0, webRoot, compactEveryMs: 0, health: () => ({ connected: true, source: 'test' }) });
    browser = await launchChromium(join(dir, 'chrome'), { width: 1280, height: 900 });
    page = await browser.newPage();
    page.on('pageerror', (err) => errors.push(err));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await store?.close();
  });

  it('top lists: the list, a custom time range and the sort come from the URL; a click on a header goes into it', async () => {
    await page.goto(`${server.url}/top?list=holders&from=2023-11-14T00:00Z&s.registered-holders=-addresses`);
    await page.locator('table.sortable').waitFor();
    await expect(page.locator('.tabs a[aria-current="true"]').textContent()).resolves.toBe('Registered holders');
    expect(await page.inputValue('#t-from')).toBe('2023-11-14T00:00');
    await expect(page.locator('th[aria-sort="descending"]').textContent()).resolves.toContain('Addresses');
    await page.getByRole('button', { name: 'Prefixes' }).click();
    expect(search().get('s.registered-holders')).toBe('-prefixes');
    expect(search().get('list')).toBe('holders');
    await page.getByRole('button', { name: 'Prefixes' }).click();
    expect(search().get('s.registered-holders')).toBe('prefixes');
    // The changed URL, reloaded, gives the same view.
    await page.reload();
    await page.locator('table.sortable').waitFor();
    await expect(page.locator('th[aria-sort="ascending"]').textContent()).resolves.toContain('Prefixes');
    expect(await page.inputValue('#t-from')).toBe('2023-11-14T00:00');
    // A preset range from the menu goes into the URL as well.
    await page.selectOption('#t-range', '24h');
    await page.waitForURL(/from=24h/);
    // The family: IPv6 lists /48s, asked of the API with family=6, and kept in the URL.
    const asked = page.waitForRequest((r) => r.url().includes('/api/top/holders') && r.url().includes('family=6'));
    await page.selectOption('#t-family', '6');
    await page.waitForURL(/family=6/);
    await asked;
    await page.locator('p.note', { hasText: 'each address once' }).waitFor();
    await page.reload();
    await page.locator('p.note', { hasText: 'each address once' }).waitFor();
    expect(await page.inputValue('#t-family')).toBe('6');
    expect(errors).toEqual([]);
  });

  it('live feed: the filters come from the URL and go back into it', async () => {
    await page.goto(`${server.url}/?rir=afrinic&severity=high&country=HK`);
    await page.locator('#f-rir').waitFor();
    expect(await page.inputValue('#f-rir')).toBe('afrinic');
    expect(await page.inputValue('#f-sev')).toBe('high');
    expect(await page.inputValue('#f-cc')).toBe('HK');
    await page.selectOption('#f-kind', 'geo-out-of-region');
    await page.waitForURL(/kind=geo-out-of-region/);
    expect(Object.fromEntries(search())).toEqual({ rir: 'afrinic', kind: 'geo-out-of-region', severity: 'high', country: 'HK' });
    await page.fill('#f-asn', '4134');
    await page.waitForURL(/asn=4134/);
    await page.reload();
    await page.locator('#f-rir').waitFor();
    expect(await page.inputValue('#f-kind')).toBe('geo-out-of-region');
    expect(await page.inputValue('#f-asn')).toBe('4134');
    expect(errors).toEqual([]);
  });

  it('SQL console: a query in the URL is shown and run; running another puts it in the URL', async () => {
    await page.goto(`${server.url}/sql?q=${encodeURIComponent('SELECT 41 AS answer')}`);
    await page.locator('table.sortable').waitFor();
    expect(await page.inputValue('#sql-text')).toBe('SELECT 41 AS answer');
    await expect(page.locator('table.sortable tbody').textContent()).resolves.toBe('41');
    await page.fill('#sql-text', 'SELECT count() AS events FROM route_events');
    await page.getByRole('button', { name: 'Run query' }).click();
    await page.locator('table.sortable th', { hasText: 'events' }).waitFor();
    expect(search().get('q')).toBe('SELECT count() AS events FROM route_events');
    await expect(page.locator('table.sortable tbody').textContent()).resolves.toBe(String(FINDINGS.length * 2));
    expect(errors).toEqual([]);
  });

  it('a page table: the sort in the URL is applied (prefix page origins)', async () => {
    await page.goto(`${server.url}/prefix/154.80.0.0/16?s.origin-ases-seen=-events`);
    await page.locator('table.sortable caption', { hasText: 'Origin ASes seen' }).waitFor();
    const t = page.locator('table.sortable', { has: page.locator('caption', { hasText: 'Origin ASes seen' }) });
    await expect(t.locator('th[aria-sort="descending"]').textContent()).resolves.toContain('Events');
    expect(errors).toEqual([]);
  });
});
