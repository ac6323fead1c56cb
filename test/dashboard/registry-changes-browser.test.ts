import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type BrowserContext, type Page } from 'playwright-core';
import { openStore, type Store } from '../../analyzer/store/index.js';
import { writeChangeRouting, writeDiffFiles, writeRegistryChanges } from '../../analyzer/registry/changes-store.js';
import { createDashboardServer, type DashboardServer } from '../../dashboard/server/index.js';
import { projectRoot } from '../../common/paths.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { DIFF_2023, DIFF_2024 } from './registry-changes-fixture.js';
import { browserSuite, buildWebUi, hasChromium, launchChromium } from '../helpers/browser.js';

const shots = join(projectRoot(), 'test-output', 'dashboard');

describe.skipIf(!hasChromium)(browserSuite('registry changes page in headless Chromium'), () => {
  let store: Store;
  let server: DashboardServer;
  let browser: BrowserContext;
  let page: Page;
  const errors: Error[] = [];

  beforeAll(async () => {
    const dir = makeTmpDir('dash-registry-web');
    const webRoot = join(dir, 'web');
    buildWebUi(webRoot);
    store = await openStore({ db: join(dir, 'db') });
    await store.migrate();
    server = await createDashboardServer({ store, port: 0, webRoot, compactEveryMs: 0, cacheTtlMs: 0 });
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

  it('with nothing stored, says what to run', async () => {
    await page.goto(server.url + '/registry-changes');
    await page.locator('.empty-state').first().waitFor();
    expect(await page.locator('.empty-state').first().textContent()).toMatch(/portolan registry diff --store/);
    await page.screenshot({ path: join(shots, 'registry-changes-empty.png'), fullPage: true });
  });

  it('lists the events, linked to their prefix pages, and the flows per year with each RIR’s net', async () => {
    const t = Date.UTC(2024, 0, 6);
    await writeRegistryChanges(store.client, '2022-12-01', '2023-01-05', DIFF_2023, t);
    await writeRegistryChanges(store.client, '2023-01-05', '2024-01-05', DIFF_2024, t + 1000);
    // Through the nav link, as a user would.
    await page.goto(server.url + '/');
    await page.locator('nav a[href="/registry-changes"]').click();
    await page.locator('table.sortable tbody tr').first().waitFor();
    const rows = await page.locator('table.sortable tbody tr').count();
    expect(rows).toBe(DIFF_2023.length + DIFF_2024.length);
    const links = await page.locator('table.sortable tbody a[href^="/prefix/"]').evaluateAll((els) => els.map((e) => e.getAttribute('href')));
    expect(links).toContain('/prefix/100.64.0.0/22');
    expect(links).toContain('/prefix/198.51.100.0/25');
    expect(links).toContain('/prefix/2001:db8::/32');
    // The matrices: one per year; ARIN → APNIC 192 addresses in 2023.
    expect(await page.locator('table.flows').count()).toBe(2);
    expect(await page.locator('table.flows[data-year="2023"] td[data-from="arin"][data-to="apnic"]').getAttribute('data-value')).toBe('192');
    expect(await page.locator('table.flows[data-year="2024"] td[data-from="ripencc"][data-to="apnic"]').getAttribute('data-value')).toBe('1024');
    // Net flow: APNIC +768 in 2024, RIPE NCC −1024 + 0.
    const net = await page.locator('table.net-flows tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.querySelector('th')?.textContent, ...Array.from(tr.querySelectorAll('td')).map((td) => `${td.getAttribute('data-rir')}=${td.getAttribute('data-net')}`)]));
    expect(net).toContainEqual(['2024', 'afrinic=0', 'apnic=768', 'arin=256', 'lacnic=0', 'ripencc=-1024']);
    await page.screenshot({ path: join(shots, 'registry-changes.png'), fullPage: true });
  });

  it('filters by kind, RIR and snapshot dates; a range links to its prefix page', async () => {
    await page.selectOption('#rc-kind', 'moved');
    await page.selectOption('#rc-rir', 'arin');
    await page.click('form.filters button[type=submit]');
    await page.waitForURL(/kind=moved/);
    await page.waitForFunction(() => document.querySelectorAll('table.sortable tbody tr').length === 2);
    const ranges = await page.locator('table.sortable tbody tr td:nth-child(3)').allTextContents();
    expect(ranges.sort()).toEqual(['100.65.0.0/24', '198.51.100.0 – 198.51.100.191']);
    await page.screenshot({ path: join(shots, 'registry-changes-filtered.png'), fullPage: true });
    // Snapshots from 2024 only: the 2023 move leaves the list.
    await page.fill('#rc-from', '2024-01-01');
    await page.click('form.filters button[type=submit]');
    await page.waitForURL(/from=2024-01-01/);
    await page.waitForFunction(() => document.querySelectorAll('table.sortable tbody tr').length === 1);
    expect(await page.locator('table.sortable tbody tr td:nth-child(3)').allTextContents()).toEqual(['100.65.0.0/24']);
    await page.locator('table.sortable tbody a[href="/prefix/100.65.0.0/24"]').click();
    await page.waitForURL(/\/prefix\/100\.65\.0\.0\/24$/);
  });

  it('shows each change’s routing before and after, filters on routed space, and warns about stale files', async () => {
    const t = Date.UTC(2024, 0, 7);
    const side = (country: string, origin: number) => ({ routing: 'routed' as const, prefixes: ['100.64.0.0/22'], prefix_count: 1, origins: [origin], origin_rirs: ['ripencc'], usage_regions: [], countries: [country], routed_addresses: 1024 });
    const none = { routing: 'unrouted' as const, prefixes: [], prefix_count: 0, origins: [], origin_rirs: [], usage_regions: [], countries: [], routed_addresses: 0 };
    const routing = DIFF_2024.map((_, i) => (i === 0 ? { from: side('NL', 64500), to: side('SG', 64511), summary: 'routed before and after; origin AS64500 → AS64511; used in NL before, SG after' } : { from: none, to: none, summary: 'not routed' }));
    await writeChangeRouting(store.client, '2023-01-05', '2024-01-05', DIFF_2024, routing, t);
    await writeDiffFiles(store.client, '2023-01-05', '2024-01-05', [{ rir: 'lacnic', compared: true, from_file_date: '2023-01-05', to_file_date: '2023-12-20', from_age_days: 0, to_age_days: 16, stale_from: false, stale_to: true }], { events: DIFF_2024, maxAgeDays: 3, routingFromKnown: true, routingToKnown: true, computedAt: t });
    await page.goto(server.url + '/registry-changes?routed=1');
    await page.waitForFunction(() => document.querySelectorAll('table.sortable tbody tr').length === 1);
    const cells = await page.locator('table.sortable tbody tr td').allTextContents();
    expect(cells).toContain('routed before and after; origin AS64500 → AS64511; used in NL before, SG after (AS64500, AS64511)');
    expect(await page.locator('table.sortable tbody a[href="/asn/64511"]').count()).toBe(1);
    expect(await page.locator('#rc-routed').inputValue()).toBe('1');
    const stale = await page.locator('.stale-files').textContent();
    expect(stale).toContain('2023-01-05 → 2024-01-05');
    expect(stale).toMatch(/LACNIC.*its file for 2024-01-05 is from 2023-12-20 \(16 days older\)/);
    await page.screenshot({ path: join(shots, 'registry-changes-routing.png'), fullPage: true });
  });
});
