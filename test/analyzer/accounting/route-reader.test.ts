/**
 * `index build` reads RIB entries for their path only (FileSource.readRoutes, PrefixState.announce).
 * It must build exactly the routing state the element stream builds: same routes, same order,
 * same origins, same counters. Checked on MRT files the test encodes (every case the shortcut
 * touches) and on the real files in shared data.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tableFromSource } from '../../../analyzer/accounting/from-files.js';
import { originAsnsOf } from '../../../analyzer/state/index.js';
import { originAsnsOfPath } from '../../../analyzer/state/origins.js';
import type { PrefixState } from '../../../analyzer/state/index.js';
import { FileSource } from '../../../collector/sources/index.js';
import {
  aggregator,
  as4Aggregator,
  as4Path,
  asPath,
  bgp4mpMessage,
  bgp4mpStateChange,
  communities,
  concat,
  mpReach,
  nextHop,
  origin,
  peerIndexTable,
  prefix,
  rib,
  ribMpReach,
  tableDump,
  update,
} from '../../helpers/mrt-encoder.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../../helpers/shared-data.js';
import { elementsOnly } from '../../helpers/elements-only.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { syntheticMessages, writeCapture } from '../../collector/rislive/fixtures.js';

const dir = makeTmpDir('route-reader');

/** Every route the reader hands over, as (collector, prefix, peer, path id, time, origins). */
async function routesOf(files: string[]): Promise<string[]> {
  const out: string[] = [];
  await new FileSource(files).readRoutes({
    ribEntry: (collector, prefix, peerIp, peerAsn, pathId, time, path) => out.push(JSON.stringify(['announce', collector, prefix, peerIp, peerAsn, pathId ?? null, time, originAsnsOfPath(path.originAsns, path.asPath)])),
    event: (e) => out.push(JSON.stringify([e.elem_type, e.collector, e.prefix, e.peer_ip, e.peer_asn, e.path_id ?? null, e.timestamp, e.elem_type === 'announce' ? originAsnsOf(e) : null])),
  });
  return out;
}

async function eventsOf(files: string[]): Promise<string[]> {
  const out: string[] = [];
  for await (const e of new FileSource(files).events()) out.push(JSON.stringify([e.elem_type, e.collector, e.prefix, e.peer_ip, e.peer_asn, e.path_id ?? null, e.timestamp, e.elem_type === 'announce' ? originAsnsOf(e) : null]));
  return out;
}

function pairs(state: PrefixState): string[] {
  const out: string[] = [];
  state.forEachPair((prefix, p) => out.push(`${prefix} ${p.originAsns.join(',')} peers=${p.peers} first=${p.firstSeen} last=${p.lastSeen}`));
  return out;
}

async function expectSameState(files: string[]): Promise<number> {
  const fast = new FileSource(files);
  const a = await tableFromSource(fast);
  const slow = elementsOnly(files);
  const b = await tableFromSource(slow);
  expect(pairs(a.state)).toEqual(pairs(b.state));
  expect(a.state.counters).toEqual(b.state.counters);
  expect(a.state.size()).toEqual(b.state.size());
  expect([a.elements, a.latest]).toEqual([b.elements, b.latest]);
  const { detail: _a, ...statsA } = fast.stats();
  const { detail: _b, ...statsB } = slow.stats();
  expect(statsA).toEqual(statsB);
  return a.elements;
}

const seq = (asns: number[]) => ({ type: 2 as const, asns });
const set = (asns: number[]) => ({ type: 1 as const, asns });
const peerA = { peerAsn: 64500, localAsn: 65000, peerIp: '192.0.2.10', localIp: '192.0.2.1' };

