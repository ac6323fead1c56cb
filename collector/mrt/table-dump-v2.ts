/** TABLE_DUMP_V2 (type 13, RFC 6396 §4.3, RFC 8050): the peer index table and RIB records. */
import { decodeAttributes } from '../bgp/attributes.js';
import { formatIpv4At } from '../../common/ip.js';
import type { Nlri } from '../models/bgp.js';
import type { PeerIndexEntry, PeerIndexTableRecord, RibEntry, RibRecord, MrtRecord } from '../models/mrt.js';
import { recordBase } from './bgp4mp.js';
import { ipAt, u16, u32 } from './body.js';
import type { MrtFrame } from './framing.js';
import type { Report } from './stats.js';

export const TDV2 = {
  PEER_INDEX_TABLE: 1,
  RIB_IPV4_UNICAST: 2,
  RIB_IPV4_MULTICAST: 3,
  RIB_IPV6_UNICAST: 4,
  RIB_IPV6_MULTICAST: 5,
  RIB_GENERIC: 6,
  RIB_IPV4_UNICAST_ADDPATH: 8,
  RIB_IPV4_MULTICAST_ADDPATH: 9,
  RIB_IPV6_UNICAST_ADDPATH: 10,
  RIB_IPV6_MULTICAST_ADDPATH: 11,
  RIB_GENERIC_ADDPATH: 12,
} as const;

/** subtype → [afi, safi, addPath]; AFI 0 = RIB_GENERIC (AFI/SAFI in the record). */
const RIB_SUBTYPES: Record<number, [number, number, boolean]> = {
  2: [1, 1, false],
  3: [1, 2, false],
  4: [2, 1, false],
  5: [2, 2, false],
  6: [0, 0, false],
  8: [1, 1, true],
  9: [1, 2, true],
  10: [2, 1, true],
  11: [2, 2, true],
  12: [0, 0, true],
};

export interface TableDumpV2State {
  peers?: PeerIndexEntry[];
}

function peerIndexTable(f: MrtFrame, report: Report): PeerIndexTableRecord | null {
  const b = f.body;
  const bad = () => {
    report('bad-length', f.offset, 'PEER_INDEX_TABLE truncated: skipped');
    return null;
  };
  if (b.length < 8) return bad();
  const nameLen = u16(b, 4);
  let p = 6 + nameLen;
  if (p + 2 > b.length) return bad();
  const viewName = Buffer.from(b.buffer, b.byteOffset + 6, nameLen).toString('utf8');
  const count = u16(b, p);
  p += 2;
  const peers: PeerIndexEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (p + 1 > b.length) return bad();
    const t = b[p];
    const afi = t & 1 ? 2 : 1;
    const asnSize = t & 2 ? 4 : 2;
    const size = 1 + 4 + (afi === 2 ? 16 : 4) + asnSize;
    if (p + size > b.length) return bad();
    peers.push({ bgpId: formatIpv4At(b, p + 1), afi, ip: ipAt(b, p + 5, afi), asn: asnSize === 4 ? u32(b, p + size - 4) : u16(b, p + size - 2) });
    p += size;
  }
  return { kind: 'peer-index-table', ...recordBase(f), collectorId: formatIpv4At(b, 0), viewName, peers };
}

/** A RIB record's fixed part: AFI/SAFI, ADD-PATH, the prefix, and the offset of its entry count. */
export interface RibHead {
  afi: number;
  safi: number;
  addPath: boolean;
  prefix: Nlri;
  countAt: number;
}

