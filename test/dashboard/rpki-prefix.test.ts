/** The prefix page API with RPKI data: the covering ROAs' trust anchors and each stored origin's ROV state; null without. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { createClassifier } from '../../analyzer/classify/index.js';
import { openGeo } from '../../analyzer/geo/index.js';
import { loadRegistry } from '../../analyzer/registry/index.js';
import { loadVrps } from '../../analyzer/rpki/index.js';
import { openStore, type Store } from '../../analyzer/store/index.js';
import { createDashboardServer, type DashboardServer } from '../../dashboard/server/index.js';
import type { AnalysisParts } from '../../dashboard/server/types.js';
import { writeFixture } from '../analyzer/classify/fixture.js';
import { makeTmpDir } from '../helpers/tmp.js';

const dir = makeTmpDir('dash-rpki');
let store: Store;
let server: DashboardServer;
let parts: AnalysisParts | null = null;
const prefixPage = async (prefix: string) => (await fetch(`${server.url}/api/prefix/${prefix}`)).json() as Promise<Record<string, any>>;

beforeAll(async () => {
  store = await openStore({ db: join(dir, 'db') });
  await store.migrate();
  const w = store.createWriter({ batchSize: 10, flushIntervalMs: 0, spoolDir: join(dir, 'spool') });
  for (const [i, origin] of [4134, 4135].entries()) {
    await w.writeEvent(
      { timestamp: 1_700_000_000 + i, collector: 'rrc00', peer_ip: '192.0.2.1', peer_asn: 64496, elem_type: 'announce', prefix: '41.1.0.0/16', as_path: [{ type: 'AS_SEQUENCE', asns: [64496, origin] }], origin_asns: [origin], atomic: false },
      null,
    );
  }
  await w.flush();
  await w.close();
  server = await createDashboardServer({ store, port: 0, host: '127.0.0.1', webRoot: join(dir, 'no-web'), analysis: () => parts });
});

afterAll(async () => {
  await server?.close();
  await store?.close();
});

describe('prefix page with RPKI', () => {
  it('no RPKI data: rpki is null', async () => {
    const { files, mmdb } = writeFixture(dir);
    const registry = await loadRegistry({ files });
    const geo = await openGeo(mmdb);
    parts = { registry, geo, classifier: createClassifier({ registry, geo }) };
    expect((await prefixPage('41.1.0.0/16')).rpki).toBeNull();
    const vrpFile = join(dir, 'vrps.json');
    writeFileSync(vrpFile, JSON.stringify({ roas: [{ asn: 4134, prefix: '41.1.0.0/16', maxLength: 24, ta: 'apnic' }] }));
    parts = { registry, geo, classifier: createClassifier({ registry, geo, rpki: await loadVrps(vrpFile) }) };
    const page = await prefixPage('41.1.0.0/16');
    expect(page.rpki.tas).toEqual(['apnic']);
    expect(page.rpki.origins.sort((a: { asn: number }, b: { asn: number }) => a.asn - b.asn)).toEqual([
      { asn: 4134, rov: 'valid' },
      { asn: 4135, rov: 'invalid-origin' },
    ]);
    expect(page.classification.kinds).toContain('rpki-rir-mismatch');
  });
});
