/**
 * RIB records read straight from their bytes (DirectRibReader) must give, for every record they
 * take, exactly the routes the full decode gives, and must leave every record with anything odd
 * in it to the full decode (which warns about it). Records built by the test encoder.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { originAsnsOfPath } from '../../../analyzer/state/origins.js';
import type { MrtFrame } from '../../../collector/mrt/framing.js';
import { newStats, readMrtElems } from '../../../collector/mrt/index.js';
import { DirectRibReader } from '../../../collector/mrt/rib-direct.js';
import type { PeerIndexEntry } from '../../../collector/models/mrt.js';
import { aggregator, as4Aggregator, as4Path, asPath, attr, communities, concat, nextHop, origin, peerIndexTable, rib, ribMpReach, tableDump, type Seg } from '../../helpers/mrt-encoder.js';

const seq = (asns: number[]): Seg => ({ type: 2, asns });
const set = (asns: number[]): Seg => ({ type: 1, asns });
const confedSeq = (asns: number[]): Seg => ({ type: 4, asns });
const confedSet = (asns: number[]): Seg => ({ type: 3, asns });

const PEERS: PeerIndexEntry[] = [
  { bgpId: '10.0.0.1', afi: 1, ip: '192.0.2.20', asn: 4200000020 },
  { bgpId: '10.0.0.1', afi: 2, ip: '2001:db8::20', asn: 64520 },
];
const peerTable = peerIndexTable(PEERS.map((p) => ({ ip: p.ip, asn: p.asn })));

/** The frame of one encoded record (its 12-byte header read as framing.ts does). */
function frameOf(bytes: Uint8Array): MrtFrame {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { offset: 0, seconds: v.getUint32(0), microseconds: 0, type: v.getUint16(4), subtype: v.getUint16(6), body: bytes.subarray(12, 12 + v.getUint32(8)) };
}

/** What the direct reader makes of a record: its routes, or null when it leaves it to the full decode. */
function direct(record: Uint8Array): string[] | null {
  const out: string[] = [];
  const reader = new DirectRibReader((prefix, peerIp, peerAsn, pathId, time, origins) => out.push(JSON.stringify([prefix, peerIp, peerAsn, pathId ?? null, time, originAsnsOfPath(origins, undefined)])));
  return reader.read(frameOf(record), { peers: PEERS }) ? out : null;
}

/** The same record's routes from the element stream (the full decode), and its warnings. */
async function full(record: Uint8Array): Promise<{ routes: string[]; warnings: number }> {
  const stats = newStats();
  const routes: string[] = [];
  for await (const e of readMrtElems(Readable.from([Buffer.from(concat(peerTable, record))]), stats)) {
    routes.push(JSON.stringify([e.prefix, e.peer_ip, e.peer_asn, e.path_id ?? null, e.timestamp, originAsnsOfPath(e.origin_asns, e.as_path)]));
  }
  return { routes, warnings: Object.values(stats.warnings).reduce((a, b) => a + b, 0) };
}

