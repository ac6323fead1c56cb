/**
 * The dashboard over a store built from a real file, in headless Chromium: `portolan ingest` of a
 * RIS updates file (with the RIR files of its era), AS names from the potaroo list; then the
 * prefix timeline of a prefix whose origin changes in the file, and a URL with filters and a sort
 * that restores the top list. Skipped without ../shared/data or Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { openStore, type Store } from '../../analyzer/store/index.js';
import { loadAsNames } from '../../analyzer/asnames/index.js';
import { createDashboardServer, type DashboardServer } from '../../dashboard/server/index.js';
import { projectRoot } from '../../common/paths.js';
import { RIR_COLOURS } from '../../dashboard/web/src/palette.js';
import { runCli } from '../helpers/cli.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../helpers/shared-data.js';
import { browserSuite, buildWebUi, hasChromium, launchChromium } from '../helpers/browser.js';
import { decodePng, findColour } from '../helpers/png.js';

const shots = join(projectRoot(), 'test-output', 'dashboard');
const UPDATES = sharedData('mrt', 'bgpdump-testdata', 'updates.20160811.1600.gz');

describe.skipIf(!hasSharedData || !hasChromium)(browserSuite(`dashboard over a store from a real file (${sharedDataSkipReason})`), { timeout: 300_000 }, () => {
  let store: Store;
  let server: DashboardServer;
  let browser: BrowserContext;
  let page: Page;
  let changing: { prefix: string; origins: number[]; rirs: string[] };
  const errors: Error[] = [];

  beforeAll(async () => {
    const dir = makeTmpDir('dash-real');
    const rirDir = join(dir, 'rir');
    mkdirSync(rirDir);
    for (const rir of ['afrinic', 'apnic', 'lacnic', 'ripencc']) symlinkSync(sharedData('rir', '2014-07-01', `delegated-${rir}-latest.gz`), join(rirDir, `delegated-${rir}-latest.gz`));
    symlinkSync(sharedData('rir', '2013-08-13', 'delegated-arin-latest.gz'), join(rirDir, 'delegated-arin-latest.gz'));
    const db = join(dir, 'db');
    const ingest = await runCli(['ingest', '--rir-dir', rirDir, '--db', db, '--log-level', 'warn', UPDATES]);
    expect(ingest.code, ingest.stderr).toBe(0);
    const webRoot = join(dir, 'web');
    buildWebUi(webRoot);
    store = await openStore({ db });
    await store.migrate();
    // The prefix whose origin changed most often in the file, with the registries its origins had.
    const rows = (await (
      await store.client.query({
        query: `SELECT prefix, groupArray(origin_asn) AS origins, groupArray(origin_rir) AS rirs FROM (
                  SELECT prefix, origin_asn, argMax(origin_rir, time) AS origin_rir, min(time) AS first FROM route_events
                  WHERE elem_type = 'announce' AND origin_asn IS NOT NULL GROUP BY prefix, origin_asn ORDER BY prefix, first)
                GROUP BY prefix HAVING length(origins) >= 2 AND length(arrayDistinct(rirs)) >= 2 ORDER BY length(origins) DESC, prefix LIMIT 1`,
        format: 'JSONEachRow',
      })
    ).json()) as Array<{ prefix: string; origins: number[]; rirs: string[] }>;
    expect(rows.length, 'the file has a prefix announced by origins of two registries').toBe(1);
    changing = rows[0];
    server = await createDashboardServer({ store, port: 0, webRoot, compactEveryMs: 0, asNames: loadAsNames(sharedData('asn-names', 'potaroo-asn-20260120.txt.gz')) });
    mkdirSync(shots, { recursive: true });
    writeFileSync(join(shots, 'real-prefix.txt'), `${changing.prefix} ${changing.origins.join(',')} ${changing.rirs.join(',')}\n`);
    browser = await launchChromium(join(dir, 'chrome'), { width: 1280, height: 900 });
    page = await browser.newPage();
    page.on('pageerror', (err) => errors.push(err));
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await store?.close();
  });

  it('the prefix timeline draws a lane per origin, coloured by each origin’s registry, with names', async () => {
    await page.goto(`${server.url}/prefix/${changing.prefix}`);
    const svg = page.locator('svg#prefix-timeline');
    await svg.waitFor();
    const drawn = await svg.locator('rect.origin-cell').evaluateAll((els) => [...new Set(els.map((e) => `${e.getAttribute('data-asn')}|${e.getAttribute('data-rir')}`))]);
    expect(drawn.sort()).toEqual(changing.origins.map((a, i) => `${a}|${changing.rirs[i] || 'unknown'}`).sort());
    expect(await svg.locator('text.lane-label').count()).toBe(changing.origins.length);
    const labels = (await svg.locator('text.lane-label').allTextContents()).join(' ');
    expect(labels).toMatch(/AS\d+ [A-Z]/); // at least one origin named from the potaroo list
    // Every cell inside the plot: none drawn over the lane labels.
    const left = await svg.locator('rect.lane').first().getAttribute('x');
    const xs = await svg.locator('rect.origin-cell').evaluateAll((els) => els.map((e) => Number(e.getAttribute('x'))));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(Number(left));
    const png = await svg.screenshot({ path: join(shots, 'real-prefix-timeline.png') });
    const px = decodePng(png);
    for (const r of new Set(changing.rirs.filter(Boolean))) expect(findColour(px, RIR_COLOURS[r]).count, r).toBeGreaterThan(20);
    expect(errors).toEqual([]);
  });

  it('a URL with filters and a sort restores the top list', async () => {
    await page.goto(`${server.url}/top?list=prefixes&from=2016-08-11T00:00Z&s.prefixes=-addresses`);
    await page.locator('table.sortable').waitFor();
    await expect(page.locator('.tabs a[aria-current="true"]').textContent()).resolves.toBe('Prefixes');
    expect(await page.inputValue('#t-from')).toBe('2016-08-11T00:00');
    await expect(page.locator('th[aria-sort="descending"]').textContent()).resolves.toContain('Addresses');
    await page.screenshot({ path: join(shots, 'real-top-prefixes.png'), fullPage: false });
    expect(errors).toEqual([]);
  });
});
