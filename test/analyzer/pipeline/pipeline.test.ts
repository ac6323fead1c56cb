import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClassifier, type Classifier } from '../../../analyzer/classify/index.js';
import { openGeo } from '../../../analyzer/geo/index.js';
import type { LifecycleEvent } from '../../../analyzer/models/lifecycle.js';
import { Pipeline } from '../../../analyzer/pipeline/pipeline.js';
import type { PipelineSink } from '../../../analyzer/pipeline/sink.js';
import { storeSink } from '../../../analyzer/pipeline/sinks.js';
import { loadRegistry } from '../../../analyzer/registry/index.js';
import { PrefixState } from '../../../analyzer/state/index.js';
import { TimeSlicer } from '../../../common/time-slice.js';
import { openStore, type Store } from '../../../analyzer/store/index.js';
import type { RouteEvent } from '../../../collector/models/route-event.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { writeFixture } from '../classify/fixture.js';

const dir = makeTmpDir('pipeline');
let classifier: Classifier;
let store: Store;

const event = (over: Partial<RouteEvent>): RouteEvent => ({
  timestamp: 1_700_000_000,
  elem_type: 'announce',
  peer_ip: '192.0.2.1',
  peer_asn: 64500,
  prefix: '41.1.0.0/16',
  as_path: [{ type: 'AS_SEQUENCE', asns: [64500, 4134] }],
  origin_asns: [4134],
  atomic: false,
  collector: 'rrc00',
  ...over,
});

/** Records what the pipeline hands to sinks, in order. */
function recorder(): PipelineSink & { events: Array<[string, string | null]>; lifecycle: LifecycleEvent[] } {
  const events: Array<[string, string | null]> = [];
  const lifecycle: LifecycleEvent[] = [];
  return {
    name: 'recorder',
    events,
    lifecycle,
    onEvent: (e, f) => void events.push([`${e.elem_type} ${e.prefix}`, f ? f.kinds.join(',') : null]),
    onLifecycle: (l) => void lifecycle.push(...l),
  };
}

beforeAll(async () => {
  const { files, mmdb } = writeFixture(dir);
  const [registry, geo] = await Promise.all([loadRegistry({ files }), openGeo(mmdb)]);
  classifier = createClassifier({ registry, geo });
  store = await openStore({ db: join(dir, 'db') });
  await store.migrate();
});

afterAll(async () => {
  await store?.close();
});

