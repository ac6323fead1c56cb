import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type BrowserContext, type Page } from 'playwright-core';
import { openStore, type Store } from '../../analyzer/store/index.js';
import { createDashboardServer, type DashboardServer } from '../../dashboard/server/index.js';
import { projectRoot } from '../../common/paths.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { FINDINGS, announce, makeFinding, started } from './fixture.js';
import { asNameIndex } from '../../analyzer/asnames/index.js';
import { browserSuite, buildWebUi, hasChromium, launchChromium } from '../helpers/browser.js';

const shots = join(projectRoot(), 'test-output', 'dashboard');

describe.skipIf(!hasChromium)(browserSuite('dashboard in headless Chromium'), () => {
  let store: Store;
  let server: DashboardServer;
  let browser: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    const dir = makeTmpDir('dash-web');
    // The UI under test is built from sources into the temp folder, not the repo's dist.
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
    server = await createDashboardServer({ store, port: 0, webRoot, asNames: asNameIndex([{ asn: 37011, name: 'LIVE-TEST-AS', cc: 'ZA' }]), health: () => ({ connected: true, messagesPerSecond: 40, lagSeconds: 0.8, reconnects: 1, drops: 3, overload: 'shed', shed: 1234, lagText: '10 y 3 mo behind (replay: event time vs now)' }) });
    mkdirSync(shots, { recursive: true });
    // A fresh profile in the temp folder for every run.
    browser = await launchChromium(join(dir, 'chrome'), { width: 1366, height: 860 });
    page = await browser.newPage();
    page.on('pageerror', (err) => {
      throw err;
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await store?.close();
  });

  it('shows the live feed updating while events are published', async () => {
    await page.goto(server.url + '/');
    await page.getByText(/live ·/).waitFor();
    const rows = page.locator('#feed-rows tr');
    const before = await rows.count();
    // Publish for a while, as the pipeline would, and watch rows arrive.
    for (let i = 0; i < 12; i++) {
      server.feed.publish(started(makeFinding({ prefix: `102.${i}.0.0/16`, origin: 37000 + i, rir: 'afrinic', region: i % 2 ? 'ripencc' : 'apnic', country: i % 2 ? 'DE' : 'SG', registeredCc: 'ZA', time: 1_700_001_000 + i })));
      await new Promise((r) => setTimeout(r, 40));
    }
    await page.locator('#feed-rows a', { hasText: '102.11.0.0/16' }).waitFor();
    // Live rows get their origin's name once /api/asnames answers.
    await page.locator('#feed-rows td[data-asn="37011"] .as-name', { hasText: 'LIVE-TEST-AS' }).waitFor();
    expect(await rows.count()).toBe(before + 12);
    await page.screenshot({ path: join(shots, 'feed.png'), fullPage: false });
    // Pausing holds new rows back until resumed.
    await page.getByRole('button', { name: 'Pause' }).click();
    server.feed.publish(started(makeFinding({ prefix: '102.99.0.0/16', origin: 1, rir: 'afrinic', region: 'apnic', country: 'SG' })));
    await page.getByText(/paused, 1 waiting/).waitFor();
    expect(await page.locator('#feed-rows a', { hasText: '102.99.0.0/16' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.locator('#feed-rows a', { hasText: '102.99.0.0/16' }).waitFor();
  });

  it('says what to run when no index is stored; a cell drill-down still lists its prefixes', async () => {
    // The matrix is the portability index's (test/dashboard/index-browser.test.ts); this store has none.
    await page.goto(server.url + '/matrix');
    await page.locator('.empty-index').waitFor();
    expect(await page.locator('.empty-index').textContent()).toBe('No index yet: run `portolan index build FILE…` or let `portolan run` pass a UTC midnight.');
    await page.screenshot({ path: join(shots, 'matrix.png') });
    await page.goto(server.url + '/matrix/afrinic/apnic');
    await page.locator('#cell-summary').waitFor();
    expect(await page.locator('#cell-summary').textContent()).toContain('2 prefixes');
    expect(await page.locator('main a', { hasText: '154.80.0.0/16' }).count()).toBe(1);
    await page.screenshot({ path: join(shots, 'drilldown.png') });
  });

  it('searches a prefix and shows its page', async () => {
    await page.getByLabel('Search an IP, prefix, AS number, AS name or country').fill('154.80.0.0/16');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/prefix\/154\.80\.0\.0\/16$/);
    await page.getByRole('heading', { name: 'Findings timeline' }).waitFor();
    expect(await page.locator('#page-title').textContent()).toBe('Prefix 154.80.0.0/16');
    expect(await page.getByText('64500 3356 4134').count()).toBe(1);
    await page.screenshot({ path: join(shots, 'prefix.png'), fullPage: true });
  });

  it('draws the world map and the other views without errors', async () => {
    await page.goto(server.url + '/map');
    await page.locator('.empty-index').waitFor(); // no index stored: see index-browser.test.ts for the drawn map
    await page.screenshot({ path: join(shots, 'map.png') });
    await page.goto(server.url + '/index');
    await page.locator('.empty-index').waitFor();
    await page.screenshot({ path: join(shots, 'index-empty.png') });
    await page.goto(server.url + '/top');
    await page.locator('table caption', { hasText: 'Origin ASes' }).waitFor();
    await page.screenshot({ path: join(shots, 'top.png') });
    await page.goto(server.url + '/health');
    await page.getByText('Messages/s').waitFor();
    // The overload mode, what was shed and the lag as the server words it (not a count of seconds).
    await page.getByText('10 y 3 mo behind (replay: event time vs now)').waitFor();
    expect(await page.locator('dt', { hasText: 'Overload mode' }).locator('xpath=following-sibling::dd[1]').textContent()).toBe('shed');
    expect(await page.locator('dt', { hasText: /^Shed/ }).locator('xpath=following-sibling::dd[1]').textContent()).toBe('1,234');
    await page.screenshot({ path: join(shots, 'health.png') });
    await page.goto(server.url + '/sql');
    await page.getByRole('button', { name: 'Run query' }).click();
    await page.getByText(/rows in \d+ ms/).waitFor();
    await page.screenshot({ path: join(shots, 'sql.png') });
  });
});
