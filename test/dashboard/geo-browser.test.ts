/**
 * Several geolocation databases in headless Chromium: the prefix page shows each database's
 * answer side by side (a registry echo marked as not counted), and the matrix's Geolocation select
 * switches to the confirmed-only count and keeps it in the URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BrowserContext, type Page } from 'playwright-core';
import { createClassifier } from '../../analyzer/classify/index.js';
import { AgreementWalk } from '../../analyzer/geo/agreement.js';
import { openGeo } from '../../analyzer/geo/index.js';
import { computePortabilityIndex } from '../../analyzer/accounting/portability.js';
import { loadRegistry } from '../../analyzer/registry/index.js';
import { PrefixState } from '../../analyzer/state/index.js';
import { openStore, type Store } from '../../analyzer/store/index.js';
import { writePortabilityIndex } from '../../analyzer/store/portability.js';
import type { PortabilityIndex } from '../../analyzer/models/accounting.js';
import { createDashboardServer, type DashboardServer } from '../../dashboard/server/index.js';
import type { AnalysisParts } from '../../dashboard/server/types.js';
import { writeFixture } from '../analyzer/classify/fixture.js';
import { browserSuite, buildWebUi, hasChromium, launchChromium } from '../helpers/browser.js';
import { writeMmdb } from '../helpers/mmdb-writer.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { BASE_ROUTES, FILTERS, writeIndexWorld } from './index-fixture.js';

const DATE = '2024-03-04';

describe.skipIf(!hasChromium)(browserSuite('several geolocation databases in headless Chromium'), () => {
  let store: Store;
  let server: DashboardServer;
  let browser: BrowserContext;
  let page: Page;
  let index: PortabilityIndex;
  const errors: Error[] = [];

  beforeAll(async () => {
    const dir = makeTmpDir('dash-geo-web');
    const webRoot = join(dir, 'web');
    buildWebUi(webRoot);
    // The prefix page: the classifier's fixture, a second database that disagrees on 41.2.0.0/16, and a registry echo.
    mkdirSync(join(dir, 'classify'));
    const { files, mmdb } = writeFixture(join(dir, 'classify'));
    const other = join(dir, 'other.mmdb');
    writeFileSync(other, writeMmdb([{ prefix: '41.2.0.0/16', data: { country_code: 'ZA' } }], { ipVersion: 6, recordSize: 24 }));
    const echo = join(dir, 'geo-whois-asn-country.mmdb');
    writeFileSync(echo, writeMmdb([{ prefix: '41.2.0.0/16', data: { country_code: 'MU' } }], { ipVersion: 6, recordSize: 24 }));
    const registry = await loadRegistry({ files });
    const primary = await openGeo(mmdb);
    const geoSources = [
      { name: 'fixture', geo: primary, echo: false },
      { name: 'other', geo: await openGeo(other), echo: false },
      { name: 'geo-whois-asn-country', geo: await openGeo(echo), echo: true },
    ];
    const parts: AnalysisParts = { registry, geo: primary, classifier: createClassifier({ registry, geo: primary, geoSources }) };

    // The index: the index world's database, and a second one that puts all IPv4 space in the US.
    const world = await writeIndexWorld(dir);
    const us = join(dir, 'all-us.mmdb');
    writeFileSync(us, writeMmdb([{ prefix: '0.0.0.0/0', data: { country_code: 'US' } }], { ipVersion: 6, recordSize: 24, databaseType: 'all-us', buildEpoch: Date.UTC(2024, 1, 2) / 1000 }));
    const state = new PrefixState();
    const at = Date.parse(`${DATE}T23:00:00Z`) / 1000;
    for (const peer of ['192.0.2.1', '192.0.2.2']) {
      for (const [prefix, origin] of BASE_ROUTES) {
        state.apply(
          { timestamp: at, elem_type: 'announce', peer_ip: peer, peer_asn: 64496, prefix, next_hop: peer, as_path: [{ type: 'AS_SEQUENCE', asns: [64496, origin] }], origin_asns: [origin], origin: 'IGP', atomic: false, collector: 'rrc00' },
          () => ({ severity: 'none', kinds: [], geo: [], geoSubkind: null, visibility: 0 }) as never,
        );
      }
    }
    const agreement = new AgreementWalk([
      { name: 'dbip-country-test', geo: world.geo },
      { name: 'all-us', geo: await openGeo(us) },
    ]);
    index = computePortabilityIndex({ table: state, registry: world.registry, geo: world.geo, agreement, filters: FILTERS, date: DATE, snapshotAt: at, source: { kind: 'files', files: ['test'], peers: 2, elements: 0 } });

    store = await openStore({ db: join(dir, 'db') });
    await store.migrate();
    await writePortabilityIndex(store.client, index, Date.parse(`${DATE}T23:30:00Z`));
    server = await createDashboardServer({ store, port: 0, webRoot, compactEveryMs: 0, analysis: () => parts });
    browser = await launchChromium(join(dir, 'chrome'), { width: 1280, height: 900 });
    page = await browser.newPage();
    page.on('pageerror', (err) => errors.push(err));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await store?.close();
  });

  it('the prefix page lists each database with its main country and region, the echo marked as not counted', async () => {
    await page.goto(server.url + '/prefix/41.2.0.0/16');
    const table = page.locator('table', { has: page.locator('caption', { hasText: 'Databases side by side' }) });
    await table.waitFor();
    await expect(table.locator('caption').textContent()).resolves.toMatch(/agreement 0(\.0)?\s*%, disputed/);
    const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => (td.textContent ?? '').trim())));
    expect(rows.map((r) => [r[0], r[1], r[2]])).toEqual([
      ['fixture', expect.stringContaining('SG'), expect.stringMatching(/APNIC/i)],
      ['other', expect.stringContaining('ZA'), expect.stringMatching(/AFRINIC/i)],
      ['geo-whois-asn-country (registry echo, not counted)', expect.stringContaining('MU'), expect.stringMatching(/AFRINIC/i)],
    ]);
    expect(errors).toEqual([]);
  });

  it('the matrix switches to confirmed geolocation with the select, keeps it in the URL, and says what it counts', async () => {
    await page.goto(server.url + '/matrix');
    await page.locator('#flow-matrix').waitFor();
    const cells = async () =>
      page.locator('#flow-matrix td.cell').evaluateAll((tds) => tds.map((td) => [td.getAttribute('data-rir'), td.getAttribute('data-region'), Number(td.getAttribute('data-value'))] as [string, string, number]));
    const all = await cells();
    await page.selectOption('#index-confidence', 'confirmed');
    await page.waitForURL(/confidence=confirmed/);
    await page.locator('#confidence-note').waitFor();
    await expect(page.locator('#confidence-note').textContent()).resolves.toMatch(/dbip-country-test .*all-us \(all-us 2024-02-02\)/);
    await page.locator('#flow-matrix').waitFor();
    const confirmed = await cells();
    const sum = (c: Array<[string, string, number]>) => c.reduce((s, x) => s + x[2], 0);
    // Same routed space; only the ARIN column (where the all-US database can agree) and unknown hold any.
    expect(sum(confirmed)).toBe(sum(all));
    expect(confirmed.filter(([, g, v]) => v > 0 && g !== 'arin' && g !== 'unknown')).toEqual([]);
    expect(confirmed.filter(([, g]) => g === 'arin')).toEqual(all.filter(([, g]) => g === 'arin'));
    expect(sum(all.filter(([, g]) => g !== 'arin' && g !== 'unknown'))).toBeGreaterThan(0);
    // A cell link carries the scope; reloading keeps the select on confirmed.
    expect(await page.locator('#flow-matrix td.cell a').first().getAttribute('href')).toMatch(/confidence=confirmed/);
    await page.reload();
    await page.locator('#flow-matrix').waitFor();
    await expect(page.locator('#index-confidence').inputValue()).resolves.toBe('confirmed');
    expect(errors).toEqual([]);
  });
});
