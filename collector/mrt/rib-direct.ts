/**
 * RIB records (TABLE_DUMP, TABLE_DUMP_V2 RIB subtypes) read straight from their bytes for
 * readers of routing state: per entry the prefix, the peer and the origin ASNs, without a
 * record, attribute or path object. Only records that the full decode reads without a single
 * warning are read here (an AttributeScan decides per entry); `read` returns false for any other, and
 * the caller decodes that record in full, so the routes are the same either way.
 */
import { formatNlri } from '../bgp/addr.js';
import { ATTR, AttributeScan, pathOrigins, RIB_ORIGIN_RULES } from '../bgp/attribute-scan.js';
import { MRT_TYPE } from '../models/mrt.js';
import type { PeerIndexEntry } from '../models/mrt.js';
import { ipAt, u16, u32 } from './body.js';
import { frameTime, type MrtFrame } from './framing.js';
import { tableDumpLayout } from './table-dump.js';
import { isRibSubtype, ribHead, type TableDumpV2State } from './table-dump-v2.js';

/** One RIB entry: `originAsns` as the element's origin_asns would be (undefined: no origin). */
export type RibEntrySink = (prefix: string, peerIp: string, peerAsn: number, pathId: number | undefined, timestamp: number, originAsns: number[] | undefined) => void;

export class DirectRibReader {
  private readonly scan = new AttributeScan(RIB_ORIGIN_RULES);
  // TABLE_DUMP repeats the peer's address in every record: its text is made once per run of records.
  private lastPeer = -1;
  private lastPeerIp = '';
  // Per entry of the TABLE_DUMP_V2 record being read: where it starts, where its AS_PATH is.
  private entryAt = new Int32Array(64);
  private pathOff = new Int32Array(64);
  private pathLen = new Int32Array(64);

  constructor(private readonly sink: RibEntrySink) {}

  /** True when the frame was a RIB record read here, every entry handed to the sink (and counted by the caller). */
  read(f: MrtFrame, tables: Readonly<TableDumpV2State>): boolean {
    if (f.type === MRT_TYPE.TABLE_DUMP) return this.tableDump(f);
    if (f.type === MRT_TYPE.TABLE_DUMP_V2 && isRibSubtype(f.subtype)) return this.rib(f, tables.peers);
    return false;
  }

  private tableDump(f: MrtFrame): boolean {
    const layout = tableDumpLayout(f);
    if (Array.isArray(layout)) return false;
    const b = f.body;
    const start = layout.attrAt + 2;
    const end = start + u16(b, layout.attrAt);
    // Attributes that stop short of the record's end (or run past it) are warned about in full.
    if (end !== b.length || !this.scan.scan(b, start, end, layout.asnSize === 4)) return false;
    const origins = this.scan.has(ATTR.AS_PATH) ? pathOrigins(b, this.scan.off[ATTR.AS_PATH], this.scan.len[ATTR.AS_PATH], layout.asnSize) : undefined;
    this.sink(formatNlri(layout.prefix), this.tableDumpPeer(b, layout.peerAt, layout.afi), layout.peerAsn, undefined, frameTime(f), origins);
    return true;
  }

  private tableDumpPeer(b: Uint8Array, at: number, afi: number): string {
    if (afi !== 1) return ipAt(b, at, afi);
    const peer = u32(b, at);
    if (peer !== this.lastPeer) {
      this.lastPeer = peer;
      this.lastPeerIp = ipAt(b, at, afi);
    }
    return this.lastPeerIp;
  }

  private rib(f: MrtFrame, peers: PeerIndexEntry[] | undefined): boolean {
    if (!peers) return false;
    const head = ribHead(f);
    if (Array.isArray(head)) return false;
    const b = f.body;
    const count = u16(b, head.countAt);
    const entryHead = head.addPath ? 12 : 8;
    this.reserve(count);
    // Every entry is checked before any is handed over: a record is read here whole or not at all.
    for (let i = 0, p = head.countAt + 2; i < count; i++) {
      if (p + entryHead > b.length || !peers[u16(b, p)]) return false;
      const start = p + entryHead;
      const end = start + u16(b, start - 2);
      if (end > b.length || !this.scan.scan(b, start, end, true)) return false;
      this.entryAt[i] = p;
      this.pathOff[i] = this.scan.has(ATTR.AS_PATH) ? this.scan.off[ATTR.AS_PATH] : -1;
      this.pathLen[i] = this.scan.len[ATTR.AS_PATH];
      p = end;
    }
    const prefix = formatNlri(head.prefix);
    const time = frameTime(f);
    for (let i = 0; i < count; i++) {
      const p = this.entryAt[i];
      const peer = peers[u16(b, p)];
      const origins = this.pathOff[i] < 0 ? undefined : pathOrigins(b, this.pathOff[i], this.pathLen[i], 4);
      this.sink(prefix, peer.ip, peer.asn, head.addPath ? u32(b, p + 6) : undefined, time, origins);
    }
    return true;
  }

  private reserve(count: number): void {
    if (count <= this.entryAt.length) return;
    this.entryAt = new Int32Array(count);
    this.pathOff = new Int32Array(count);
    this.pathLen = new Int32Array(count);
  }
}
