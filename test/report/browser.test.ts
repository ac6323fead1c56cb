/**
 * report.html in headless Chromium: opened from file://, it makes no request but for itself,
 * its two charts draw one line per RIR, and a full-page screenshot goes to test-output/report/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, type Page } from 'playwright-core';
import { openStore } from '../../analyzer/store/index.js';
import { writePortabilityIndex } from '../../analyzer/store/portability.js';
import { loadReportData } from '../../analyzer/report/load.js';
import { reportHtml } from '../../analyzer/report/html.js';
import type { ReportData } from '../../analyzer/report/types.js';
import { projectRoot } from '../../common/paths.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { buildIndexes } from './fixture.js';
import { browserSuite, hasChromium, launchChromium } from '../helpers/browser.js';

const shots = join(projectRoot(), 'test-output', 'report');

describe.skipIf(!hasChromium)(browserSuite('report.html in headless Chromium'), () => {
  const dir = makeTmpDir('report-web');
  const file = join(dir, 'out', 'report.html');
  let data: ReportData;
  let browser: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    const indexes = await buildIndexes(dir);
    const store = await openStore({ db: join(dir, 'db') });
    try {
      await store.migrate();
      let t = Date.parse('2024-03-04T00:00:00Z');
      for (const index of indexes) await writePortabilityIndex(store.client, index, (t += 1000));
      data = (await loadReportData(store.client, {})) as ReportData;
    } finally {
      await store.close();
    }
    mkdirSync(join(dir, 'out'), { recursive: true });
    writeFileSync(file, reportHtml(data));
    mkdirSync(shots, { recursive: true });
    browser = await launchChromium(join(dir, 'chrome'), { width: 1100, height: 900 });
    page = await browser.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('loads with no request but the file itself, and no script', async () => {
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    await page.waitForTimeout(300);
    expect(requests).toEqual([pathToFileURL(file).href]);
    expect(errors).toEqual([]);
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.title()).toContain('2024-03-01 to 2024-03-03');
  });

  it('draws each chart with one line per RIR, each with data', async () => {
    for (const family of ['ipv4', 'ipv6']) {
      const svg = page.locator(`svg#svg-${family}`);
      expect(await svg.isVisible()).toBe(true);
      const box = await svg.boundingBox();
      expect(box && box.width > 400 && box.height > 150).toBe(true);
      const series = svg.locator('g.series');
      expect(await series.count()).toBe(5);
      for (let i = 0; i < 5; i++) {
        const path = series.nth(i).locator('path.line');
        expect(await path.count(), `${family} series ${i}`).toBe(1);
        // A drawn line: a real length, inside the plot.
        const length = await path.evaluate((p) => (p as SVGPathElement).getTotalLength());
        expect(length).toBeGreaterThan(0);
        expect(await series.nth(i).locator('circle.point').count()).toBe(3);
      }
      expect(await svg.locator('.direct-labels text').count()).toBe(5);
      expect(await svg.locator('.legend text').allTextContents()).toEqual(['AFRINIC', 'APNIC', 'ARIN', 'LACNIC', 'RIPE NCC']);
    }
  });

  it('takes a full-page screenshot, and prints', async () => {
    const png = join(shots, 'report.png');
    await page.screenshot({ path: png, fullPage: true });
    expect(statSync(png).size).toBeGreaterThan(20_000);
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: join(shots, 'report-print.png'), fullPage: true });
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.length).toBeGreaterThan(10_000);
    writeFileSync(join(shots, 'report.pdf'), pdf);
  });
});
