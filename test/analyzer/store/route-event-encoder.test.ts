/**
 * The route_events, rib_snapshots and finding_events row encoders write the same bytes as the
 * generic path (routeEventValues, ribSnapshotValues, lifecycleValues encoded column by column from
 * the schema's types), and refuse what that path refuses.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createClassifier, type Classifier } from '../../../analyzer/classify/index.js';
import { openGeo } from '../../../analyzer/geo/index.js';
import type { Finding } from '../../../analyzer/models/finding.js';
import { Pipeline } from '../../../analyzer/pipeline/pipeline.js';
import { loadRegistry } from '../../../analyzer/registry/index.js';
import { PrefixState } from '../../../analyzer/state/index.js';
import { batchBuilder, type RowEncoder } from '../../../analyzer/store/batch.js';
import { hash64, hash64Parts, lanesAfter, writeHash64From, writeHash64Parts, type Lanes } from '../../../analyzer/store/hash.js';
import { ByteSink } from '../../../analyzer/store/rowbinary.js';
import type { RibSnapshotRow } from '../../../analyzer/models/rib-snapshot.js';
import { RibSnapshots } from '../../../analyzer/store/rib-snapshot.js';
import { encodeLifecycle, encodeRibSnapshot, encodeRouteEvent } from '../../../analyzer/store/route-event-encoder.js';
import { asPathText, LIFECYCLE_COLUMNS, lifecycleValues, RIB_SNAPSHOT_COLUMNS, ribSnapshotValues, ROUTE_EVENT_COLUMNS, routeEventValues } from '../../../analyzer/store/rows.js';
import type { LifecycleEvent } from '../../../analyzer/models/lifecycle.js';
import { readMrtElems } from '../../../collector/mrt/index.js';
import type { AsPathSegment, Community, RouteEvent } from '../../../collector/models/route-event.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../../helpers/shared-data.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { writeFixture } from '../classify/fixture.js';
import { dataset } from './fixtures.js';

type Item = { event: RouteEvent; finding: Finding | null };

/** Both encodings of the same rows of a table: its generic values and its direct encoder; refusals counted for each. */
function encodeBothWays<A, B>(table: string, columns: readonly string[], rows: Array<[A, B]>, values: (a: A, b: B) => unknown[], encode: RowEncoder<A, B>) {
  const generic = batchBuilder(table, columns);
  const direct = batchBuilder(table, columns);
  const refused: [number, number] = [0, 0];
  for (const [a, b] of rows) {
    try {
      generic.add(values(a, b));
    } catch {
      refused[0]++;
    }
    try {
      direct.addEncoded!(encode, a, b);
    } catch {
      refused[1]++;
    }
  }
  expect(direct.rows).toBe(generic.rows);
  const stored = direct.rows;
  return { generic: generic.take().data, direct: direct.take().data, refused, rows: stored };
}

/** route_events rows both ways; rows the generic path refuses are refused by the direct one too. */
const encodeBoth = (items: Item[]) => encodeBothWays('route_events', ROUTE_EVENT_COLUMNS, items.map((x) => [x.event, x.finding] as [RouteEvent, Finding | null]), routeEventValues, encodeRouteEvent);

/** Variants the fixture dataset lacks: IPv6, ADD-PATH, AS_SET origins, every community type, UTF-8, optional fields. */
function variants(): Item[] {
  const base = dataset(1)[0];
  const e = base.event;
  const f = base.finding!;
  const v6: RouteEvent = { ...e, prefix: '2001:db8::/32', peer_ip: '2001:db8::1', next_hop: 'fe80::1', path_id: 7 };
  const set: RouteEvent = { ...e, as_path: [{ type: 'AS_SEQUENCE', asns: [1, 2] }, { type: 'AS_SET', asns: [9, 3, 5] }, { type: 'AS_CONFED_SET', asns: [4] }], origin_asns: [9, 3, 5] };
  const comms: RouteEvent = { ...e, communities: [{ type: 'large', global: 1, local1: 2, local2: 3 }, { type: 'extended', hex: '0002fde800000001' }, { type: 'standard', asn: 0, value: 65535 }] };
  const bare: RouteEvent = { timestamp: 1_600_000_000.123456, elem_type: 'announce', peer_ip: '10.0.0.1', peer_asn: 1, prefix: '10.0.0.0/8', atomic: false, collector: 'rrc00' };
  const rich: Finding = { ...f, holderId: 'hölder-ünïcode', rov: 'invalid-origin', rpkiTas: ['ripencc', 'arin'], geoConfidence: 'disputed', geoAgreement: 0.25, geoSubkind: 'abroad-inconsistent', legacy: true };
  const long: Finding = { ...f, holderId: 'x'.repeat(300), why: 'y'.repeat(200) };
  return [
    { event: v6, finding: { ...f, family: 6, prefix: v6.prefix } },
    { event: set, finding: f },
    { event: comms, finding: rich },
    { event: bare, finding: null },
    { event: bare, finding: long },
    { event: { ...bare, elem_type: 'withdraw' }, finding: null },
    { event: { ...e, timestamp: 1e9 + 0.0000005 }, finding: { ...f, geoAgreement: undefined, rov: undefined, rpkiTas: undefined, geoConfidence: undefined } },
  ];
}

