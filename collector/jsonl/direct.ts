/**
 * The JSON lines of BGP4MP UPDATE records and RIB entries (one BgpElem per prefix, as
 * `JSON.stringify` writes the objects of collector/bgp/elems.ts, keys in the same order) written
 * straight from the record's bytes, with no record, attribute, element or string per field. Only
 * records a Bgp4mpScan, TableDumpScan or RibScan accepts (the full decode reads them without a
 * single warning, so no RFC 7606 treat-as-withdraw and no AS4 merge) are written here; `message`
 * returns false for any other, having written nothing, and the caller decodes it into elements,
 * so the lines are the same either way.
 */
import { toHex } from '../bgp/attr-16-extended-communities.js';
import { ATTR, type AttributeScan } from '../bgp/attribute-scan.js';
import type { NlriField } from '../mrt/bgp4mp-scan.js';
import { u16, u32 } from '../mrt/body.js';
import { frameTime, type MrtFrame } from '../mrt/framing.js';
import { RIB_PREFIX_AT } from '../mrt/rib-scan.js';
import { PEER_AT, PREFIX_AT, PREFIX_LENGTH_AT } from '../mrt/table-dump-scan.js';
import { MrtTextWriter } from '../mrt/text-writer.js';

const SEGMENT_NAMES = ['', 'AS_SET', 'AS_SEQUENCE', 'AS_CONFED_SET', 'AS_CONFED_SEQUENCE'];
const ORIGINS = ['IGP', 'EGP', 'INCOMPLETE'];
const AS_SET = 1;
const AS_SEQUENCE = 2;

export class DirectJsonlWriter extends MrtTextWriter {
  protected readonly wirePrefixes = false;
  // At most 24 characters per attribute byte (an empty AS_PATH segment's 2 bytes as 41).
  protected readonly charsPerAttributeByte = 24;
  /** A RIB entry's one route as an NLRI field: its next hop the abbreviated MP_REACH_NLRI's (IPv6), or NEXT_HOP's at -1. */
  private readonly entryField: NlriField = { afi: 2, start: 0, end: 0, count: 1, nextHopAt: -1 };

  /** A TABLE_DUMP entry's announcement, as recordToElems makes it: its prefix canonical. */
  protected tableDumpLine(f: MrtFrame): void {
    const out = this.out;
    const { body: b, as4, attributes, peerAsn } = this.tableDump;
    out.ascii('{"timestamp":');
    out.decimal(f.seconds);
    out.ascii(',"elem_type":"announce","peer_ip":"');
    out.ipv4At(b, PEER_AT);
    out.ascii('","peer_asn":');
    out.decimal(peerAsn);
    out.ascii(',"prefix":"');
    out.prefix(b, PREFIX_AT, 4, b[PREFIX_LENGTH_AT], 1, false);
    out.byte(34);
    this.entryField.nextHopAt = -1;
    this.attributeKeys(b, as4, attributes, this.entryField);
    out.ascii('}\n');
  }

  /** A RIB entry's announcement, as recordToElems makes it: the record's prefix, canonical; the next hop MP_REACH_NLRI's, else NEXT_HOP's. */
  protected ribEntryLine(f: MrtFrame): void {
    const out = this.out;
    const { body: b, afi, peer, attributes, nextHopAt } = this.rib;
    out.ascii('{"timestamp":');
    out.decimal(f.seconds);
    out.ascii(',"elem_type":"announce","peer_ip":"');
    out.ascii(peer.ip);
    out.ascii('","peer_asn":');
    out.decimal(peer.asn);
    out.ascii(',"prefix":"');
    out.nlriPrefix(b, RIB_PREFIX_AT, afi, false);
    out.byte(34);
    const field = this.entryField;
    field.nextHopAt = nextHopAt;
    this.attributeKeys(b, true, attributes, field);
    // announce() in elems.ts: a next hop without NEXT_HOP comes last.
    if (nextHopAt >= 0 && !attributes.has(ATTR.NEXT_HOP)) this.nextHop(b, attributes, field);
    out.ascii('}\n');
  }