describe('RIB entries read for their path only (self-contained)', () => {
  // Every case the shortcut decides differently from a full decode, with updates in between.
  const file = join(dir, 'rrc99.bview.mixed');
  writeFileSync(
    file,
    concat(
      // TABLE_DUMP, 2-byte session: AS4_PATH replaces AS_TRANS; AGGREGATOR AS_TRANS with AS4_AGGREGATOR.
      tableDump('10.1.0.0/16', '192.0.2.10', 64500, [origin(0), asPath([seq([64500, 23456])], 2), as4Path([seq([4200000001])]), nextHop('192.0.2.10')]),
      tableDump('10.2.0.0/16', '192.0.2.10', 64500, [origin(0), asPath([seq([64500, 23456])], 2), aggregator(23456, '192.0.2.9', 2), as4Aggregator(4200000002, '192.0.2.9'), as4Path([seq([4200000002])])]),
      // AGGREGATOR not AS_TRANS with AS4_AGGREGATOR: AS4_* ignored, origin stays 23456.
      tableDump('10.3.0.0/16', '192.0.2.10', 64500, [asPath([seq([64500, 23456])], 2), aggregator(64501, '192.0.2.9', 2), as4Aggregator(4200000003, '192.0.2.9'), as4Path([seq([4200000003])])]),
      // AS_SET origin, empty path, duplicate AS_PATH (ignored), communities the shortcut skips.
      tableDump('10.4.0.0/16', '192.0.2.10', 64500, [asPath([seq([64500]), set([64999, 64998, 64999])], 2), communities([[64500, 1]])]),
      tableDump('10.5.0.0/16', '192.0.2.10', 64500, [origin(0), asPath([], 2)]),
      tableDump('10.6.0.0/16', '192.0.2.10', 64500, [asPath([seq([64500, 64510])], 2), asPath([seq([64500, 64511])], 2)]),
      tableDump('10.1.0.0/16', '192.0.2.11', 64502, [asPath([seq([64502, 64520])], 2)]),
      peerIndexTable([
        { ip: '192.0.2.20', asn: 4200000020 },
        { ip: '2001:db8::20', asn: 64520 },
      ]),
      rib('10.7.0.0/16', [
        { peerIndex: 0, attrs: [origin(0), asPath([seq([4200000020, 64530])]), ribMpReach('192.0.2.20')] },
        { peerIndex: 1, attrs: [asPath([seq([64520, 64531])])] },
        { peerIndex: 7, attrs: [asPath([seq([64520, 64532])])] }, // no such peer: skipped by both
      ]),
      rib('2001:db8:100::/48', [{ peerIndex: 1, attrs: [asPath([seq([64520, 64540])]), ribMpReach('2001:db8::20')] }]),
      rib('10.8.0.0/16', [
        { peerIndex: 0, pathId: 1, attrs: [asPath([seq([4200000020, 64550])])] },
        { peerIndex: 0, pathId: 2, attrs: [asPath([seq([4200000020, 64551])])] },
      ]),
      // UPDATEs between RIB records: a withdrawal of a RIB route, an origin change, an IPv6 announcement.
      bgp4mpMessage(peerA, update({ withdrawn: [prefix('10.2.0.0/16')] })),
      bgp4mpMessage(peerA, update({ attrs: [origin(0), asPath([seq([64500, 64560])]), nextHop('192.0.2.10')], nlri: [prefix('10.6.0.0/16'), prefix('10.9.0.0/16')] })),
      bgp4mpMessage(peerA, update({ attrs: [origin(0), asPath([seq([64500, 64570])]), mpReach(2, ['2001:db8::10'], [prefix('2001:db8:200::/48')])] })),
      // The same (prefix, peer) again, later in the file, with another origin: the later one wins.
      tableDump('10.1.0.0/16', '192.0.2.11', 64502, [asPath([seq([64502, 64521])], 2)]),
      rib('10.7.0.0/16', [{ peerIndex: 1, attrs: [asPath([])] }]),
    ),
  );

  it('hands over the same routes, in the same order, as the element stream', async () => {
    const routes = await routesOf([file]);
    expect(routes).toEqual(await eventsOf([file]));
    expect(routes.length).toBeGreaterThan(15);
    // The cases above really are in the file: AS4 merge, AS4 ignored, AS_SET, no origin, add-path.
    const text = routes.join('\n');
    for (const needle of ['[4200000001]', '[23456]', '[64998,64999]', '"10.5.0.0/16","192.0.2.10",64500,null,1700000000,null]', '"10.8.0.0/16","192.0.2.20",4200000020,2,']) expect(text).toContain(needle);
  });

  it('builds the same routing state, counters and source stats', async () => {
    expect(await expectSameState([file])).toBeGreaterThan(15);
  });

  it('takes a peer going down in its place: its RIB routes and announcements gone, as in the element stream', async () => {
    const down = join(dir, 'rrc99.bview.down');
    writeFileSync(
      down,
      concat(
        readFileSync(file),
        bgp4mpStateChange(peerA, 6, 1, true, undefined, 1_700_000_500),
        bgp4mpMessage(peerA, update({ attrs: [origin(0), asPath([seq([64500, 64580])]), nextHop('192.0.2.10')], nlri: [prefix('10.10.0.0/16')] }), 4, { seconds: 1_700_000_600 }),
      ),
    );
    await expectSameState([down]);
    const before = await tableFromSource(new FileSource([file]));
    const after = await tableFromSource(new FileSource([down]));
    const visible = (state: PrefixState) => (prefix: string, origin: number) => state.visibility(prefix, origin);
    const [was, is] = [visible(before.state), visible(after.state)];
    // Peer A's routes, from the RIB and from UPDATEs, are gone; the other peers' stay.
    for (const [prefix, origin] of [['10.1.0.0/16', 4200000001], ['10.6.0.0/16', 64560], ['10.9.0.0/16', 64560], ['2001:db8:200::/48', 64570]] as const) {
      expect([was(prefix, origin), is(prefix, origin)], prefix).toEqual([1, 0]);
    }
    for (const [prefix, origin] of [['10.1.0.0/16', 64521], ['10.7.0.0/16', 64530], ['10.8.0.0/16', 64550]] as const) {
      expect([was(prefix, origin), is(prefix, origin)], prefix).toEqual([1, 1]);
    }
    // Its announcement after the session is back counts.
    expect(is('10.10.0.0/16', 64580)).toBe(1);
    expect(after.state.counters.peerDowns).toBe(1);
    expect(after.elements).toBe(before.elements + 1);
  });

  it('reads a RIS Live capture after the RIB as events, in order', async () => {
    const capture = writeCapture(dir, 'after.jsonl', syntheticMessages(30, 1_700_000_100));
    expect(await routesOf([file, capture])).toEqual(await eventsOf([file, capture]));
    expect(await expectSameState([file, capture])).toBeGreaterThan(45);
  });
});

