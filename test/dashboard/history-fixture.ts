/**
 * A store with history for the chart tests: a prefix whose origin changes from an AFRINIC AS
 * to an APNIC AS (fewer peers after the change) with a finding period in between, an AS that
 * announces AFRINIC space one day and APNIC space the next, and three days of the index where
 * HK's RIPE NCC space disappears on the middle day.
 */
import { join } from 'node:path';
import type { Store } from '../../analyzer/store/index.js';
import { writePortabilityIndex } from '../../analyzer/store/portability.js';
import type { Finding } from '../../analyzer/models/finding.js';
import { announce, makeFinding } from './fixture.js';
import { BASE_ROUTES, indexOfDay, writeIndexWorld } from './index-fixture.js';

export const CHANGING_PREFIX = '154.80.0.0/16';
export const FIRST_ORIGIN = 37100; // AFRINIC
export const SECOND_ORIGIN = 4134; // APNIC
export const T0 = Date.parse('2024-03-01T10:00:00Z') / 1000;
export const FINDING_START = T0 + 3600;
export const FINDING_END = T0 + 6000;
export const INDEX_DAYS = ['2024-03-01', '2024-03-02', '2024-03-03'];
/** The AS of the ASN chart: AFRINIC space on the first day, APNIC space on the next two. */
export const MOVING_AS = 4134;

const withOrigin = (f: Finding, originRir: Finding['originRir']): Finding => ({ ...f, originRir });

export async function writeHistory(store: Store, dir: string): Promise<void> {
  const writer = store.createWriter({ flushIntervalMs: 50 });
  const before = withOrigin(makeFinding({ prefix: CHANGING_PREFIX, origin: FIRST_ORIGIN, rir: 'afrinic', region: 'afrinic', country: 'SC', registeredCc: 'SC', kinds: [] }), 'afrinic');
  const after = withOrigin(
    makeFinding({ prefix: CHANGING_PREFIX, origin: SECOND_ORIGIN, rir: 'afrinic', region: 'apnic', country: 'HK', registeredCc: 'SC', kinds: ['geo-out-of-region', 'origin-out-of-region'], severity: 'high' }),
    'apnic',
  );
  // First hour: AS37100 from three peers every 5 minutes; second and third hour: AS4134 from two.
  for (let t = T0; t < T0 + 3600; t += 300) for (const peer of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) await writer.writeEvent(announce({ ...before, time: t }, peer, t), { ...before, time: t });
  for (let t = T0 + 3600; t < T0 + 3 * 3600; t += 300) for (const peer of ['192.0.2.1', '192.0.2.2']) await writer.writeEvent(announce({ ...after, time: t }, peer, t), { ...after, time: t });
  await writer.writeLifecycle({ type: 'finding-started', time: FINDING_START, finding: { ...after, time: FINDING_START } });
  await writer.writeLifecycle({ type: 'finding-ended', time: FINDING_END, reason: 'restored', finding: { ...after, time: FINDING_END } });
  // The moving AS: 41.1.0.0/16 (AFRINIC) on day one, 27.0.0.0/16 (APNIC) on days two and three.
  const day = (d: string) => Date.parse(`${d}T12:00:00Z`) / 1000;
  const af = makeFinding({ prefix: '41.1.0.0/16', origin: MOVING_AS, rir: 'afrinic', region: 'apnic', country: 'HK', registeredCc: 'SC' });
  const ap = makeFinding({ prefix: '27.0.0.0/16', origin: MOVING_AS, rir: 'apnic', region: 'apnic', country: 'CN', registeredCc: 'CN' });
  await writer.writeEvent(announce(af, '192.0.2.1', day(INDEX_DAYS[0])), { ...af, time: day(INDEX_DAYS[0]) });
  for (const d of INDEX_DAYS.slice(1)) await writer.writeEvent(announce(ap, '192.0.2.1', day(d)), { ...ap, time: day(d) });
  await writer.flush();
  // The index: HK has AFRINIC (41.1.0.0/17) and RIPE NCC (185.0.0.0/16) space, the latter gone on the middle day.
  const world = await writeIndexWorld(dir);
  let built = Date.parse('2024-03-04T00:00:00Z');
  for (const d of INDEX_DAYS) {
    const routes = d === INDEX_DAYS[1] ? BASE_ROUTES.filter(([p]) => p !== '185.0.0.0/16') : BASE_ROUTES;
    await writePortabilityIndex(store.client, indexOfDay(world, d, routes), (built += 1000));
  }
}

export const historyDbPath = (dir: string): string => join(dir, 'db');
