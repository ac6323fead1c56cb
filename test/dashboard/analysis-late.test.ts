import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createClassifier } from '../../analyzer/classify/index.js';
import { openGeo } from '../../analyzer/geo/index.js';
import { loadRegistry } from '../../analyzer/registry/index.js';
import { openStore, type Store } from '../../analyzer/store/index.js';
import { createDashboardServer, type DashboardServer } from '../../dashboard/server/index.js';
import type { AnalysisParts } from '../../dashboard/server/types.js';
import { writeFixture } from '../analyzer/classify/fixture.js';
import { makeTmpDir } from '../helpers/tmp.js';

const dir = makeTmpDir('dash-late');
let store: Store;
let server: DashboardServer;
/** What `run` has loaded so far: nothing, as after a start without internet. */
let loaded: AnalysisParts | null = null;

const prefixPage = async (prefix: string) => (await fetch(`${server.url}/api/prefix/${prefix}`)).json() as Promise<Record<string, any>>;

beforeAll(async () => {
  store = await openStore({ db: join(dir, 'db') });
  await store.migrate();
  server = await createDashboardServer({ store, port: 0, host: '127.0.0.1', webRoot: join(dir, 'no-web'), analysis: () => loaded });
});

afterAll(async () => {
  await server?.close();
  await store?.close();
});

describe('dashboard with a registry loaded after the start', () => {
  it('prefix pages say what is missing, then use the registry, geo and classifier as soon as they load', async () => {
    const before = await prefixPage('41.1.0.0/16');
    expect(before.registry).toBeNull();
    expect(before.classification).toBeNull();
    expect(before.notes.join(' ')).toMatch(/Registry .* not loaded/);

    const { files, mmdb } = writeFixture(dir);
    const registry = await loadRegistry({ files });
    const geo = await openGeo(mmdb);
    loaded = { registry, geo, classifier: createClassifier({ registry, geo }) };

    const after = await prefixPage('41.1.0.0/16');
    expect(after.notes.join(' ')).not.toMatch(/not loaded/);
    expect(after.registry.records[0].record).toMatchObject({ rir: 'afrinic', cc: 'SC' });
    expect(after.classification.kinds).toContain('geo-out-of-region');
    expect(after.geo.countries.map((g: { cc: string }) => g.cc)).toContain('HK');
  });
});
