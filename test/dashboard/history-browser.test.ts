/**
 * The history charts in headless Chromium over a real store: the prefix timeline of a prefix
 * whose origin changes (AFRINIC AS, then APNIC AS, with fewer peers and a finding period), an
 * AS's announced space by registering RIR, a country's space by RIR from the index. Each chart
 * is checked on its SVG elements and on the pixels of its screenshot (test-output/dashboard/).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { openStore, type Store } from '../../analyzer/store/index.js';
import { asNameIndex } from '../../analyzer/asnames/index.js';
import { createDashboardServer, type DashboardServer } from '../../dashboard/server/index.js';
import { projectRoot } from '../../common/paths.js';
import { RIR_COLOURS, SEVERITY_COLOURS } from '../../dashboard/web/src/palette.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { browserSuite, buildWebUi, hasChromium, launchChromium } from '../helpers/browser.js';
import { decodePng, findColour } from '../helpers/png.js';
import { CHANGING_PREFIX, FIRST_ORIGIN, INDEX_DAYS, MOVING_AS, SECOND_ORIGIN, writeHistory } from './history-fixture.js';

const shots = join(projectRoot(), 'test-output', 'dashboard');

describe.skipIf(!hasChromium)(browserSuite('history charts in headless Chromium'), () => {
  let store: Store;
  let server: DashboardServer;
  let browser: BrowserContext;
  let page: Page;
  const errors: Error[] = [];

  beforeAll(async () => {
    const dir = makeTmpDir('dash-history-web');
    const webRoot = join(dir, 'web');
    buildWebUi(webRoot);
    store = await openStore({ db: join(dir, 'db') });
    await store.migrate();
    await writeHistory(store, dir);
    server = await createDashboardServer({ store, port: 0, webRoot, compactEveryMs: 0, asNames: asNameIndex([{ asn: SECOND_ORIGIN, name: 'CHINANET-BACKBONE', cc: 'CN' }]) });
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

  /** The chart's screenshot, kept for people, decoded for the test. */
  const shot = async (selector: string, name: string) => {
    const png = await page.locator(selector).screenshot();
    writeFileSync(join(shots, name), png);
    return decodePng(png);
  };

  it('prefix page: origin lanes coloured by registry, the change of origin in time order, fewer peers after it, the finding period', async () => {
    await page.goto(`${server.url}/prefix/${CHANGING_PREFIX}`);
    const svg = page.locator('svg#prefix-timeline');
    await svg.waitFor();
    const cells = (asn: number) => svg.locator(`rect.origin-cell[data-asn="${asn}"]`);
    expect(await cells(FIRST_ORIGIN).count()).toBeGreaterThan(0);
    expect(await cells(SECOND_ORIGIN).count()).toBeGreaterThan(0);
    expect(await cells(FIRST_ORIGIN).first().getAttribute('fill')).toBe(RIR_COLOURS.afrinic);
    expect(await cells(SECOND_ORIGIN).first().getAttribute('fill')).toBe(RIR_COLOURS.apnic);
    const xs = (asn: number) => cells(asn).evaluateAll((els) => els.map((e) => Number(e.getAttribute('x'))));
    expect(Math.max(...(await xs(FIRST_ORIGIN)))).toBeLessThan(Math.min(...(await xs(SECOND_ORIGIN))));
    await expect(svg.locator('text.lane-label').allTextContents()).resolves.toEqual(expect.arrayContaining([expect.stringContaining('CHINANET-BACKBONE')]));
    // Visibility: a step line that is higher (smaller y) while three peers announced than after, with two.
    const ys = await svg.locator('path.visibility').evaluate((p) => [...(p.getAttribute('d') ?? '').matchAll(/[ML][\d.]+,([\d.]+)/g)].map((m) => Number(m[1])));
    expect(ys.length).toBeGreaterThan(4);
    expect(ys[0]).toBeLessThan(ys[ys.length - 1]);
    const period = svg.locator('rect.finding-period');
    expect(await period.count()).toBe(1);
    expect(await period.getAttribute('fill')).toBe(SEVERITY_COLOURS.high);
    const periodX = Number(await period.getAttribute('x'));
    expect(periodX).toBeGreaterThanOrEqual(Math.min(...(await xs(SECOND_ORIGIN))) - 1);
    // Pixels: orange (AFRINIC origin) drawn left of green (APNIC origin); the period's red drawn.
    const px = await shot('svg#prefix-timeline', 'prefix-timeline.png');
    const orange = findColour(px, RIR_COLOURS.afrinic);
    const green = findColour(px, RIR_COLOURS.apnic);
    expect(orange.count).toBeGreaterThan(200);
    expect(green.count).toBeGreaterThan(200);
    expect(orange.maxX).toBeLessThan(green.minX + 2);
    expect(findColour(px, SEVERITY_COLOURS.high).count).toBeGreaterThan(100);
    expect(errors).toEqual([]);
  });

  it('ASN page: announced space by registering RIR per day (AFRINIC, then APNIC)', async () => {
    await page.goto(`${server.url}/asn/${MOVING_AS}`);
    const svg = page.locator('svg#asn-history-v4');
    await svg.waitFor();
    const bars = await svg.locator('rect.bar').evaluateAll((els) => els.map((e) => [e.getAttribute('data-day'), e.getAttribute('data-rir'), Number(e.getAttribute('data-value'))]));
    expect(bars.filter(([day]) => INDEX_DAYS.includes(String(day)))).toEqual([
      [INDEX_DAYS[0], 'afrinic', 2 * 65536],
      [INDEX_DAYS[1], 'apnic', 65536],
      [INDEX_DAYS[2], 'apnic', 65536],
    ]);
    const px = await shot('svg#asn-history-v4', 'asn-history.png');
    const orange = findColour(px, RIR_COLOURS.afrinic);
    const green = findColour(px, RIR_COLOURS.apnic);
    expect(orange.count).toBeGreaterThan(200);
    expect(green.count).toBeGreaterThan(200);
    expect(orange.maxX).toBeLessThan(green.minX);
    expect(errors).toEqual([]);
  });

  it('country page: space used in HK by registering RIR per day from the index (RIPE NCC gone on the middle day)', async () => {
    await page.goto(`${server.url}/country/HK`);
    const svg = page.locator('svg#country-history-chart');
    await svg.waitFor();
    const days = (rir: string) => svg.locator(`rect.bar[data-rir="${rir}"]`).evaluateAll((els) => els.map((e) => e.getAttribute('data-day')));
    await expect(days('afrinic')).resolves.toEqual(INDEX_DAYS);
    await expect(days('ripencc')).resolves.toEqual([INDEX_DAYS[0], INDEX_DAYS[2]]);
    const px = await shot('svg#country-history-chart', 'country-history.png');
    expect(findColour(px, RIR_COLOURS.ripencc).count).toBeGreaterThan(200);
    expect(findColour(px, RIR_COLOURS.afrinic).count).toBeGreaterThan(100);
    await page.screenshot({ path: join(shots, 'country-history-page.png'), fullPage: true });
    // The family is page state: choosing IPv6 goes into the URL, and HK has no IPv6 space in the index.
    await page.selectOption('#c-family', '6');
    await page.waitForURL(/family=6/);
    await page.locator('#country-history h2', { hasText: 'IPv6' }).waitFor();
    expect(await page.locator('#country-history svg').count()).toBe(0);
    expect(await page.inputValue('#c-family')).toBe('6');
    expect(errors).toEqual([]);
  });

  it('the charts hold on a 390 px phone and in dark mode', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(`${server.url}/prefix/${CHANGING_PREFIX}`);
    const svg = page.locator('svg#prefix-timeline');
    await svg.waitFor();
    const box = await svg.boundingBox();
    expect(box!.width).toBeLessThanOrEqual(390);
    // The page does not scroll sideways (wide tables scroll inside their own box).
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    const px = decodePng(await page.screenshot({ path: join(shots, 'prefix-timeline-390-dark.png'), fullPage: false }));
    expect(findColour(px, RIR_COLOURS.afrinic).count).toBeGreaterThan(20);
    expect(findColour(px, RIR_COLOURS.apnic).count).toBeGreaterThan(20);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(errors).toEqual([]);
  });

  it('a country without index data says what to run instead of drawing an empty chart', async () => {
    await page.goto(`${server.url}/country/FJ`);
    await page.locator('#country-history p.note').waitFor();
    await expect(page.locator('#country-history').textContent()).resolves.toMatch(/portolan index build/);
    expect(await page.locator('#country-history svg').count()).toBe(0);
  });
});