/** The fixed part of a RIB record (see isRibSubtype), or a problem ([kind, message]) when it cannot be read. */
export function ribHead(f: MrtFrame): RibHead | [kind: string, message: string] {
  const [subAfi, subSafi, addPath] = RIB_SUBTYPES[f.subtype];
  const b = f.body;
  let p = 4;
  let afi = subAfi;
  let safi = subSafi;
  if (afi === 0) {
    if (b.length < 7) return ['bad-length', 'RIB_GENERIC truncated: skipped'];
    afi = u16(b, 4);
    safi = b[6];
    p = 7;
    if (afi !== 1 && afi !== 2) return ['unsupported', `RIB_GENERIC with AFI ${afi} SAFI ${safi} not decoded`];
  }
  if (p + 1 > b.length) return ['bad-length', 'RIB record truncated: skipped'];
  const length = b[p];
  const max = afi === 1 ? 32 : 128;
  const bytes = (length + 7) >> 3;
  if (length > max || p + 1 + bytes + 2 > b.length) return ['bad-record', `RIB record prefix /${length} invalid or truncated: skipped`];
  let prefix: Nlri;
  if (afi === 1) {
    let v = 0;
    for (let i = 0; i < 4; i++) v = (v << 8) | (i < bytes ? b[p + 1 + i] : 0);
    prefix = { afi: 1, length, v4: v >>> 0 };
  } else {
    const v6 = new Uint8Array(16);
    v6.set(b.subarray(p + 1, p + 1 + bytes));
    prefix = { afi: 2, length, v4: 0, v6 };
  }
  return { afi, safi, addPath, prefix, countAt: p + 1 + bytes };
}

/** A RIB record's subtype (RIB_IPV4_UNICAST … RIB_GENERIC_ADDPATH). */
export const isRibSubtype = (subtype: number): boolean => RIB_SUBTYPES[subtype] !== undefined;

function rib(f: MrtFrame, state: TableDumpV2State, report: Report, only?: ReadonlySet<number>): RibRecord | null {
  const head = ribHead(f);
  if (Array.isArray(head)) {
    report(head[0], f.offset, head[1]);
    return null;
  }
  const { afi, safi, addPath, prefix } = head;
  const b = f.body;
  let p = head.countAt;
  const count = u16(b, p);
  p += 2;
  if (!state.peers) report('no-peer-index', f.offset, 'RIB record before any PEER_INDEX_TABLE: peers unknown');
  const entries: RibEntry[] = [];
  for (let i = 0; i < count; i++) {
    const head = addPath ? 12 : 8;
    if (p + head > b.length) {
      report('truncated', f.offset, `RIB record ends after ${i} of ${count} entries`);
      break;
    }
    const peerIndex = u16(b, p);
    const originatedTime = u32(b, p + 2);
    const pathId = addPath ? u32(b, p + 6) : undefined;
    const attrLen = u16(b, p + head - 2);
    const start = p + head;
    const end = start + attrLen;
    if (end > b.length) {
      report('truncated', f.offset, `RIB entry ${i}: attribute length ${attrLen} runs past the record`);
      break;
    }
    const warnings: string[] = [];
    const { attributes } = decodeAttributes(b, start, end, { as4: true, addPath, ribEntry: true, base: 0, only }, warnings);
    for (const w of warnings) report('bad-attribute', f.offset, `RIB entry ${i}: ${w}`);
    const entry: RibEntry = { peerIndex, originatedTime, attributes, warnings };
    const peer = state.peers?.[peerIndex];
    if (peer) entry.peer = peer;
    else if (state.peers) report('bad-peer-index', f.offset, `RIB entry ${i}: peer index ${peerIndex} not in the PEER_INDEX_TABLE`);
    if (pathId !== undefined) entry.pathId = pathId;
    entries.push(entry);
    p = end;
  }
  return { kind: 'rib', ...recordBase(f), sequence: u32(b, 0), afi, safi, addPath, prefix, entries };
}

/** `only`: decode only these attribute types of RIB entries (see AttrContext.only). */
export function parseTableDumpV2(f: MrtFrame, state: TableDumpV2State, report: Report, only?: ReadonlySet<number>): MrtRecord | null {
  if (f.subtype === TDV2.PEER_INDEX_TABLE) {
    const t = peerIndexTable(f, report);
    if (t) state.peers = t.peers;
    return t;
  }
  if (isRibSubtype(f.subtype)) return rib(f, state, report, only);
  report('unknown-subtype', f.offset, `unknown TABLE_DUMP_V2 subtype ${f.subtype}: skipped`);
  return null;
}
