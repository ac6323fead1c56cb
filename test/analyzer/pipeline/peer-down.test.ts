/**
 * A peer going down, through the pipeline: each route the state holds from it is withdrawn at
 * the time of the state change and handed to the sinks as a withdrawal (so the store keeps it),
 * with the lifecycle events a withdrawal makes; counted apart from the source's events.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createClassifier, type ClassifierOptions } from '../../../analyzer/classify/index.js';
import { openGeo } from '../../../analyzer/geo/index.js';
import type { LifecycleEvent } from '../../../analyzer/models/lifecycle.js';
import { Pipeline } from '../../../analyzer/pipeline/pipeline.js';
import type { PipelineSink } from '../../../analyzer/pipeline/sink.js';
import { loadRegistry } from '../../../analyzer/registry/index.js';
import { PrefixState } from '../../../analyzer/state/index.js';
import type { RouteEvent } from '../../../collector/models/route-event.js';
import { TimeSlicer } from '../../../common/time-slice.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { writeFixture } from '../classify/fixture.js';

let opts: ClassifierOptions;

beforeAll(async () => {
  const { files, mmdb } = writeFixture(makeTmpDir('pipeline-peer-down'));
  opts = { registry: await loadRegistry({ files }), geo: await openGeo(mmdb) };
});

const peer = (n: number) => ({ collector: 'rrc00', peer_ip: `192.0.2.${n}`, peer_asn: 64500 + n });
const announce = (prefix: string, n: number, origin: number, t: number, path_id?: number): RouteEvent => ({
  timestamp: t,
  elem_type: 'announce',
  ...peer(n),
  prefix,
  as_path: [{ type: 'AS_SEQUENCE', asns: [64500 + n, origin] }],
  origin_asns: [origin],
  atomic: false,
  ...(path_id === undefined ? {} : { path_id }),
});

/** A sink that records what it is handed, and makes the pipeline wait on every other event. */
function recorder(): PipelineSink & { events: RouteEvent[]; lifecycle: LifecycleEvent[] } {
  const events: RouteEvent[] = [];
  const lifecycle: LifecycleEvent[] = [];
  return {
    name: 'rec',
    events,
    lifecycle,
    onEvent: (e) => {
      events.push(e);
      return events.length % 2 ? new Promise<void>((r) => setTimeout(r, 1)) : undefined;
    },
    onLifecycle: (l) => void lifecycle.push(...l),
  };
}

describe('Pipeline.peerDown', () => {
  it("withdraws each of the peer's routes at the state change's time, as the sinks' withdrawals", async () => {
    const sink = recorder();
    const state = new PrefixState();
    const pipeline = new Pipeline(createClassifier(opts), state, [sink]);
    const t = 1_700_000_000;
    const input = [
      announce('41.1.0.0/16', 1, 4134, t),
      announce('41.1.0.0/16', 2, 4134, t + 1),
      announce('185.0.0.0/16', 1, 4134, t + 2),
      // ADD-PATH: two paths of peer 1 for one prefix, each withdrawn.
      announce('2c0f:f000::/32', 1, 37000, t + 3, 1),
      announce('2c0f:f000::/32', 1, 3333, t + 4, 2),
      announce('41.0.0.0/16', 3, 37000, t + 5),
    ];
    for (const e of input) await pipeline.process(e);
    const before = { events: sink.events.length, lifecycle: sink.lifecycle.length, counters: { ...pipeline.counters } };

    await pipeline.peerDown({ ...peer(1), timestamp: t + 10.5 }, new TimeSlicer());

    const withdrawn = sink.events.slice(before.events);
    expect(withdrawn.map((e) => [e.elem_type, e.prefix, e.path_id, e.peer_ip, e.peer_asn, e.collector, e.timestamp])).toEqual([
      ['withdraw', '41.1.0.0/16', undefined, '192.0.2.1', 64501, 'rrc00', t + 10.5],
      ['withdraw', '185.0.0.0/16', undefined, '192.0.2.1', 64501, 'rrc00', t + 10.5],
      ['withdraw', '2c0f:f000::/32', 1, '192.0.2.1', 64501, 'rrc00', t + 10.5],
      ['withdraw', '2c0f:f000::/32', 2, '192.0.2.1', 64501, 'rrc00', t + 10.5],
    ]);
    // The other peers' routes stay; the peer's are gone.
    expect(state.visibility('41.1.0.0/16', 4134)).toBe(1);
    expect(state.visibility('185.0.0.0/16', 4134)).toBe(0);
    expect(state.visibility('2c0f:f000::/32', 37000) + state.visibility('2c0f:f000::/32', 3333)).toBe(0);
    expect(state.visibility('41.0.0.0/16', 37000)).toBe(1);
    // The lifecycle is what the peer withdrawing each route itself makes: a twin fed them as events.
    const twin = recorder();
    const twinPipeline = new Pipeline(createClassifier(opts), new PrefixState(), [twin]);
    for (const e of [...input, ...withdrawn]) await twinPipeline.process({ ...e });
    expect(sink.lifecycle).toEqual(twin.lifecycle);
    // The findings of the routes only peer 1 held end with it.
    expect(sink.lifecycle.slice(before.lifecycle).map((l) => (l.type === 'finding-ended' ? `${l.finding.prefix} ${l.reason} ${l.time}` : l.type))).toContain(`185.0.0.0/16 withdrawn ${t + 10.5}`);
    // Counted apart: the source's events are what they were.
    expect(pipeline.counters).toMatchObject({ events: before.counters.events, withdrawals: before.counters.withdrawals, peerDowns: 1, peerDownWithdrawals: 4 });

    // Down again, or a peer never seen: nothing to withdraw.
    await pipeline.peerDown({ ...peer(1), timestamp: t + 11 });
    await pipeline.peerDown({ ...peer(9), timestamp: t + 11 });
    expect(sink.events).toHaveLength(before.events + 4);
    expect(pipeline.counters).toMatchObject({ peerDowns: 1, peerDownWithdrawals: 4 });

    // Back up, its announcements count again.
    await pipeline.process(announce('185.0.0.0/16', 1, 4134, t + 20));
    expect(state.visibility('185.0.0.0/16', 4134)).toBe(1);
  });

  it('holds no routes, so withdraws none, while no classifier is set', async () => {
    const sink = recorder();
    const pipeline = new Pipeline(null, new PrefixState(), [sink]);
    await pipeline.process(announce('41.1.0.0/16', 1, 4134, 1));
    await pipeline.peerDown({ ...peer(1), timestamp: 2 });
    expect(sink.events).toHaveLength(1);
    expect(pipeline.counters.peerDowns).toBe(0);
  });
});
