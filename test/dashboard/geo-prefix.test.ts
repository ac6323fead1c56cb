/** The prefix page API with several geolocation databases: each one's answer side by side; null with one. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { createClassifier } from '../../analyzer/classify/index.js';
import { openGeo } from '../../analyzer/geo/index.js';
import { loadRegistry } from '../../analyzer/registry/index.js';
import { openStore, type Store } from '../../analyzer/store/index.js';
import { createDashboardServer, type DashboardServer } from '../../dashboard/server/index.js';
import type { AnalysisParts } from '../../dashboard/server/types.js';
import { writeFixture } from '../analyzer/classify/fixture.js';
import { writeMmdb } from '../helpers/mmdb-writer.js';
import { makeTmpDir } from '../helpers/tmp.js';

const dir = makeTmpDir('dash-geo');
let store: Store;
let server: DashboardServer;
let parts: AnalysisParts | null = null;
const prefixPage = async (prefix: string) => (await fetch(`${server.url}/api/prefix/${prefix}`)).json() as Promise<Record<string, any>>;

beforeAll(async () => {
  store = await openStore({ db: join(dir, 'db') });
  await store.migrate();
  server = await createDashboardServer({ store, port: 0, host: '127.0.0.1', webRoot: join(dir, 'no-web'), analysis: () => parts });
});

afterAll(async () => {
  await server?.close();
  await store?.close();
});

describe('prefix page with several geolocation databases', () => {
  it('shows each database side by side with the agreement; null with one database', async () => {
    const { files, mmdb } = writeFixture(dir);
    const other = join(dir, 'other.mmdb');
    writeFileSync(other, writeMmdb([{ prefix: '41.2.0.0/16', data: { country_code: 'ZA' } }], { ipVersion: 6, recordSize: 24 }));
    const registry = await loadRegistry({ files });
    const primary = await openGeo(mmdb);
    parts = { registry, geo: primary, classifier: createClassifier({ registry, geo: primary }) };
    expect((await prefixPage('41.2.0.0/16')).geoDatabases).toBeNull();
    const geoSources = [{ name: 'fixture', geo: primary, echo: false }, { name: 'other', geo: await openGeo(other), echo: false }];
    parts = { registry, geo: primary, classifier: createClassifier({ registry, geo: primary, geoSources }) };
    const page = await prefixPage('41.2.0.0/16');
    expect(page.geoDatabases).toMatchObject({ confidence: 'disputed', agreement: 0, independent: 2 });
    expect(page.geoDatabases.opinions.map((o: { db: string; mainCountry: string }) => [o.db, o.mainCountry])).toEqual([['fixture', 'SG'], ['other', 'ZA']]);
    expect(page.classification.geoConfidence).toBe('disputed');
  });
});
