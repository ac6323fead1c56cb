/**
 * BGP4MP records (UPDATEs, KEEPALIVEs, state changes) written straight from their bytes
 * (DirectBgpdumpWriter, DirectJsonlWriter, both on Bgp4mpScan) must give, for every record they
 * take, exactly the text of the full decode (format.ts's bgpdump lines; recordToElems as JSON
 * lines), and must leave every record with anything odd in it (which the full decode warns
 * about, or prints its own way) to the full decode, having written nothing. Records built by
 * the test encoder, then mutated at random, then every record of the real updates files. The
 * writers also take IPv4 TABLE_DUMP entries: the same checks, and the 2002 RIB dump.
 */
import { existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { DirectBgpdumpWriter } from '../../collector/bgpdump/direct.js';
import { formatBgpdump } from '../../collector/bgpdump/format.js';
import { DirectJsonlWriter } from '../../collector/jsonl/direct.js';
import type { MrtFrame } from '../../collector/mrt/framing.js';
import type { MrtRecord, PeerIndexEntry } from '../../collector/models/mrt.js';
import { newStats, readMrtFrameBatches, recordToElems } from '../../collector/mrt/index.js';
import { parseBgp4mp } from '../../collector/mrt/bgp4mp.js';
import { parseTableDump } from '../../collector/mrt/table-dump.js';
import { parseTableDumpV2 } from '../../collector/mrt/table-dump-v2.js';
import { MrtTextWriter } from '../../collector/mrt/text-writer.js';
import { printMrt, type TextFormat } from '../../collector/text/print.js';
import { TextBytes } from '../../common/text-bytes.js';
import {
  aggregator,
  as4Aggregator,
  as4Path,
  asPath,
  atomic,
  attr,
  bgp4mpMessage,
  bgp4mpStateChange,
  bgpMessage,
  clusterList,
  communities,
  concat,
  extCommunities,
  ip6,
  largeCommunities,
  localPref,
  med,
  mpReach,
  mpUnreach,
  mrt as mrtRecord,
  nextHop,
  onlyToCustomer,
  origin,
  originatorId,
  peerIndexTable,
  prefix,
  rib,
  ribMpReach,
  tableDump,
  u16,
  u32,
  update,
  type Peer,
  type Seg,
} from '../helpers/mrt-encoder.js';
import { hasSharedData, sharedData } from '../helpers/shared-data.js';

const seq = (asns: number[]): Seg => ({ type: 2, asns });
const set = (asns: number[]): Seg => ({ type: 1, asns });
const V4: Peer = { peerAsn: 4200000001, localAsn: 12654, peerIp: '192.0.2.1', localIp: '192.0.2.254' };
const V6: Peer = { peerAsn: 64501, localAsn: 12654, peerIp: '2001:db8::1', localIp: '2001:db8::fe' };
const MAPPED: Peer = { peerAsn: 64502, localAsn: 12654, peerIp: '::ffff:192.0.2.7', localIp: '2001:db8::fe' };

/** The frame of one encoded record (its header read as framing.ts does, _ET microseconds split off). */
function frameOf(bytes: Uint8Array): MrtFrame {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = v.getUint16(4);
  const length = v.getUint32(8);
  const et = type === 17 && length >= 4;
  return { offset: 0, seconds: v.getUint32(0), microseconds: et ? v.getUint32(12) : 0, type, subtype: v.getUint16(6), body: bytes.subarray(et ? 16 : 12, 12 + length) };
}

/** A direct writer and the full decode it must agree with. */
interface Format {
  name: string;
  writer: (out: TextBytes) => { elements: number; peers: PeerIndexEntry[] | undefined; message(f: MrtFrame): boolean };
  /** The text of a record decoded in full. */
  text: (record: MrtRecord) => string;
}

const FORMATS: Format[] = [
  { name: 'bgpdump', writer: (out) => new DirectBgpdumpWriter(out), text: formatBgpdump },
  { name: 'jsonl', writer: (out) => new DirectJsonlWriter(out), text: (record) => recordToElems(record).map((e) => `${JSON.stringify(e)}\n`).join('') },
];

/** What a direct writer writes for a frame (null: it left the frame to the full decode), and the elements it counted. */
function direct(format: Format, f: MrtFrame, peers?: PeerIndexEntry[]): { text: string; elements: number } | null {
  const out = new TextBytes(16);
  const writer = format.writer(out);
  writer.peers = peers;
  const taken = writer.message(f);
  const text = Buffer.from(out.take()).toString('latin1');
  if (!taken) {
    expect(text).toBe(''); // nothing written for a frame it leaves
    return null;
  }
  return { text, elements: writer.elements };
}

/** The full decode (after the PEER_INDEX_TABLE of `peers`, when given): the text the format makes of the frame, and the decoder's warnings. */
function full(format: Format, f: MrtFrame, peers?: PeerIndexEntry[]): { text: string; warnings: string[] } {
  const warnings: string[] = [];
  const report = (_kind: string, _offset: number, message: string) => warnings.push(message);
  const record = f.type === 12 ? parseTableDump(f, report) : f.type === 13 ? parseTableDumpV2(f, { peers }, report) : parseBgp4mp(f, report);
  return { text: record ? format.text(record) : '', warnings };
}

const lineCount = (text: string) => text.split('\n').length - 1;

const base = [origin(0), asPath([seq([4200000001, 3356, 64496])]), nextHop('192.0.2.1')];
const v6Reach = (nh: string[], prefixes: Uint8Array[]) => mpReach(2, nh, prefixes);
const clean: Array<[string, Uint8Array]> = [
  ['an IPv4 announcement', bgp4mpMessage(V4, update({ attrs: base, nlri: [prefix('10.0.0.0/8')] }))],
  ['withdrawals only', bgp4mpMessage(V4, update({ withdrawn: [prefix('10.1.0.0/16'), prefix('0.0.0.0/0'), prefix('10.2.3.4/32')] }))],
  ['host bits kept as on the wire', bgp4mpMessage(V4, update({ attrs: base, nlri: [prefix('10.1.2.3/9'), prefix('10.1.2.3/25')] }))],
  [
    'every printed attribute, several prefixes',
    bgp4mpMessage(V4, update({ withdrawn: [prefix('10.9.0.0/16')], attrs: [origin(1), asPath([seq([4200000001, 3356]), set([64496, 64497])]), nextHop('192.0.2.1'), med(5), localPref(100), atomic(), aggregator(64496, '192.0.2.9'), communities([[65535, 65281], [65535, 65282], [65535, 65283], [3356, 2], [0, 0]])], nlri: [prefix('10.3.0.0/16'), prefix('10.4.0.0/16'), prefix('10.5.0.0/24')] })),
  ],
  ['an aggregator at 255.255.255.255, MED and LOCAL_PREF past 2^31', bgp4mpMessage(V4, update({ attrs: [...base, aggregator(64496, '255.255.255.255'), med(0xfffffffe), localPref(0x80000000)], nlri: [prefix('10.6.0.0/16')] }))],
  ['confederation segments and an empty segment', bgp4mpMessage(V4, update({ attrs: [origin(2), asPath([{ type: 4, asns: [65001, 65002] }, { type: 3, asns: [65003] }, seq([]), seq([3356, 64496]), set([])]), nextHop('192.0.2.1')], nlri: [prefix('10.7.0.0/16')] }))],
  ['an empty AS_PATH', bgp4mpMessage(V4, update({ attrs: [origin(0), asPath([]), nextHop('192.0.2.1')], nlri: [prefix('10.8.0.0/16')] }))],
  [
    'the attributes bgpdump does not print',
    bgp4mpMessage(V4, update({ attrs: [...base, originatorId('192.0.2.3'), clusterList(['192.0.2.4', '192.0.2.5']), communities([[3356, 70]]), extCommunities(['0002fde800000001', '0102c0a8000a0001']), largeCommunities([[4200000001, 1, 2]]), onlyToCustomer(64496), attr(99, [1, 2, 3], 0xc0)], nlri: [prefix('10.10.0.0/16')] })),
  ],
  ['AS4_PATH and AS4_AGGREGATOR in a 4-byte session', bgp4mpMessage(V4, update({ attrs: [...base, as4Path([seq([1, 2])]), as4Aggregator(4200000009, '192.0.2.9'), aggregator(23456, '192.0.2.9')], nlri: [prefix('10.11.0.0/16')] }))],
  ['a 2-byte session', bgp4mpMessage({ ...V4, peerAsn: 64500 }, update({ attrs: [origin(0), asPath([seq([64500, 3356])], 2), nextHop('192.0.2.1'), aggregator(3356, '192.0.2.9', 2)], nlri: [prefix('10.12.0.0/16')] }), 1)],
  ['LOCAL and ADD-PATH subtypes', bgp4mpMessage(V4, update({ withdrawn: [prefix('10.13.0.0/16', 7)], attrs: base, nlri: [prefix('10.14.0.0/16', 1), prefix('10.14.0.0/16', 4294967295)] }), 11)],
  ['BGP4MP_ET with microseconds', bgp4mpMessage(V4, update({ attrs: base, nlri: [prefix('10.15.0.0/16')] }), 4, { et: 42 })],
  [
    'IPv6: MP_REACH with a link-local next hop, MP_UNREACH, an IPv6 peer',
    bgp4mpMessage(V6, update({ attrs: [origin(0), asPath([seq([64501, 3356])]), v6Reach(['2001:db8::1', 'fe80::1'], [prefix('2001:db8:1::/48'), prefix('2001:db8:2::/47'), prefix('::/0')]), mpUnreach(2, [prefix('2001:db8:9::/48')])] })),
  ],
  ['MP_REACH of IPv6 with ADD-PATH', bgp4mpMessage(V6, update({ attrs: [origin(0), asPath([seq([64501])]), v6Reach(['2001:db8::1'], [prefix('2001:db8:1::/48', 3)])] }), 9)],
  ['an IPv4-mapped peer', bgp4mpMessage(MAPPED, update({ attrs: [origin(0), asPath([seq([64502])]), v6Reach(['::ffff:192.0.2.7'], [prefix('2001:db8:3::/48')])] }))],
  ['IPv4 in MP_REACH: LOCAL_PREF and MED printed signed', bgp4mpMessage(V4, update({ attrs: [origin(0), asPath([seq([64496])]), med(0xffffffff), localPref(0x80000001), nextHop('192.0.2.1'), mpReach(1, ['192.0.2.1'], [prefix('10.16.0.0/16')], 2)], nlri: [prefix('10.17.0.0/16')] }))],
  ['an UPDATE with nothing in it', bgp4mpMessage(V4, update({}))],
  ['a KEEPALIVE', bgp4mpMessage(V4, bgpMessage(4))],
  ['an OPEN with a 4-byte AS capability', bgp4mpMessage(V4, bgpMessage(1, concat([4], u16(23456), u16(180), [192, 0, 2, 1], [8], [2, 6, 65, 4], u32(4200000001))))],
  ['a NOTIFICATION', bgp4mpMessage(V4, bgpMessage(3, [6, 2, 0xde, 0xad]))],
  ['a ROUTE-REFRESH', bgp4mpMessage(V4, bgpMessage(5, [0, 1, 0, 1]))],
  ['a state change', bgp4mpStateChange(V4, 1, 2)],
  ['a state change of an IPv6 peer, _ET, 2-byte AS', bgp4mpStateChange({ ...V6, peerAsn: 64501 }, 6, 1, false, 123456)],
  ["Zebra's 8-byte state change", mrtRecord(16, 0, concat(u16(64500), u16(12654), u16(3), u16(4)))],
  ['a message shorter than its record (the rest ignored)', concatRecord(bgp4mpMessage(V4, update({ attrs: base, nlri: [prefix('10.18.0.0/16')] })), [0, 0, 0])],
];

const odd: Array<[string, Uint8Array]> = [
  ['a bad marker', bgp4mpMessage(V4, concat([0], update({ attrs: base }).subarray(1)))],
  ['an OPEN whose parameters run past it', bgp4mpMessage(V4, bgpMessage(1, concat([4], u16(64500), u16(180), [192, 0, 2, 1], [8], [2, 6, 65, 4])))],
  ['a NOTIFICATION without its subcode', bgp4mpMessage(V4, bgpMessage(3, [6]))],
  ['a ROUTE-REFRESH cut short', bgp4mpMessage(V4, bgpMessage(5, [0, 1, 0]))],
  ['a BGP message of type 9', bgp4mpMessage(V4, bgpMessage(9))],
  ['a message longer than its record', bgp4mpMessage(V4, update({ attrs: base, nlri: [prefix('10.0.0.0/8')] }).subarray(0, 40))],
  ['a duplicate attribute', bgp4mpMessage(V4, update({ attrs: [...base, origin(0)], nlri: [prefix('10.0.0.0/8')] }))],
  ['a malformed AS_PATH', bgp4mpMessage(V4, update({ attrs: [origin(0), attr(2, [2, 3, 0, 0, 0, 1]), nextHop('192.0.2.1')], nlri: [prefix('10.0.0.0/8')] }))],
  ['a 2-byte AGGREGATOR in a 4-byte session', bgp4mpMessage(V4, update({ attrs: [...base, aggregator(64496, '192.0.2.9', 2)], nlri: [prefix('10.0.0.0/8')] }))],
  ['AS4_PATH in a 2-byte session (merged by bgpdump)', bgp4mpMessage({ ...V4, peerAsn: 64500 }, update({ attrs: [origin(0), asPath([seq([64500, 23456])], 2), nextHop('192.0.2.1'), as4Path([seq([4200000001])])], nlri: [prefix('10.0.0.0/8')] }), 1)],
  ['an ORIGIN of 3', bgp4mpMessage(V4, update({ attrs: [origin(3), asPath([seq([1])]), nextHop('192.0.2.1')], nlri: [prefix('10.0.0.0/8')] }))],
  ['a MED of 3 bytes', bgp4mpMessage(V4, update({ attrs: [...base, attr(4, [0, 0, 1], 0x80)], nlri: [prefix('10.0.0.0/8')] }))],
  ['a LARGE_COMMUNITY of 8 bytes', bgp4mpMessage(V4, update({ attrs: [...base, attr(32, [0, 0, 0, 1, 0, 0, 0, 2], 0xc0)], nlri: [prefix('10.0.0.0/8')] }))],
  ['two MP_REACH_NLRI', bgp4mpMessage(V6, update({ attrs: [origin(0), asPath([seq([1])]), v6Reach(['2001:db8::1'], [prefix('2001:db8:1::/48')]), v6Reach(['2001:db8::1'], [prefix('2001:db8:2::/48')])] }))],
  ['an MP_REACH_NLRI with an SNPA', bgp4mpMessage(V6, update({ attrs: [origin(0), asPath([seq([1])]), attr(14, concat(u16(2), [1, 16], Buffer.alloc(16, 1), [1, 2, 0xaa], prefix('2001:db8:1::/48')), 0x80)] }))],
  ['an MP_REACH_NLRI of SAFI 128', bgp4mpMessage(V6, update({ attrs: [origin(0), asPath([seq([1])]), mpReach(2, ['2001:db8::1'], [prefix('2001:db8:1::/48')], 128)] }))],
  ['an IPv4 MP_REACH_NLRI with an IPv6 next hop', bgp4mpMessage(V4, update({ attrs: [origin(0), asPath([seq([1])]), attr(14, concat(u16(1), [1, 16], Buffer.alloc(16, 1), [0], prefix('10.0.0.0/8')), 0x80)] }))],
  ['a prefix longer than 32 bits', bgp4mpMessage(V4, update({ attrs: base, nlri: [concat([33], [10, 0, 0, 0, 0])] }))],
  ['an NLRI cut short', bgp4mpMessage(V4, update({ attrs: base, nlri: [concat([24], [10, 0])] }))],
  ['NLRI without NEXT_HOP', bgp4mpMessage(V4, update({ attrs: [origin(0), asPath([seq([1])])], nlri: [prefix('10.0.0.0/8')] }))],
  ['MP_REACH without ORIGIN', bgp4mpMessage(V6, update({ attrs: [asPath([seq([1])]), v6Reach(['2001:db8::1'], [prefix('2001:db8:1::/48')])] }))],
  ['attributes running past the message', bgp4mpMessage(V4, bgpMessage(2, concat(u16(0), u16(200), origin(0))))],
  ['microseconds past 999,999', bgp4mpMessage(V4, update({ attrs: base, nlri: [prefix('10.0.0.0/8')] }), 4, { et: 1_000_000 })],
  ['a state change without its states', concat(u32(1_700_000_000), u16(16), u16(5), u32(20), u32(1), u32(2), u16(0), u16(1), [192, 0, 2, 1], [192, 0, 2, 2])],
  ['a state change of AFI 3', mrtRecord(16, 5, concat(u32(1), u32(2), u16(0), u16(3), [192, 0, 2, 1], [192, 0, 2, 2], u16(1), u16(2)))],
];

// Each length rule of UPDATE_RULES, broken once: the decoder warns (or discards), so the record is left.
const badLength: Array<[string, Uint8Array]> = [
  ['ORIGIN', attr(1, [0, 0])],
  ['NEXT_HOP', attr(3, [192, 0, 2])],
  ['LOCAL_PREF', attr(5, [0, 100])],
  ['ATOMIC_AGGREGATE', attr(6, [0])],
  ['COMMUNITIES', attr(8, [0, 1, 0], 0xc0)],
  ['ORIGINATOR_ID', attr(9, [192, 0, 2], 0x80)],
  ['CLUSTER_LIST', attr(10, [192, 0, 2, 1, 9], 0x80)],
  ['EXTENDED_COMMUNITIES', attr(16, [0, 2, 0, 0, 0, 0, 1], 0xc0)],
  ['AS4_AGGREGATOR', attr(18, [0, 1, 192, 0, 2, 1], 0xc0)],
  ['ONLY_TO_CUSTOMER', attr(35, [0, 1, 2], 0xc0)],
].map(([name, bad]) => [`a ${name} of the wrong length`, bgp4mpMessage(V4, update({ attrs: [...base.filter((a) => a[1] !== (bad as Uint8Array)[1]), bad as Uint8Array], nlri: [prefix('10.0.0.0/8')] }))]);
odd.push(...badLength, ['a confederation segment in AS4_PATH', bgp4mpMessage(V4, update({ attrs: [...base, as4Path([{ type: 4, asns: [65001] }])], nlri: [prefix('10.0.0.0/8')] }))]);

describe.each(FORMATS)('$name written straight from the bytes of BGP4MP records', (format) => {
  it('one writer over all the records gives the text of each in turn (nothing carried from one to the next)', () => {
    const out = new TextBytes(16);
    const writer = format.writer(out);
    // Each record after each other one: a field of one record must not show in the next.
    const frames = clean.flatMap(([, a]) => clean.map(([, b]) => [frameOf(a), frameOf(b)])).flat();
    let expected = '';
    for (const f of frames) {
      expect(writer.message(f)).toBe(true);
      expected += full(format, f).text;
    }
    expect(Buffer.from(out.take()).toString('latin1')).toBe(expected);
  });

  it.each(clean)('%s: the full decode text, no warning', (_name, record) => {
    const f = frameOf(record);
    const ours = direct(format, f);
    const theirs = full(format, f);
    expect(theirs.warnings).toEqual([]);
    expect(ours).not.toBeNull();
    expect(ours!.text).toBe(theirs.text);
    // One element a line, but state changes.
    expect(ours!.elements).toBe(lineCount(theirs.text.replace(/^.*\|STATE\|.*\n/gm, '')));
  });

  it.each(odd)('%s: left to the full decode', (_name, record) => {
    expect(direct(format, frameOf(record))).toBeNull();
  });

  it('takes a mutated record only when the full decode prints the same text without a warning', () => {
    mutated(format, clean);
  });
});

/**
 * Records of `clean` with 1-3 bytes past the MRT header changed at random, 4,000 of them: each
 * one the writer takes, the full decode prints the same and warns about nothing; both sides are
 * exercised. Deterministic (a fixed-seed generator), so a failure names a reproducible case.
 */
function mutated(format: Format, clean: Array<[string, Uint8Array]>, peers?: PeerIndexEntry[]): void {
  let seed = 0x2545f491;
  const random = (n: number) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  let taken = 0;
  let left = 0;
  for (let i = 0; i < 4000; i++) {
    const record = Buffer.from(clean[i % clean.length][1]);
    const flips = 1 + random(3);
    for (let k = 0; k < flips; k++) record[12 + random(record.length - 12)] = random(4) === 0 ? 0xff : random(256);
    const f = frameOf(record);
    if (f.body.length !== record.length - (f.type === 17 ? 16 : 12)) continue; // the length field was hit: not one frame
    const ours = direct(format, f, peers);
    if (ours === null) {
      left++;
      continue;
    }
    taken++;
    const theirs = full(format, f, peers);
    expect(theirs.warnings, `case ${i}`).toEqual([]);
    expect(ours.text, `case ${i}`).toBe(theirs.text);
  }
  expect(taken).toBeGreaterThan(200);
  expect(left).toBeGreaterThan(200);
}

const PEER = '192.0.2.1';
const entryBase = (asnSize: 2 | 4) => [origin(0), asPath([seq([64500, 3356])], asnSize), nextHop('192.0.2.1')];
const cleanEntries: Array<[string, Uint8Array]> = [
  ['an entry', tableDump('10.0.0.0/8', PEER, 64500, entryBase(2))],
  ['host bits kept as stored', tableDump('10.1.2.3/9', PEER, 64500, entryBase(2))],
  [
    'every printed attribute',
    tableDump('10.3.0.0/16', PEER, 64500, [origin(1), asPath([seq([64500, 3356]), set([64496, 64497])], 2), nextHop('192.0.2.1'), med(5), localPref(100), atomic(), aggregator(64496, '192.0.2.9', 2), communities([[65535, 65281], [65535, 65282], [65535, 65283], [3356, 2]])]),
  ],
  ['MED and LOCAL_PREF past 2^31 (unsigned), an aggregator at 255.255.255.255', tableDump('10.4.0.0/16', PEER, 64500, [...entryBase(2), med(0xfffffffe), localPref(0x80000000), aggregator(64496, '255.255.255.255', 2)])],
  ['confederation segments and an empty segment', tableDump('10.5.0.0/16', PEER, 64500, [origin(2), asPath([{ type: 4, asns: [65001] }, { type: 3, asns: [65003, 65004] }, seq([]), seq([3356])], 2), nextHop('192.0.2.1')])],
  ['no ORIGIN, AS_PATH or NEXT_HOP (printed as INCOMPLETE, nothing and 255.255.255.255)', tableDump('10.6.0.0/16', PEER, 64500, [])],
  ['the attributes bgpdump does not print', tableDump('10.7.0.0/16', PEER, 64500, [...entryBase(2), originatorId('192.0.2.3'), clusterList(['192.0.2.4']), extCommunities(['0002fde800000001']), largeCommunities([[4200000001, 1, 2]]), attr(99, [1, 2, 3], 0xc0)])],
  ['4-byte ASNs (subtype 3)', tableDump('10.8.0.0/16', PEER, 4200000001, [...entryBase(4), aggregator(4200000009, '192.0.2.9')], 4)],
  ['the default route', tableDump('0.0.0.0/0', PEER, 64500, entryBase(2))],
];
const oddEntries: Array<[string, Uint8Array]> = [
  ['an IPv6 entry (its next hop is in MP_REACH_NLRI)', tableDump('2001:db8::/32', '2001:db8::1', 64500, entryBase(2))],
  ['an MP_REACH_NLRI in an IPv4 entry', tableDump('10.0.0.0/8', PEER, 64500, [...entryBase(2), attr(14, concat([4], [192, 0, 2, 1]), 0x80)])],
  ['an MP_UNREACH_NLRI', tableDump('10.0.0.0/8', PEER, 64500, [...entryBase(2), mpUnreach(1, [prefix('10.9.0.0/16')])])],
  ['bytes after the attributes', concatRecord(tableDump('10.0.0.0/8', PEER, 64500, entryBase(2)), [0, 0])],
  // The header and the attribute length of an entry with three attributes, then only the first.
  ['attributes running past the record', mrtRecord(12, 1, concat(tableDump('10.0.0.0/8', PEER, 64500, entryBase(2)).subarray(12, 34), entryBase(2)[0]))],
  ['a prefix longer than 32 bits', mrtRecord(12, 1, concat(Buffer.from(tableDump('10.0.0.0/8', PEER, 64500, entryBase(2)).subarray(12)).fill(33, 8, 9)))],
  ['a duplicate attribute', tableDump('10.0.0.0/8', PEER, 64500, [...entryBase(2), origin(0)])],
  ['a malformed AS_PATH', tableDump('10.0.0.0/8', PEER, 64500, [origin(0), attr(2, [2, 3, 0, 1]), nextHop('192.0.2.1')])],
  ['AS4_PATH with 2-byte ASNs (merged by bgpdump)', tableDump('10.0.0.0/8', PEER, 64500, [...entryBase(2), as4Path([seq([4200000001])])])],
  ['a 4-byte AGGREGATOR with 2-byte ASNs', tableDump('10.0.0.0/8', PEER, 64500, [...entryBase(2), aggregator(64496, '192.0.2.9', 4)])],
  ['an unknown subtype', mrtRecord(12, 5, tableDump('10.0.0.0/8', PEER, 64500, entryBase(2)).subarray(12))],
  // The JSON lines merge AS4_PATH into the path of every TABLE_DUMP entry, as a 2-byte session's.
  ['AS4_PATH with 4-byte ASNs', tableDump('10.0.0.0/8', PEER, 4200000001, [...entryBase(4), as4Path([seq([1, 2])])], 4)],
  ['AS4_AGGREGATOR with 4-byte ASNs', tableDump('10.0.0.0/8', PEER, 4200000001, [...entryBase(4), as4Aggregator(4200000009, '192.0.2.9')], 4)],
];

describe.each(FORMATS)('$name written straight from the bytes of TABLE_DUMP entries', (format) => {
  it.each(cleanEntries)('%s: the full decode text, no warning', (_name, record) => {
    const f = frameOf(record);
    const ours = direct(format, f);
    const theirs = full(format, f);
    expect(theirs.warnings).toEqual([]);
    expect(ours).toEqual({ text: theirs.text, elements: 1 });
  });

  it.each(oddEntries)('%s: left to the full decode', (_name, record) => {
    expect(direct(format, frameOf(record))).toBeNull();
  });

  it('one writer over entries and UPDATEs in turn gives the text of each', () => {
    const out = new TextBytes(16);
    const writer = format.writer(out);
    const frames = [...cleanEntries, ...clean.slice(0, 4), ...cleanEntries].map(([, r]) => frameOf(r));
    for (const f of frames) expect(writer.message(f)).toBe(true);
    expect(Buffer.from(out.take()).toString('latin1')).toBe(frames.map((f) => full(format, f).text).join(''));
  });

  it('takes a mutated entry only when the full decode prints the same text without a warning', () => {
    mutated(format, cleanEntries);
  });
});

describe.each(['bgpdump', 'jsonl'] as TextFormat[])('printMrt (%s) when a direct writer throws', (format) => {
  it('drops what the writer wrote and prints the record from the full decode, the rest unchanged', async () => {
    const file = Buffer.concat(clean.map(([, record]) => Buffer.from(record)));
    const print = async () => {
      const chunks: Uint8Array[] = [];
      await printMrt(Readable.from([file]), format, (chunk) => (chunks.push(Buffer.from(chunk)), true), newStats());
      return Buffer.concat(chunks).toString('latin1');
    };
    const expected = await print();
    expect(expected.length).toBeGreaterThan(0);
    // A bug injected into our own writer (not a mock of anything outside): the 4th record throws after writing.
    let calls = 0;
    const real = MrtTextWriter.prototype.message;
    const spy = vi.spyOn(MrtTextWriter.prototype, 'message').mockImplementation(function (this: MrtTextWriter, f: MrtFrame) {
      if (++calls === 4) {
        this.out.reserve(16);
        this.out.ascii('half a line|');
        throw new Error('writer bug');
      }
      return real.call(this, f);
    });
    try {
      expect(await print()).toBe(expected);
      expect(calls).toBe(clean.length);
    } finally {
      spy.mockRestore();
    }
  });
});

function concatRecord(record: Uint8Array, extra: number[]): Uint8Array {
  // Grows the MRT length so the extra bytes sit inside the record, after the BGP message.
  const out = Buffer.from(concat(record, extra));
  out.writeUInt32BE(out.readUInt32BE(8) + extra.length, 8);
  return out;
}

const UPDATE_FILES = [
  ['bgpdump-testdata', 'updates.20020722.2238.gz'],
  ['bgpdump-testdata', 'updates.20070211.0141.gz'],
  ['bgpdump-testdata', 'updates.20100722.2015.gz'],
  ['bgpdump-testdata', 'updates.20160811.1600.gz'],
  ['bgpdump-testdata', 'updates.long_withdrawal.gz'],
  ['bgpstream-testdata', 'ris.rrc06.updates.1427846400.gz'],
  ['bgpstream-testdata', 'routeviews.route-views.jinx.updates.1427846400.bz2'],
  ['bgpkit-example', 'updates.20240914.2230.bz2'],
];

describe.skipIf(!hasSharedData).each(FORMATS)('the direct $name writer on real updates files (needs ../shared/data)', (format) => {
  it.each(UPDATE_FILES)('%s/%s: every record it takes prints as the full decode prints it', async (dir, name) => {
    let updates = 0;
    const taken = await everyFrame(format, sharedData('mrt', dir, name), (f) => {
      const record = f.type === 16 || f.type === 17 ? parseBgp4mp(f, () => {}) : null;
      if (record?.kind === 'bgp4mp-message' && record.message.type === 'update') updates++;
    });
    // Real UPDATEs are mostly clean: nearly all of them are taken (KEEPALIVEs, OPENs and state changes never).
    expect(taken).toBeGreaterThan(0.9 * updates);
  });
});

/**
 * Every frame of a real file through one writer, as printMrt hands them over (the full decode
 * reads each PEER_INDEX_TABLE, and the writer gets its peers): each frame the writer takes must
 * print as the full decode prints it, without a warning, and each it leaves must have written
 * nothing. `seen` sees every frame but the peer tables; returns how many the writer took.
 */
async function everyFrame(format: Format, file: string, seen: (f: MrtFrame) => void): Promise<number> {
  expect(existsSync(file)).toBe(true);
  let taken = 0;
  const state: { peers?: PeerIndexEntry[] } = {};
  const out = new TextBytes();
  const writer = format.writer(out);
  for await (const { frames } of readMrtFrameBatches(file, newStats(), { summary: false })) {
    for (const f of frames) {
      if (f.type === 13 && f.subtype === 1) {
        parseTableDumpV2(f, state, () => {});
        writer.peers = state.peers;
        continue;
      }
      seen(f);
      const start = out.pos;
      const isTaken = writer.message(f);
      const ours = out.buf.subarray(start, out.pos).toString('latin1');
      if (!isTaken) {
        expect(ours).toBe('');
        continue;
      }
      taken++;
      const theirs = full(format, f, state.peers);
      expect(theirs.warnings).toEqual([]);
      expect(ours).toBe(theirs.text);
    }
    out.take();
  }
  return taken;
}

/** The peers of a PEER_INDEX_TABLE as the full decode reads them: an IPv4 peer, an IPv6 one, a 2-byte AS one. */
const PEERS = (() => {
  const state: { peers?: PeerIndexEntry[] } = {};
  parseTableDumpV2(frameOf(peerIndexTable([{ ip: '192.0.2.1', asn: 4200000001 }, { ip: '2001:db8::1', asn: 64501 }, { ip: '198.51.100.7', asn: 3356 }])), state, () => {});
  return state.peers!;
})();
const ribBase = [origin(0), asPath([seq([4200000001, 3356])]), nextHop('192.0.2.1')];
const v6Base = [origin(0), asPath([seq([64501, 3356])])];
const cleanRibs: Array<[string, Uint8Array]> = [
  ['IPv4 entries of three peers', rib('10.0.0.0/8', [0, 1, 2].map((peerIndex) => ({ peerIndex, attrs: ribBase })))],
  [
    'every printed attribute',
    rib('10.3.0.0/16', [{ peerIndex: 0, attrs: [origin(1), asPath([seq([4200000001, 3356]), set([64496, 64497])]), nextHop('192.0.2.1'), med(0xfffffffe), localPref(0x80000000), atomic(), aggregator(64496, '192.0.2.9'), communities([[65535, 65281], [3356, 2]]), largeCommunities([[4200000001, 1, 2]]), extCommunities(['0002fde800000001'])] }]),
  ],
  ['host bits kept as on the wire', rib('10.1.2.3/9', [{ peerIndex: 2, attrs: ribBase }])],
  ['the default route', rib('0.0.0.0/0', [{ peerIndex: 0, attrs: ribBase }])],
  ['no ORIGIN, AS_PATH or NEXT_HOP', rib('10.6.0.0/16', [{ peerIndex: 0, attrs: [] }])],
  ['AS4_PATH and AS4_AGGREGATOR (4-byte ASNs: not merged)', rib('10.7.0.0/16', [{ peerIndex: 0, attrs: [...ribBase, as4Path([seq([1, 2])]), as4Aggregator(4200000009, '192.0.2.9')] }])],
  ['IPv6 with the abbreviated MP_REACH_NLRI', rib('2001:db8:1::/48', [{ peerIndex: 1, attrs: [...v6Base, ribMpReach('2001:db8::1')] }])],
  ['IPv6 with a link-local next hop too', rib('2001:db8:2::/47', [{ peerIndex: 1, attrs: [...v6Base, attr(14, concat([32], ip6('2001:db8::1'), ip6('fe80::1')), 0x80)] }])],
  ['IPv6 with MP_REACH_NLRI and NEXT_HOP', rib('2001:db8:3::/48', [{ peerIndex: 1, attrs: [...v6Base, nextHop('192.0.2.1'), ribMpReach('2001:db8::1')] }])],
  ['IPv6 without a next hop', rib('2001:db8:4::/48', [{ peerIndex: 1, attrs: v6Base }])],
  ['no entries', rib('10.8.0.0/16', [])],
];
const oddRibs: Array<[string, Uint8Array]> = [
  ['an unknown peer index', rib('10.0.0.0/8', [{ peerIndex: 0, attrs: ribBase }, { peerIndex: 9, attrs: ribBase }])],
  ['a bad attribute in the second entry', rib('10.0.0.0/8', [{ peerIndex: 0, attrs: ribBase }, { peerIndex: 1, attrs: [...ribBase, origin(0)] }])],
  ['an entry cut short', Buffer.from(rib('10.0.0.0/8', [{ peerIndex: 0, attrs: ribBase }, { peerIndex: 1, attrs: ribBase }])).subarray(0, 50)],
  ['an MP_REACH_NLRI in an IPv4 record', rib('10.0.0.0/8', [{ peerIndex: 0, attrs: [...ribBase, ribMpReach('2001:db8::1')] }])],
  ['a full MP_REACH_NLRI in an IPv6 record', rib('2001:db8::/32', [{ peerIndex: 1, attrs: [...v6Base, mpReach(2, ['2001:db8::1'], [prefix('2001:db8::/32')])] }])],
  ['an IPv4 next hop in an IPv6 record', rib('2001:db8::/32', [{ peerIndex: 1, attrs: [...v6Base, ribMpReach('192.0.2.1')] }])],
  ['an MP_UNREACH_NLRI', rib('2001:db8::/32', [{ peerIndex: 1, attrs: [...v6Base, ribMpReach('2001:db8::1'), mpUnreach(2, [prefix('2001:db8:9::/48')])] }])],
  ['ADD-PATH', rib('10.0.0.0/8', [{ peerIndex: 0, attrs: ribBase, pathId: 1 }])],
  ['a multicast record', mrtRecord(13, 3, rib('10.0.0.0/8', [{ peerIndex: 0, attrs: ribBase }]).subarray(12))],
  ['a prefix longer than 32 bits', mrtRecord(13, 2, concat(u32(0), [33, 10, 0, 0, 0, 0], u16(0)))],
];

describe.each(FORMATS)('$name written straight from the bytes of TABLE_DUMP_V2 RIB records', (format) => {
  it.each(cleanRibs)('%s: the full decode text, no warning', (_name, record) => {
    const f = frameOf(record);
    const ours = direct(format, f, PEERS);
    const theirs = full(format, f, PEERS);
    expect(theirs.warnings).toEqual([]);
    expect(ours).toEqual({ text: theirs.text, elements: lineCount(theirs.text) });
  });

  it.each(oddRibs)('%s: left to the full decode', (_name, record) => {
    expect(direct(format, frameOf(record), PEERS)).toBeNull();
  });

  it('a RIB record before any PEER_INDEX_TABLE is left to the full decode', () => {
    expect(direct(format, frameOf(cleanRibs[0][1]))).toBeNull();
  });

  it('one writer over RIB records, entries and UPDATEs in turn gives the text of each', () => {
    const out = new TextBytes(16);
    const writer = format.writer(out);
    writer.peers = PEERS;
    const frames = [...cleanRibs, ...cleanEntries.slice(0, 3), ...clean.slice(0, 4), ...cleanRibs].map(([, r]) => frameOf(r));
    for (const f of frames) expect(writer.message(f)).toBe(true);
    expect(Buffer.from(out.take()).toString('latin1')).toBe(frames.map((f) => full(format, f, PEERS).text).join(''));
  });

  it('takes a mutated RIB record only when the full decode prints the same text without a warning', () => {
    mutated(format, cleanRibs, PEERS);
  });
});

const RIB_FILES: Array<[string, string, number]> = [
  ['bgpdump-testdata', 'bview.20020722.2337.gz', 115_521], // TABLE_DUMP
  ['pyasn-data', 'rib.20080501.0644_firstMB.bz2', 0], // TABLE_DUMP_V2, cut after 1 MiB
  ['pyasn-data', 'rib.20140523.0600_firstMB.bz2', 0],
];

describe.skipIf(!hasSharedData).each(FORMATS)('the direct $name writer on real RIB dumps (needs ../shared/data)', (format) => {
  it.each(RIB_FILES)('%s/%s: every record it takes prints as the full decode prints it', async (dir, name, expectedRecords) => {
    let records = 0;
    const taken = await everyFrame(format, sharedData('mrt', dir, name), (f) => {
      if (f.type === 12 || f.type === 13) records++;
    });
    if (expectedRecords) expect(records).toBe(expectedRecords);
    expect(taken).toBeGreaterThan(0.99 * records);
  });
});
