/**
 * A TABLE_DUMP_V2 RIB record of unicast routes (RIB_IPV4_UNICAST, RIB_IPV6_UNICAST: RFC 6396
 * §4.3.2) read in place for writers that print it straight from its bytes (bgpdump text, JSON
 * lines), an entry at a time: where each entry's fields are, and whether the full decode
 * (parseTableDumpV2, then format.ts or recordToElems) would read it without a single warning and
 * print it from these fields alone. A writer that meets an entry `next` refuses drops what it
 * wrote of the record and leaves the record to the full decode, so the output is the same
 * either way.
 */
import { ATTR, AttributeScan, UPDATE_RULES } from '../bgp/attribute-scan.js';
import { MRT_TYPE, type PeerIndexEntry } from '../models/mrt.js';
import { u16 } from './body.js';
import type { MrtFrame } from './framing.js';

const RIB_IPV4_UNICAST = 2;
const RIB_IPV6_UNICAST = 4;
/** Where the prefix is (after the sequence number): its length, then its bytes. */
export const RIB_PREFIX_AT = 4;
/** An entry's peer index, originated time and attribute length. */
const ENTRY_HEAD = 8;

const NO_PEER: PeerIndexEntry = { bgpId: '', afi: 1, ip: '', asn: 0 };

export class RibScan {
  readonly attributes = new AttributeScan(UPDATE_RULES);
  body: Uint8Array = new Uint8Array(0);
  afi = 1;
  /** Entries in the record. */
  count = 0;
  // What `next` found in the entry it accepted.
  peer: PeerIndexEntry = NO_PEER;
  /** The abbreviated MP_REACH_NLRI's IPv6 next hop (RFC 6396 §4.3.4), or -1: NEXT_HOP's (or none). */
  nextHopAt = -1;
  /** Bytes of path attributes (writers size their room by it). */
  attributeBytes = 0;
  private at = 0;
  private peers: PeerIndexEntry[] = [];

  /**
   * True when `f` is an IPv4 or IPv6 unicast RIB record (without ADD-PATH) whose prefix reads
   * cleanly, read after a PEER_INDEX_TABLE (`peers`, as the full decode holds them).
   */
  start(f: MrtFrame, peers: PeerIndexEntry[] | undefined): boolean {
    if (f.type !== MRT_TYPE.TABLE_DUMP_V2 || (f.subtype !== RIB_IPV4_UNICAST && f.subtype !== RIB_IPV6_UNICAST) || !peers) return false;
    // ribHead()'s checks of these two subtypes, without its objects.
    const b = f.body;
    const afi = f.subtype === RIB_IPV4_UNICAST ? 1 : 2;
    if (b.length < RIB_PREFIX_AT + 1) return false;
    const length = b[RIB_PREFIX_AT];
    const countAt = RIB_PREFIX_AT + 1 + ((length + 7) >> 3);
    if (length > (afi === 1 ? 32 : 128) || countAt + 2 > b.length) return false;
    this.body = b;
    this.afi = afi;
    this.peers = peers;
    this.count = u16(b, countAt);
    this.at = countAt + 2;
    return true;
  }

  /**
   * True when the next entry is there, names a known peer, and has attributes that read cleanly,
   * with no MP_UNREACH_NLRI and no MP_REACH_NLRI but, in an IPv6 record, the abbreviated one with
   * a global (and link-local) next hop.
   */
  next(): boolean {
    const b = this.body;
    const p = this.at;
    if (p + ENTRY_HEAD > b.length) return false;
    const peer = this.peers[u16(b, p)];
    const start = p + ENTRY_HEAD;
    const end = start + u16(b, start - 2);
    const a = this.attributes;
    if (!peer || end > b.length || !a.scan(b, start, end, true) || a.has(ATTR.MP_UNREACH)) return false;
    this.nextHopAt = -1;
    if (a.has(ATTR.MP_REACH)) {
      const off = a.off[ATTR.MP_REACH];
      const nextHopLength = b[off];
      if (this.afi !== 2 || (nextHopLength !== 16 && nextHopLength !== 32) || a.len[ATTR.MP_REACH] < 1 + nextHopLength) return false;
      this.nextHopAt = off + 1;
    }
    this.peer = peer;
    this.attributeBytes = end - start;
    this.at = end;
    return true;
  }
}