describe('route_events RowBinary encoder', () => {
  it('writes the same bytes as the generic column encoders', () => {
    const items: Item[] = [...dataset(500), ...variants()];
    const { generic, direct, refused } = encodeBoth(items);
    expect(refused).toEqual([0, 0]);
    expect(direct.length).toBeGreaterThan(500 * 50);
    expect(direct.equals(generic)).toBe(true);
  });

  it('refuses the rows the generic path refuses, leaving the batch as it was', () => {
    const ok = dataset(3);
    const e = ok[0].event;
    const bad: Item[] = [
      { event: { ...e, peer_asn: -1 }, finding: null },
      { event: { ...e, peer_asn: 2 ** 32 }, finding: null },
      { event: { ...e, timestamp: Number.NaN }, finding: null },
      { event: { ...e, elem_type: 'update' as never }, finding: null },
      { event: { ...e, prefix: '10.0.0.0/x' }, finding: null },
      { event: { ...e, origin_asns: [1.5] }, finding: null },
      { event: { ...e, path_id: -2 }, finding: null },
      { event: e, finding: { ...ok[0].finding!, visibility: -1 } },
      { event: e, finding: { ...ok[0].finding!, addresses: 'many' as never } },
    ];
    const { generic, direct, refused } = encodeBoth([ok[0], ...bad, ok[1], ok[2]]);
    expect(refused).toEqual([bad.length, bad.length]);
    expect(direct.equals(generic)).toBe(true);
  });

  it('events that share an UPDATE\'s arrays and leading id parts, in any order, encode as the generic path does', () => {
    const e = dataset(1)[0].event;
    const pathA: AsPathSegment[] = [{ type: 'AS_SEQUENCE', asns: [3356, 1299, 64500] }];
    const pathB: AsPathSegment[] = [{ type: 'AS_SEQUENCE', asns: [174, 64501] }, { type: 'AS_SET', asns: [7, 8] }];
    const comms: Community[] = [{ type: 'standard', asn: 3356, value: 2 }, { type: 'large', global: 1, local1: 2, local2: 3 }];
    const at = (t: number, peer: string, type: RouteEvent['elem_type'], prefix: string, as_path?: AsPathSegment[], communities?: Community[]): RouteEvent => ({ ...e, timestamp: t, peer_ip: peer, elem_type: type, prefix, as_path, communities });
    const events: RouteEvent[] = [
      // One UPDATE: withdrawals, then announcements sharing their path and communities arrays.
      at(1e9, '10.0.0.1', 'withdraw', '10.1.0.0/16'),
      at(1e9, '10.0.0.1', 'withdraw', '10.2.0.0/16'),
      at(1e9, '10.0.0.1', 'announce', '10.3.0.0/16', pathA, comms),
      at(1e9, '10.0.0.1', 'announce', '10.4.0.0/16', pathA, comms),
      // Another peer at the same time; the same peer a microsecond later; arrays seen before, again.
      at(1e9, '10.0.0.2', 'announce', '10.4.0.0/16', pathB),
      at(1e9 + 0.000001, '10.0.0.2', 'announce', '10.4.0.0/16', pathB),
      at(1e9 + 0.000001, '10.0.0.2', 'announce', '10.5.0.0/16', pathA, comms),
      // Each of the leading parts alone differs from the event before.
      { ...at(1e9 + 0.000001, '10.0.0.2', 'announce', '10.5.0.0/16', pathA, comms), collector: 'rrc99' },
      { ...at(1e9 + 0.000001, '10.0.0.2', 'announce', '10.5.0.0/16', pathA, comms), collector: 'rrc99', peer_asn: e.peer_asn + 1 },
      { ...at(1e9 + 0.000001, '10.0.0.3', 'announce', '10.5.0.0/16', pathA, comms), collector: 'rrc99', peer_asn: e.peer_asn + 1 },
      { ...at(1e9 + 0.000001, '10.0.0.3', 'withdraw', '10.5.0.0/16'), collector: 'rrc99', peer_asn: e.peer_asn + 1 },
      // Paths and communities of the same lengths, other values.
      at(1e9 + 0.000001, '10.0.0.2', 'announce', '10.5.0.0/16', [{ type: 'AS_SEQUENCE', asns: [3356, 1299, 64501] }], comms),
      at(1e9 + 0.000001, '10.0.0.2', 'announce', '10.5.0.0/16', [{ type: 'AS_SEQUENCE', asns: [3356, 1299, 64501] }], [comms[1], comms[0]]),
      // Equal arrays that are not the same array; none at all.
      at(1e9 + 1, '10.0.0.2', 'announce', '10.6.0.0/16', [{ type: 'AS_SEQUENCE', asns: [3356, 1299, 64500] }], [...comms]),
      at(1e9 + 1, '10.0.0.2', 'announce', '10.6.0.0/16', [], []),
      at(1e9 + 1, '10.0.0.2', 'announce', '10.7.0.0/16'),
      at(1e9 + 1, '10.0.0.2', 'announce', '10.7.0.0/16', pathB, comms),
    ];
    const { generic, direct, refused } = encodeBoth(events.map((event) => ({ event, finding: null })));
    expect(refused).toEqual([0, 0]);
    expect(direct.equals(generic)).toBe(true);
    // Each event's id differs: none took an earlier event's leading parts or texts.
    const ids = new Set(events.map((event) => String(routeEventValues(event, null)[0])));
    expect(ids.size).toBe(events.length);
  });

  it('as_path text: segments joined by spaces, sets in braces, confederation segments in () and []', () => {
    expect(asPathText(undefined)).toBe('');
    expect(asPathText([])).toBe('');
    expect(asPathText([{ type: 'AS_SEQUENCE', asns: [3356, 1299, 64500] }])).toBe('3356 1299 64500');
    expect(
      asPathText([
        { type: 'AS_SEQUENCE', asns: [1, 2] },
        { type: 'AS_SET', asns: [9, 3, 5] },
        { type: 'AS_CONFED_SEQUENCE', asns: [4, 6] },
        { type: 'AS_CONFED_SET', asns: [7, 8] },
        { type: 'AS_SET', asns: [10] },
      ]),
    ).toBe('1 2 {9,3,5} (4 6) [7,8] {10}');
    expect(asPathText([{ type: 'AS_SEQUENCE', asns: [] }, { type: 'AS_SEQUENCE', asns: [1] }])).toBe(' 1');
  });

  it('rib_snapshots rows: the same bytes as the generic column encoders, refusing what they refuse', () => {
    const items = [...dataset(400), ...variants()].filter((x) => x.event.elem_type === 'announce');
    const snapshots = new RibSnapshots();
    const rows = items.flatMap(({ event, finding: f }, i) => snapshots.add({ ...event, prefix: `10.${i >> 3}.0.0/16` }, f)).concat(snapshots.take());
    expect(rows.length).toBeGreaterThan(40);
    const bad: RibSnapshotRow[] = [{ ...rows[0], time: Number.NaN }, { ...rows[0], peerAsns: [-1, ...rows[0].peerAsns.slice(1)] }, { ...rows[0], eventIdHalves: [] }, { ...rows[0], prefix: '10.0.0.0/x' }];
    const all = [...rows.slice(0, 5), ...bad, ...rows.slice(5)].map((r) => [r, null] as [RibSnapshotRow, null]);
    const both = encodeBothWays('rib_snapshots', RIB_SNAPSHOT_COLUMNS, all, (r) => ribSnapshotValues(r), (out, r) => encodeRibSnapshot(out, r));
    expect(both.refused).toEqual([bad.length, bad.length]);
    expect(both.rows).toBe(rows.length);
    expect(both.direct.equals(both.generic)).toBe(true);
  });

  it('finding_events rows: the same bytes as the generic column encoders, refusing what they refuse', () => {
    const findings = [...dataset(300), ...variants()].map((x) => x.finding).filter((f): f is Finding => f !== null);
    const answers = [{ db: 'dbip', cc: 'DE', echo: false }, { db: 'echo', cc: null, echo: true }];
    const events: LifecycleEvent[] = findings.flatMap((f, i): LifecycleEvent[] => {
      const g = i % 4 === 0 ? { ...f, geoAnswers: answers, geo: [{ cc: 'DE', share: 0.75, addresses: 192 }, { cc: 'FR', share: 0.25, addresses: 64 }] } : f;
      const time = 1_700_000_000 + i + 0.5;
      return [
        { type: 'finding-started', time, finding: g },
        { type: 'finding-ended', time: time + 60, reason: i % 2 ? 'restored' : 'withdrawn', finding: i % 5 === 0 ? { ...g, originAsn: null, originAsns: [], family: undefined as never } : g },
        { type: 'origin-changed', time: time + 120, prefix: g.prefix, previousOriginAsns: [64500 + i, 7], finding: g },
      ];
    });
    expect(events.length).toBeGreaterThan(700);
    const f0 = events[0].finding;
    const bad: LifecycleEvent[] = [
      { type: 'finding-started', time: Number.NaN, finding: f0 },
      { type: 'finding-started', time: 1, finding: { ...f0, originAsns: [-1] } },
      { type: 'finding-started', time: 1, finding: { ...f0, geo: [{ cc: 'DE', share: 'half' as never, addresses: 1 }] } },
      { type: 'finding-started', time: 1, finding: { ...f0, why: 5 as never } },
      { type: 'started' as never, time: 1, finding: f0 },
    ];
    const all = [...events.slice(0, 5), ...bad, ...events.slice(5)].map((ev) => [ev, null] as [LifecycleEvent, null]);
    const both = encodeBothWays('finding_events', LIFECYCLE_COLUMNS, all, (ev) => lifecycleValues(ev), (out, ev) => encodeLifecycle(out, ev));
    expect(both.refused).toEqual([bad.length, bad.length]);
    expect(both.rows).toBe(events.length);
    expect(both.direct.equals(both.generic)).toBe(true);
  });

  it('hash64Parts equals hash64 of the parts joined (the stored event ids do not change)', () => {
    const cases: Array<Array<string | number>> = [[], [''], ['a'], ['', ''], ['rrc00', '192.0.2.1', 65000, '1700000000.000000', 'announce', '10.0.0.0/8', 0, '1 2 3', '', '']];
    for (let i = 0; i < 200; i++) cases.push(Array.from({ length: 1 + (i % 11) }, (_, j) => (j % 3 === 2 ? i * j : `p${'ü'.repeat(i % 3)}${i * 31 + j}`)));
    for (const parts of cases) expect(hash64Parts(parts)).toBe(hash64(parts.join('\u0001')));
  });

  it('an id resumed after any of its leading parts is the whole id', () => {
    const cases: Array<Array<string | number>> = [[], [''], ['', ''], ['', 'a'], ['a', ''], ['rrc00', '192.0.2.1', 65000, '1700000000.000000', 'announce', '10.0.0.0/8', 0, '1 2 3', '', '']];
    for (let i = 0; i < 50; i++) cases.push(Array.from({ length: 1 + (i % 7) }, (_, j) => (j % 3 === 2 ? i * j : `p${'ü'.repeat(i % 2)}${j % 4 ? i : ''}`)));
    const head: Lanes = { hi: 0, lo: 0, length: 0, parts: 0 };
    for (const parts of cases) {
      const whole = new ByteSink();
      writeHash64Parts(whole, parts);
      const expected = whole.take();
      for (let k = 0; k <= parts.length; k++) {
        lanesAfter(head, parts.slice(0, k));
        const resumed = new ByteSink();
        writeHash64From(resumed, head, parts.slice(k));
        writeHash64From(resumed, head, parts.slice(k)); // the head is left as it was
        expect(resumed.take()).toEqual(Buffer.concat([expected, expected]));
      }
    }
  });
});

describe.skipIf(!hasSharedData)(`route_events RowBinary encoder on real updates (${hasSharedData ? 'shared data' : sharedDataSkipReason})`, () => {
  let classifier: Classifier;
  beforeAll(async () => {
    const { files, mmdb } = writeFixture(makeTmpDir('route-event-encoder'));
    classifier = createClassifier({ registry: await loadRegistry({ files }), geo: await openGeo(mmdb) });
  });

  it('the 2016 RIS updates, classified through the pipeline, encode to the same bytes', async () => {
    const items: Item[] = [];
    const pipeline = new Pipeline(classifier, new PrefixState(), [{ name: 'rec', onEvent: (event, f) => void items.push({ event, finding: f }) }]);
    for await (const elem of readMrtElems(sharedData('mrt', 'bgpdump-testdata', 'updates.20160811.1600.gz'))) await pipeline.process({ ...elem, collector: 'rrc01' });
    expect(items.length).toBe(41_212);
    expect(items.some((i) => i.finding?.kinds.length)).toBe(true);
    const { generic, direct, refused } = encodeBoth(items);
    expect(refused).toEqual([0, 0]);
    expect(direct.equals(generic)).toBe(true);
  });
});