describe('RIB records read straight from their bytes', () => {
  const clean: Array<[string, Uint8Array]> = [
    ['TABLE_DUMP, a sequence', tableDump('10.1.0.0/16', '192.0.2.10', 64500, [origin(0), asPath([seq([64500, 64510])], 2), nextHop('192.0.2.10'), communities([[64500, 1]])])],
    ['TABLE_DUMP, host bits in the prefix', tableDump('10.1.2.3/16', '192.0.2.10', 64500, [asPath([seq([64500, 64511])], 2)])],
    ['TABLE_DUMP, an AS_SET origin with a repeat', tableDump('10.2.0.0/16', '192.0.2.10', 64500, [asPath([seq([64500]), set([64999, 64998, 64999])], 2)])],
    ['TABLE_DUMP, an empty AS_PATH', tableDump('10.3.0.0/16', '192.0.2.10', 64500, [origin(0), asPath([], 2)])],
    ['TABLE_DUMP, no AS_PATH', tableDump('10.4.0.0/16', '192.0.2.10', 64500, [origin(0)])],
    ['TABLE_DUMP, a trailing empty AS_SET', tableDump('10.5.0.0/16', '192.0.2.10', 64500, [asPath([seq([64500, 64512]), set([])], 2)])],
    ['TABLE_DUMP, a sequence then a confederation', tableDump('10.6.0.0/16', '192.0.2.10', 64500, [asPath([seq([64500, 64513]), confedSeq([65001])], 2)])],
    ['TABLE_DUMP, only a confederation sequence', tableDump('10.7.0.0/16', '192.0.2.10', 64500, [asPath([confedSeq([65001, 65002])], 2)])],
    ['TABLE_DUMP, only a confederation set', tableDump('10.8.0.0/16', '192.0.2.10', 64500, [asPath([confedSet([65003, 65002])], 2)])],
    ['TABLE_DUMP, an unknown attribute and a 2-byte AGGREGATOR', tableDump('10.9.0.0/16', '192.0.2.10', 64500, [asPath([seq([64500, 64514])], 2), aggregator(64514, '192.0.2.9', 2), attr(99, [1, 2, 3], 0xc0)])],
    ['TABLE_DUMP, IPv6', tableDump('2001:db8:1::/48', '2001:db8::10', 64500, [asPath([seq([64500, 64515])], 2)])],
    ['TABLE_DUMP_V2, two peers', rib('10.10.0.0/16', [{ peerIndex: 0, attrs: [origin(0), asPath([seq([4200000020, 64530])]), ribMpReach('192.0.2.20')] }, { peerIndex: 1, attrs: [asPath([seq([64520, 4200000031])])] }])],
    ['TABLE_DUMP_V2, ADD-PATH', rib('10.11.0.0/16', [{ peerIndex: 0, pathId: 1, attrs: [asPath([seq([4200000020, 64550])])] }, { peerIndex: 0, pathId: 2, attrs: [asPath([seq([4200000020, 64551])]), aggregator(64551, '192.0.2.9')] }])],
    ['TABLE_DUMP_V2, IPv6', rib('2001:db8:100::/48', [{ peerIndex: 1, attrs: [asPath([seq([64520, 64540])]), ribMpReach('2001:db8::20')] }])],
    ['TABLE_DUMP_V2, no entries', rib('10.12.0.0/16', [])],
  ];
  it.each(clean)('%s: read here, the same routes as the full decode', async (_name, record) => {
    const routes = direct(record);
    const reference = await full(record);
    expect(reference.warnings).toBe(0);
    expect(routes).toEqual(reference.routes);
  });

  /** A TABLE_DUMP record whose attribute length says `cut` bytes fewer than it holds. */
  const shortened = (record: Uint8Array, cut: number): Uint8Array => {
    const r = Uint8Array.from(record);
    const at = 12 + 4 + 4 + 2 + 4 + 4 + 2; // header, view and sequence, prefix, length and status, time, peer IP, peer AS
    const len = (r[at] << 8) | r[at + 1];
    r[at] = (len - cut) >> 8;
    r[at + 1] = (len - cut) & 255;
    return r;
  };
  // Each one the full decode warns about, but AS4_PATH and AS4_AGGREGATOR (merged there, RFC 6793).
  const odd: Array<[string, Uint8Array]> = [
    ['a malformed AS_PATH (segment type 9)', tableDump('10.20.0.0/16', '192.0.2.10', 64500, [attr(2, [9, 1, 0, 1])])],
    ['an AS_PATH segment longer than its attribute', tableDump('10.21.0.0/16', '192.0.2.10', 64500, [attr(2, [2, 3, 0, 1, 0, 2])])],
    ['a duplicate AS_PATH', tableDump('10.22.0.0/16', '192.0.2.10', 64500, [asPath([seq([64500, 64510])], 2), asPath([seq([64500, 64511])], 2)])],
    ['a duplicate unknown attribute', tableDump('10.23.0.0/16', '192.0.2.10', 64500, [asPath([seq([64500])], 2), attr(99, [1]), attr(99, [2])])],
    ['AS4_PATH (RFC 6793 merge)', tableDump('10.24.0.0/16', '192.0.2.10', 64500, [asPath([seq([64500, 23456])], 2), as4Path([seq([4200000001])])])],
    ['AS4_AGGREGATOR', tableDump('10.25.0.0/16', '192.0.2.10', 64500, [asPath([seq([64500])], 2), aggregator(23456, '192.0.2.9', 2), as4Aggregator(4200000002, '192.0.2.9')])],
    ['a 4-byte AGGREGATOR in a 2-byte context', tableDump('10.26.0.0/16', '192.0.2.10', 64500, [asPath([seq([64500])], 2), aggregator(64500, '192.0.2.9', 4)])],
    ['bytes after the attributes', shortened(tableDump('10.27.0.0/16', '192.0.2.10', 64500, [asPath([seq([64500])], 2), attr(99, [1, 2, 3])]), 6)],
    ['an attribute running past the section', shortened(tableDump('10.28.0.0/16', '192.0.2.10', 64500, [asPath([seq([64500])], 2), attr(99, [1, 2, 3])]), 2)],
    ['an invalid prefix length', tableDump('10.29.0.0/33', '192.0.2.10', 64500, [asPath([seq([64500])], 2)])],
    ['a RIB entry of an unknown peer', rib('10.30.0.0/16', [{ peerIndex: 0, attrs: [asPath([seq([4200000020, 64530])])] }, { peerIndex: 7, attrs: [asPath([seq([64520, 64532])])] }])],
    ['a RIB entry with AS4_PATH', rib('10.31.0.0/16', [{ peerIndex: 0, attrs: [asPath([seq([4200000020, 64530])])] }, { peerIndex: 1, attrs: [asPath([seq([64520])]), as4Path([seq([64520])])] }])],
    ['a RIB record cut inside its entries', rib('10.32.0.0/16', [{ peerIndex: 0, attrs: [asPath([seq([4200000020, 64530])])] }, { peerIndex: 1, attrs: [asPath([seq([64520, 64533])])] }]).subarray(0, -3)],
  ];
  it.each(odd)('%s: left to the full decode', async (name, record) => {
    const framed = Uint8Array.from(record);
    // A record cut short keeps a header that still says its full length: frame what is there.
    const body = framed.length - 12;
    new DataView(framed.buffer).setUint32(8, body);
    expect(direct(framed)).toBeNull();
    if (!/AS4_/.test(name)) expect((await full(framed)).warnings).toBeGreaterThan(0);
  });

  it('a RIB record before any PEER_INDEX_TABLE is left to the full decode', () => {
    const record = rib('10.33.0.0/16', [{ peerIndex: 0, attrs: [asPath([seq([4200000020, 64530])])] }]);
    const reader = new DirectRibReader(() => expect.unreachable());
    expect(reader.read(frameOf(record), {})).toBe(false);
    expect(reader.read(frameOf(peerTable), { peers: PEERS })).toBe(false);
  });
});