describe('Pipeline', () => {
  it('shed: while the source is behind, withdrawals of routes the state does not hold are skipped and counted; other events pass', async () => {
    const rec = recorder();
    let behind = true;
    const pipeline = new Pipeline(classifier, new PrefixState(), [rec], { shed: () => behind });
    await pipeline.process(event({}));
    await pipeline.process(event({ elem_type: 'withdraw', prefix: '41.2.0.0/16', as_path: undefined, origin_asns: undefined }));
    await pipeline.process(event({ elem_type: 'withdraw', as_path: undefined, origin_asns: undefined }));
    behind = false;
    await pipeline.process(event({ elem_type: 'withdraw', prefix: '41.3.0.0/16', as_path: undefined, origin_asns: undefined }));
    expect(rec.events.map(([e]) => e)).toEqual(['announce 41.1.0.0/16', 'withdraw 41.1.0.0/16', 'withdraw 41.3.0.0/16']);
    expect(pipeline.counters.shed).toBe(1);
    expect(pipeline.counters.withdrawals).toBe(3);
  });

  it('classifies announcements, tracks lifecycle and stores every event with its classification', async () => {
    const rec = recorder();
    const writer = store.createWriter({ flushIntervalMs: 50 });
    const pipeline = new Pipeline(classifier, new PrefixState(), [rec, storeSink(writer)]);
    await pipeline.process(event({}));
    await pipeline.process(event({ peer_ip: '192.0.2.2', timestamp: 1_700_000_001 }));
    await pipeline.process(event({ prefix: '41.0.0.0/16', origin_asns: [37000], as_path: [{ type: 'AS_SEQUENCE', asns: [64500, 37000] }] }));
    await pipeline.process(event({ elem_type: 'withdraw', timestamp: 1_700_000_010, as_path: undefined, origin_asns: undefined }));
    await pipeline.process(event({ elem_type: 'withdraw', peer_ip: '192.0.2.2', timestamp: 1_700_000_011, as_path: undefined, origin_asns: undefined }));
    await pipeline.close();

    // AFRINIC space held in SC, used in HK, originated by an APNIC AS.
    expect(rec.events[0][0]).toBe('announce 41.1.0.0/16');
    expect(rec.events[0][1]).toContain('geo-out-of-region');
    expect(rec.events[0][1]).toContain('origin-out-of-region');
    // In-region use has no mismatch kind; withdrawals carry no classification.
    expect(rec.events[2][1]).toBe('');
    expect(rec.events[3][1]).toBeNull();
    expect(rec.lifecycle.map((l) => l.type + (l.type === 'finding-ended' ? `:${l.reason}` : ''))).toEqual(['finding-started', 'finding-ended:withdrawn']);
    expect(pipeline.counters).toMatchObject({ events: 5, announcements: 3, withdrawals: 2, failed: 0 });
    expect(pipeline.counters.findingsByKind['origin-out-of-region']).toBe(2);

    const summary = await store.namedQuery('summary', {});
    const row = summary.rows[0] as Record<string, unknown>;
    expect(Number(row.announcements)).toBe(3);
    expect(Number(row.withdrawals)).toBe(2);
    const stored = await store.readonlySql("SELECT count() AS n FROM route_events FINAL WHERE has(kinds, 'origin-out-of-region')");
    expect(Number((stored.rows[0] as { n: unknown }).n)).toBe(2);
    const lifecycle = await store.readonlySql('SELECT type, reason FROM finding_events FINAL ORDER BY time');
    expect(lifecycle.rows.map((r) => `${(r as { type: string }).type}/${(r as { reason: string }).reason}`)).toEqual(['finding-started/', 'finding-ended/withdrawn']);
  });

  it('stores events unclassified while no registry is loaded, and when the classifier fails', async () => {
    const rec = recorder();
    const pipeline = new Pipeline(null, new PrefixState(), [rec]);
    await pipeline.process(event({ prefix: '185.0.0.0/16' }));
    expect(rec.events).toEqual([['announce 185.0.0.0/16', null]]);

    const broken = { classify: () => { throw new Error('registry exploded'); } } as unknown as Classifier;
    await pipeline.setClassifier(broken);
    await pipeline.process(event({ prefix: '185.1.0.0/16' }));
    expect(rec.events[1]).toEqual(['announce 185.1.0.0/16', null]);
    expect(pipeline.counters.failed).toBe(1);

    await pipeline.setClassifier(classifier);
    await pipeline.process(event({ prefix: '185.0.0.0/16', timestamp: 1_700_000_100 }));
    expect(rec.events[2][1]).toContain('geo-out-of-region');
    expect(pipeline.counters.events).toBe(3);
  });

  it('waits for a sink that applies back-pressure and keeps every sink in event order', async () => {
    const seen: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow: PipelineSink = {
      name: 'slow',
      onEvent: (e) => {
        seen.push(`slow ${e.prefix}`);
        return e.prefix === '41.1.0.0/16' ? gate : undefined;
      },
    };
    const after: PipelineSink = { name: 'after', onEvent: (e) => void seen.push(`after ${e.prefix}`), onLifecycle: (l) => void seen.push(`after ${l[0].type}`) };
    const pipeline = new Pipeline(classifier, new PrefixState(), [slow, after]);
    const first = pipeline.process(event({}));
    expect(first).toBeInstanceOf(Promise);
    expect(seen).toEqual(['slow 41.1.0.0/16']);
    release();
    await first;
    expect(pipeline.process(event({ prefix: '41.0.0.0/16', origin_asns: [37000] }))).toBeUndefined();
    expect(seen).toEqual(['slow 41.1.0.0/16', 'after 41.1.0.0/16', 'after finding-started', 'slow 41.0.0.0/16', 'after 41.0.0.0/16']);
  });

  it('processSliced: a promise only for back-pressure or a due break, the break after the wait', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const seen: string[] = [];
    const slow: PipelineSink = { name: 'slow', onEvent: (e) => (e.prefix === '41.1.0.0/16' ? gate : undefined) };
    const pipeline = new Pipeline(classifier, new PrefixState(), [slow]);
    // A slicer whose break is never due, then one whose break is due at every event.
    expect(pipeline.processSliced(event({ prefix: '41.0.0.0/16', origin_asns: [37000] }), new TimeSlicer(60_000, 1))).toBeUndefined();
    const due = new TimeSlicer(0, 1);
    const tick = due.tick.bind(due);
    due.tick = () => (seen.push('tick'), tick());
    const waiting = pipeline.processSliced(event({}), due);
    expect(waiting).toBeInstanceOf(Promise);
    expect(seen).toEqual([]); // no break before the sink's wait is over
    release();
    await waiting;
    expect(seen).toEqual(['tick']);
    expect(pipeline.processSliced(event({ prefix: '41.0.0.0/16', origin_asns: [37000] }), due)).toBeInstanceOf(Promise);
    expect(pipeline.counters.events).toBe(3);
  });
});