describe.skipIf(!hasSharedData)(`RIB entries read for their path only: ${sharedDataSkipReason}`, () => {
  const mrt = (...p: string[]) => sharedData('mrt', ...p);
  it.each([
    ['TABLE_DUMP, 2002', [mrt('bgpdump-testdata', 'bview.20020722.2337.gz')]],
    ['TABLE_DUMP_V2 and ADD-PATH', [mrt('bgpkit-fixtures', 'rrc00', '2000.01', 'bview.20000111.0032.gz'), mrt('bgpdump-testdata', 'bview.ipv4_unicast_add_path.gz'), mrt('bgpdump-testdata', 'bview.ipv6_unicast_add_path.gz')]],
    ['RIBs from other software', [mrt('mrtparse-samples', 'quagga_rib'), mrt('mrtparse-samples', 'openbgpd_rib_table-mp'), mrt('mrtparse-samples', 'bird-mrtdump_rib'), mrt('pyasn-data', 'bview.20140112.1600_3samples.bz2')]],
    ['a RIB, then updates', [mrt('bgpdump-testdata', 'bview.64k_stream_overflow.gz'), mrt('bgpdump-testdata', 'updates.20020722.2238.gz')]],
  ])('%s: same routing state as the element stream', async (_name, files) => {
    expect(await expectSameState(files)).toBeGreaterThan(0);
  }, 120_000);
});
