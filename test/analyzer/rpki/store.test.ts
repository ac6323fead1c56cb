/** The RPKI columns in a real store: migration 7 adds them, the writer fills them, a finding without RPKI leaves them empty. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore, type Store } from '../../../analyzer/store/index.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { dataset } from '../store/fixtures.js';

const dir = makeTmpDir('rpki-store');
let store: Store;

beforeAll(async () => {
  store = await openStore({ db: join(dir, 'db') });
  await store.migrate();
});
afterAll(async () => store?.close());

describe('RPKI columns in the store', () => {
  it('route and finding events keep the ROV state and trust anchors', async () => {
    const items = dataset(14).filter((x) => x.finding);
    const w = store.createWriter({ batchSize: 100, flushIntervalMs: 0, spoolDir: join(dir, 'spool') });
    const states = ['valid', 'invalid-origin', 'invalid-length', 'not-found'] as const;
    for (const [i, x] of items.entries()) {
      const rov = i === 0 ? undefined : states[i % 4];
      await w.writeEvent({ ...x.event, collector: 'rpki' }, { ...x.finding!, rov, rpkiTas: rov ? ['apnic', 'ripe'] : undefined });
    }
    const f = items[1].finding!;
    await w.writeLifecycle({ type: 'finding-started', time: f.time, finding: { ...f, rov: 'invalid-origin', rpkiTas: ['arin'] } });
    await w.flush();
    await w.close();
    const rows = (await store.readonlySql("SELECT rov, rpki_tas FROM route_events FINAL WHERE collector = 'rpki' AND elem_type = 'announce' ORDER BY time")).rows;
    expect(rows.length).toBe(items.length);
    expect(rows[0]).toMatchObject({ rov: '', rpki_tas: [] });
    expect(rows.slice(1).map((r) => r.rov)).toEqual(items.slice(1).map((_, i) => states[(i + 1) % 4]));
    expect(rows[1].rpki_tas).toEqual(['apnic', 'ripe']);
    const lc = (await store.readonlySql("SELECT rov, rpki_tas FROM finding_events FINAL WHERE type = 'finding-started'")).rows;
    expect(lc).toEqual([{ rov: 'invalid-origin', rpki_tas: ['arin'] }]);
  });
});
