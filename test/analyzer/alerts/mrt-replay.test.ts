import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClassifier } from '../../../analyzer/classify/index.js';
import { openGeo } from '../../../analyzer/geo/index.js';
import { loadRegistry } from '../../../analyzer/registry/index.js';
import { PrefixState } from '../../../analyzer/state/index.js';
import type { LifecycleEvent } from '../../../analyzer/models/lifecycle.js';
import { FileSource } from '../../../collector/sources/index.js';
import { createAlerting, type Alert } from '../../../analyzer/alerts/index.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../../helpers/shared-data.js';
import { makeTmpDir } from '../../helpers/tmp.js';

const MRT = 'mrt/bgpstream-testdata/ris.rrc06.updates.1427846400.gz';

describe.skipIf(!hasSharedData)(`alerts from a real MRT replay (${hasSharedData ? MRT : sharedDataSkipReason})`, () => {
  it('every matching start becomes exactly one alert item, grouped by origin, with ends paired', async () => {
    const registry = await loadRegistry({ rirDir: sharedData('rir', '2014-07-01'), ianaDir: sharedData('iana') });
    const classifier = createClassifier({ registry, geo: await openGeo() });
    const state = new PrefixState();
    let time = 0;
    const classify = (prefix: string, originAsns: number[], visibility: number) => classifier.classify({ prefix, originAsns, time, visibility });

    const tmp = makeTmpDir('alerts-mrt');
    const out = join(tmp, 'alerts.jsonl');
    const file = join(tmp, 'alerts.yml');
    writeFileSync(file, `grouping-window: 5m
quiet-period: 0s
channels:
  archive: { type: jsonl, path: "${out}" }
rules:
  - name: all
    events: [finding-started, finding-ended]
    channels: [archive]
  - name: abroad
    kinds: [geo-out-of-region]
    events: [finding-started, finding-ended]
    channels: [archive]
`);
    const alerting = createAlerting({ file, watch: false, dashboardUrl: 'http://localhost:8080', deadLetterPath: join(tmp, 'dl.jsonl') });
    const lifecycle: LifecycleEvent[] = [];
    for await (const event of new FileSource([sharedData(MRT)], { collector: 'rrc06' }).events()) {
      time = event.timestamp;
      const produced = state.apply(event, classify);
      lifecycle.push(...produced);
      alerting.handle(produced);
    }
    await alerting.close();

    const all = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Alert);
    const key = (prefix: string, origins: number[]) => `${prefix} ${origins.join(',')}`;
    const check = (rule: string, wanted: (e: LifecycleEvent) => boolean) => {
      // The independent expectation, straight from the lifecycle events.
      const expectedStarts = lifecycle.filter((e) => e.type === 'finding-started' && wanted(e)).map((e) => key(e.finding.prefix, e.finding.originAsns));
      const alerts = all.filter((a) => a.rule === rule);
      const startItems = alerts.filter((a) => a.event === 'finding-started').flatMap((a) => a.items.map((i) => key(i.prefix, i.originAsns)));
      expect(startItems.sort()).toEqual(expectedStarts.sort());
      for (const a of alerts) {
        expect(new Set(a.items.map((i) => i.originAsns.join(','))).size).toBe(1); // one cause per alert
        for (const i of a.items) {
          expect(i.why.length).toBeGreaterThan(10);
          expect(i.link).toBe(`http://localhost:8080/prefix/${i.prefix}`);
        }
      }
      // Every end is paired with a start we announced and says how long it lasted.
      const announced = new Set(startItems);
      for (const a of alerts.filter((x) => x.event === 'finding-ended')) {
        for (const i of a.items) {
          expect(announced.has(key(i.prefix, i.originAsns))).toBe(true);
          expect(i.durationSeconds).toBeGreaterThanOrEqual(0);
        }
      }
      // An end within the grouping window is folded into its start's item; the rest are end alerts.
      const expectedEnds = lifecycle.filter((e) => e.type === 'finding-ended' && announced.has(key(e.finding.prefix, e.finding.originAsns))).length;
      const folded = alerts.filter((a) => a.event === 'finding-started').flatMap((a) => a.items).filter((i) => i.endReason).length;
      expect(alerts.filter((a) => a.event === 'finding-ended').reduce((n, a) => n + a.items.length, 0) + folded).toBe(expectedEnds);
      return { items: startItems.length, alerts: alerts.length, ends: expectedEnds };
    };
    const everything = check('all', () => true);
    const abroad = check('abroad', (e) => e.finding.kinds.includes('geo-out-of-region'));
    expect(abroad.items).toBeGreaterThan(0);
    expect(everything.items).toBeGreaterThan(abroad.items);
    expect(everything.ends).toBeGreaterThan(0);
    // Grouping: many prefixes of one origin within the window become one alert.
    expect(everything.alerts).toBeLessThan(everything.items + everything.ends);
    console.log(`MRT replay: ${lifecycle.length} lifecycle events; all: ${JSON.stringify(everything)}; abroad: ${JSON.stringify(abroad)}`);
  }, 300_000);
});
