/** Several geolocation databases in a real store: consensus confidence and agreement on events, each database's answer on finding events (migration 8). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore, type Store } from '../../../analyzer/store/index.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { dataset } from '../store/fixtures.js';

const dir = makeTmpDir('geo-store');
let store: Store;

beforeAll(async () => {
  store = await openStore({ db: join(dir, 'db') });
  await store.migrate();
});
afterAll(async () => store?.close());

describe('geo consensus in the store', () => {
  it('route and finding events keep the confidence, agreement and per-database answers; one database leaves them empty', async () => {
    const [a, b] = dataset(14).filter((x) => x.finding);
    const w = store.createWriter({ batchSize: 100, flushIntervalMs: 0, spoolDir: join(dir, 'spool') });
    const several = {
      ...a.finding!,
      geoConfidence: 'majority' as const,
      geoAgreement: 0.5,
      geoDatabases: { agreeing: 2, independent: 3 },
      geoAnswers: [{ db: 'dbip', cc: 'HK', echo: false }, { db: 'geolite2', cc: 'SG', echo: false }, { db: 'geo-whois-asn-country', cc: null, echo: true }],
    };
    await w.writeEvent({ ...a.event, collector: 'geo' }, several);
    await w.writeEvent({ ...b.event, collector: 'geo' }, b.finding);
    await w.writeLifecycle({ type: 'finding-started', time: a.event.timestamp, finding: several });
    await w.flush();
    await w.close();
    const events = (await store.readonlySql("SELECT geo_confidence, geo_agreement FROM route_events FINAL WHERE collector = 'geo' ORDER BY time")).rows;
    expect(events).toEqual([{ geo_confidence: 'majority', geo_agreement: 0.5 }, { geo_confidence: '', geo_agreement: null }]);
    const lc = (await store.readonlySql("SELECT geo_confidence, geo_databases, geo_database_countries, geo_database_echo FROM finding_events FINAL WHERE type = 'finding-started'")).rows;
    expect(lc).toEqual([{ geo_confidence: 'majority', geo_databases: ['dbip', 'geolite2', 'geo-whois-asn-country'], geo_database_countries: ['HK', 'SG', ''], geo_database_echo: [false, false, true] }]);
  });
});
