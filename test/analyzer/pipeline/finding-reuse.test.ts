/**
 * The pipeline reuses the state's classification of a new pair for the event itself when the
 * inputs are the same: every event's finding must still equal a direct classification.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createClassifier, type ClassifierOptions } from '../../../analyzer/classify/index.js';
import { openGeo } from '../../../analyzer/geo/index.js';
import type { Finding } from '../../../analyzer/models/finding.js';
import { Pipeline } from '../../../analyzer/pipeline/pipeline.js';
import { loadRegistry } from '../../../analyzer/registry/index.js';
import { PrefixState } from '../../../analyzer/state/index.js';
import type { RouteEvent } from '../../../collector/models/route-event.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { writeFixture } from '../classify/fixture.js';

let opts: ClassifierOptions;

beforeAll(async () => {
  const { files, mmdb } = writeFixture(makeTmpDir('pipeline-reuse'));
  opts = { registry: await loadRegistry({ files }), geo: await openGeo(mmdb) };
});

const announce = (prefix: string, peer: number, origins: number[], t: number): RouteEvent => ({
  timestamp: t,
  elem_type: 'announce',
  peer_ip: `192.0.2.${peer}`,
  peer_asn: 64500 + peer,
  prefix,
  as_path: [{ type: origins.length > 1 ? 'AS_SET' : 'AS_SEQUENCE', asns: origins }],
  origin_asns: origins,
  atomic: false,
  collector: 'rrc00',
});
const withdraw = (prefix: string, peer: number, t: number): RouteEvent => ({ ...announce(prefix, peer, [1], t), elem_type: 'withdraw', as_path: undefined, origin_asns: undefined });

describe('Pipeline finding reuse', () => {
  it('every event finding equals a direct classification with its visibility', async () => {
    const events: RouteEvent[] = [];
    let t = 1_700_000_000;
    for (const prefix of ['41.1.0.0/16', '41.0.0.0/16', '185.0.0.0/16', '2c0f:f000::/32']) {
      events.push(announce(prefix, 1, [4134], t++), announce(prefix, 2, [4134], t++), announce(prefix, 3, [37000], t++));
      events.push(announce(prefix, 1, [37000], t++), withdraw(prefix, 2, t++), announce(prefix, 2, [3333, 4134], t++));
      events.push(withdraw(prefix, 1, t++), withdraw(prefix, 3, t++), announce(prefix, 1, [4134], t++));
    }
    const seen: Array<[RouteEvent, Finding | null]> = [];
    const pipeline = new Pipeline(createClassifier(opts), new PrefixState(), [{ name: 'rec', onEvent: (e, f) => void seen.push([e, f]) }]);
    for (const e of events) await pipeline.process(e);
    expect(seen).toHaveLength(events.length);
    for (const [e, f] of seen) {
      if (e.elem_type !== 'announce') continue;
      const direct = createClassifier(opts).classify({ prefix: e.prefix, originAsns: e.origin_asns!, time: e.timestamp, visibility: f!.visibility });
      expect(f).toEqual(direct);
    }
    // The visibility the event carries is the state's count of peers for its origin.
    expect(seen.filter(([e]) => e.elem_type === 'announce').map(([, f]) => f!.visibility).slice(0, 3)).toEqual([1, 2, 1]);
  });
});
