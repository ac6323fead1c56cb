/**
 * A dashboard served with --api-token, in headless Chromium: the web UI takes the token from a
 * `#token=` link (and removes it from the address bar) or from its prompt, sends it on API calls,
 * and its live feed (EventSource, no headers) is authorised by the session cookie.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { openStore, type Store } from '../../analyzer/store/index.js';
import { createDashboardServer, type DashboardServer } from '../../dashboard/server/index.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { browserSuite, buildWebUi, hasChromium, launchChromium } from '../helpers/browser.js';
import { FINDINGS, announce, started } from './fixture.js';

const TOKEN = 'browser-token-0123456789abcdef';

describe.skipIf(!hasChromium)(browserSuite('the web UI with an API token, in headless Chromium'), () => {
  let dir: string;
  let store: Store;
  let server: DashboardServer;
  const browsers: BrowserContext[] = [];
  const fresh = async (name: string) => {
    const b = await launchChromium(join(dir, name), { width: 1280, height: 900 });
    browsers.push(b);
    const page = await b.newPage();
    const errors: Error[] = [];
    page.on('pageerror', (err) => errors.push(err));
    return { page, errors };
  };

  beforeAll(async () => {
    dir = makeTmpDir('dash-token-web');
    const webRoot = join(dir, 'web');
    buildWebUi(webRoot);
    store = await openStore({ db: join(dir, 'db') });
    await store.migrate();
    const writer = store.createWriter({ flushIntervalMs: 50 });
    for (const f of FINDINGS) {
      await writer.writeEvent(announce(f), f);
      if (f.kinds.length) await writer.writeLifecycle(started(f));
    }
    await writer.flush();
    server = await createDashboardServer({ store, port: 0, host: '127.0.0.1', webRoot, compactEveryMs: 0, apiToken: TOKEN, health: () => ({ connected: true, source: 'test' }) });
  }, 120_000);

  afterAll(async () => {
    for (const b of browsers) await b.close();
    await server?.close();
    await store?.close();
  });

  it('a #token= link: the pages load their data, the token leaves the address bar, the live feed connects', async () => {
    const { page, errors } = await fresh('chrome-link');
    const apiAuth: Array<string | undefined> = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/api/findings')) apiAuth.push(r.headers().authorization);
    });
    await page.goto(`${server.url}/?rir=afrinic#token=${TOKEN}`);
    await page.locator('#stored-findings table').waitFor();
    expect(new URL(page.url()).hash).toBe('');
    expect(new URL(page.url()).searchParams.get('rir')).toBe('afrinic');
    expect(await page.evaluate(() => sessionStorage.getItem('portolan-api-token'))).toBe(TOKEN);
    expect(apiAuth).toContain(`Bearer ${TOKEN}`);
    // EventSource sends no header: the session cookie authorises it; the feed then delivers.
    await page.locator('.feed-state', { hasText: /^live/ }).waitFor();
    server.feed.publish({ type: 'finding-started', time: FINDINGS[0].time, finding: FINDINGS[0] });
    await page.locator('#feed-rows tr').first().waitFor();
    await expect(page.locator('#feed-rows').textContent()).resolves.toContain(FINDINGS[0].prefix);
    // The cookie is HttpOnly: the page's script cannot read it.
    expect(await page.evaluate(() => document.cookie)).toBe('');
    await page.goto(`${server.url}/top`);
    await page.locator('table.sortable').waitFor();
    expect(await page.locator('#token-prompt').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('without a token: the prompt asks for it, refuses a wrong one, and a right one loads the page', async () => {
    const { page, errors } = await fresh('chrome-prompt');
    await page.goto(`${server.url}/top`);
    await page.locator('#token-prompt').waitFor();
    await expect(page.locator('#main').textContent()).resolves.toMatch(/needs the API token/);
    await page.fill('#token-input', 'wrong-token-0123456789');
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.locator('#token-error').waitFor({ state: 'visible' });
    await page.fill('#token-input', TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.locator('table.sortable').waitFor();
    expect(await page.locator('#token-prompt').count()).toBe(0);
    // The SQL console (POST with the header) works too.
    await page.goto(`${server.url}/sql?q=${encodeURIComponent('SELECT 7 AS seven')}`);
    await page.locator('table.sortable').waitFor();
    await expect(page.locator('table.sortable tbody').textContent()).resolves.toBe('7');
    expect(errors).toEqual([]);
  });
});