  /** `{"timestamp":…,"elem_type":…,"peer_ip":…,"peer_asn":…,"prefix":"`. */
  protected head(f: MrtFrame, kind: 'withdraw' | 'announce'): void {
    const out = this.out;
    const r = this.record;
    out.ascii('{"timestamp":');
    if (f.microseconds) out.ascii(String(frameTime(f)));
    else out.decimal(f.seconds);
    out.ascii(kind === 'withdraw' ? ',"elem_type":"withdraw","peer_ip":"' : ',"elem_type":"announce","peer_ip":"');
    out.ascii(r.peerIp());
    out.ascii('","peer_asn":');
    out.decimal(r.peerAsn());
    out.ascii(',"prefix":"');
  }

  protected withdrawalEnd(pathId: number): void {
    this.out.ascii('","atomic":false');
    this.pathId(pathId);
    this.out.ascii('}\n');
  }

  protected announcementStart(): void {
    this.out.byte(34); // '"'
  }

  /**
   * After the shared keys: the path id, then the field's next hop when there is no NEXT_HOP
   * (announce() in elems.ts: it takes NEXT_HOP's place among the keys when there is one).
   */
  protected announcementEnd(field: NlriField, pathId: number): void {
    this.pathId(pathId);
    const { body, attributes } = this.record;
    if (!attributes.has(ATTR.NEXT_HOP)) this.nextHop(body, attributes, field);
    this.out.ascii('}\n');
  }

  private pathId(pathId: number): void {
    if (!this.record.addPath) return;
    this.out.ascii(',"path_id":');
    this.out.decimal(pathId);
  }

  /** `,"next_hop":"…"`: the field's own next hop (MP_REACH_NLRI's, RFC 5952), else NEXT_HOP. */
  private nextHop(b: Uint8Array, attributes: AttributeScan, field: NlriField): void {
    const out = this.out;
    out.ascii(',"next_hop":"');
    if (field.nextHopAt < 0) out.ipv4At(b, attributes.off[ATTR.NEXT_HOP]);
    else if (field.afi === 1) out.ipv4At(b, field.nextHopAt);
    else out.ipv6At(b, field.nextHopAt, false);
    out.byte(34);
  }

  protected sharedFields(field: NlriField): void {
    const { body, as4, attributes } = this.record;
    this.attributeKeys(body, as4, attributes, field);
  }

  /** The keys elemAttributes() makes, in its order, from atomic to only_to_customer, of the attributes `a` found in `b`. */
  private attributeKeys(b: Uint8Array, as4: boolean, a: AttributeScan, field: NlriField): void {
    const out = this.out;
    out.ascii(a.has(ATTR.ATOMIC_AGGREGATE) ? ',"atomic":true' : ',"atomic":false');
    if (a.has(ATTR.NEXT_HOP)) this.nextHop(b, a, field);
    if (a.has(ATTR.AS_PATH)) this.asPath(b, as4, a);
    if (a.has(ATTR.ORIGIN)) {
      out.ascii(',"origin":"');
      out.ascii(ORIGINS[b[a.off[ATTR.ORIGIN]]]);
      out.byte(34);
    }
    if (a.has(ATTR.LOCAL_PREF)) {
      out.ascii(',"local_pref":');
      out.decimal(u32(b, a.off[ATTR.LOCAL_PREF]));
    }
    if (a.has(ATTR.MED)) {
      out.ascii(',"med":');
      out.decimal(u32(b, a.off[ATTR.MED]));
    }
    if (a.has(ATTR.COMMUNITIES) || a.has(ATTR.EXTENDED_COMMUNITIES) || a.has(ATTR.LARGE_COMMUNITY)) this.communities(b, a);
    if (a.has(ATTR.AGGREGATOR)) {
      // Its length is the session's (UPDATE_RULES).
      const off = a.off[ATTR.AGGREGATOR];
      out.ascii(',"aggr_asn":');
      out.decimal(as4 ? u32(b, off) : u16(b, off));
      out.ascii(',"aggr_ip":"');
      out.ipv4At(b, off + (as4 ? 4 : 2));
      out.byte(34);
    }
    if (a.has(ATTR.ONLY_TO_CUSTOMER)) {
      out.ascii(',"only_to_customer":');
      out.decimal(u32(b, a.off[ATTR.ONLY_TO_CUSTOMER]));
    }
  }

  /** `,"as_path":[…]` and, when the path has an origin, `,"origin_asns":[…]` (originAsns() in elems.ts). */
  private asPath(b: Uint8Array, as4: boolean, a: AttributeScan): void {
    const out = this.out;
    const size = as4 ? 4 : 2;
    const start = a.off[ATTR.AS_PATH];
    const end = start + a.len[ATTR.AS_PATH];
    const asn = (p: number) => (as4 ? u32(b, p) : u16(b, p));
    out.ascii(',"as_path":[');
    let origin = -1; // the last non-empty AS_SEQUENCE or AS_SET
    for (let p = start; p < end; p += 2 + b[p + 1] * size) {
      if (p > start) out.byte(44);
      const type = b[p];
      const count = b[p + 1];
      if (count > 0 && (type === AS_SEQUENCE || type === AS_SET)) origin = p;
      out.ascii('{"type":"');
      out.ascii(SEGMENT_NAMES[type]);
      out.ascii('","asns":[');
      for (let i = 0; i < count; i++) {
        if (i > 0) out.byte(44);
        out.decimal(asn(p + 2 + i * size));
      }
      out.ascii(']}');
    }
    out.byte(93); // ']'
    if (origin < 0) return;
    out.ascii(',"origin_asns":[');
    const count = b[origin + 1];
    if (b[origin] === AS_SEQUENCE) out.decimal(asn(origin + 2 + (count - 1) * size));
    else
      for (let i = 0; i < count; i++) {
        if (i > 0) out.byte(44);
        out.decimal(asn(origin + 2 + i * size));
      }
    out.byte(93);
  }

  /** `,"communities":[…]`: the standard ones, then the extended, then the large (elemAttributes' order). */
  private communities(b: Uint8Array, a: AttributeScan): void {
    const out = this.out;
    out.ascii(',"communities":[');
    const open = out.pos;
    // Each entry after the first follows a comma.
    const entry = (text: string) => {
      if (out.pos > open) out.byte(44);
      out.ascii(text);
    };
    // An attribute's value bytes; an absent attribute's range is empty.
    const off = (type: number) => (a.has(type) ? a.off[type] : 0);
    const end = (type: number) => (a.has(type) ? a.off[type] + a.len[type] : 0);
    for (let p = off(ATTR.COMMUNITIES); p < end(ATTR.COMMUNITIES); p += 4) {
      entry('{"type":"standard","asn":');
      out.decimal(u16(b, p));
      out.ascii(',"value":');
      out.decimal(u16(b, p + 2));
      out.byte(125); // '}'
    }
    for (let p = off(ATTR.EXTENDED_COMMUNITIES); p < end(ATTR.EXTENDED_COMMUNITIES); p += 8) {
      entry('{"type":"extended","hex":"');
      out.ascii(toHex(b, p, 8));
      out.ascii('"}');
    }
    for (let p = off(ATTR.LARGE_COMMUNITY); p < end(ATTR.LARGE_COMMUNITY); p += 12) {
      entry('{"type":"large","global":');
      out.decimal(u32(b, p));
      out.ascii(',"local1":');
      out.decimal(u32(b, p + 4));
      out.ascii(',"local2":');
      out.decimal(u32(b, p + 8));
      out.byte(125);
    }
    out.byte(93); // ']'
  }
}
