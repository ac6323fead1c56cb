/**
 * `bgpdump -m` lines written straight from the record's bytes, with no record, attribute, NLRI
 * or string per field: what `parse --format bgpdump` spends its time on. Only the BGP4MP records,
 * TABLE_DUMP entries and TABLE_DUMP_V2 RIB records that a Bgp4mpScan, TableDumpScan or RibScan
 * accepts (the full decode reads them without a single warning) are written here; `message`
 * returns false for any other, having written nothing, and the caller decodes and formats that
 * record in full (format.ts, which holds bgpdump's quirks), so the text is the same either way.
 */
import { ATTR, type AttributeScan } from '../bgp/attribute-scan.js';
import type { NlriField } from '../mrt/bgp4mp-scan.js';
import { u16, u32 } from '../mrt/body.js';
import type { MrtFrame } from '../mrt/framing.js';
import { RIB_PREFIX_AT } from '../mrt/rib-scan.js';
import { PEER_AT, PREFIX_AT, PREFIX_LENGTH_AT } from '../mrt/table-dump-scan.js';
import { HEAD_ROOM, MrtTextWriter } from '../mrt/text-writer.js';
import { bgp4mpName, communityText, originName, peerText } from './format.js';

const PIPE = 124;
const NEWLINE = 10;
/** Segment brackets as bgpdump writes them, by segment type (1 AS_SET … 4 AS_CONFED_SEQUENCE). */
const OPEN = [0, 123, 0, 91, 40]; // { [ (
const CLOSE = [0, 125, 0, 93, 41]; // } ] )
const SEQUENCE = 2;
/** bgpdump's record names, by (_ET ? 4 : 0) + (_LOCAL ? 2 : 0) + (_AP ? 1 : 0). */
const NAMES = Array.from({ length: 8 }, (_, i) => bgp4mpName(i & 4 ? 17 : 16, (i & 2) !== 0, (i & 1) !== 0));

export class DirectBgpdumpWriter extends MrtTextWriter {
  protected readonly wirePrefixes = true;
  // At most 4 characters per attribute byte (a community's 4 bytes as `no-advertise `).
  protected readonly charsPerAttributeByte = 4;

  /** `TABLE_DUMP|time|B|peer|asn|prefix|` (the prefix's address as stored: host bits kept), then the attribute fields. */
  protected tableDumpLine(f: MrtFrame): void {
    const out = this.out;
    const { body: b, as4, attributes, peerAsn } = this.tableDump;
    out.ascii('TABLE_DUMP|');
    out.decimal(f.seconds);
    out.ascii('|B|');
    out.ipv4At(b, PEER_AT);
    out.byte(PIPE);
    out.decimal(peerAsn);
    out.byte(PIPE);
    out.prefix(b, PREFIX_AT, 4, b[PREFIX_LENGTH_AT], 1, true);
    out.byte(PIPE);
    this.attributeFields(b, as4, attributes, 1, -1);
  }

  /** `TABLE_DUMP2|time|B|peer|asn|prefix|` (the prefix as on the wire), then the attribute fields. */
  protected ribEntryLine(f: MrtFrame): void {
    const out = this.out;
    const { body: b, afi, peer, attributes, nextHopAt } = this.rib;
    out.ascii('TABLE_DUMP2|');
    out.decimal(f.seconds);
    out.ascii('|B|');
    out.ascii(peerText(peer.ip, peer.afi));
    out.byte(PIPE);
    out.decimal(peer.asn);
    out.byte(PIPE);
    out.nlriPrefix(b, RIB_PREFIX_AT, afi, true);
    out.byte(PIPE);
    // An IPv6 next hop (when there is one) prints unsigned numbers, as NEXT_HOP's lines do.
    this.attributeFields(b, true, attributes, 2, nextHopAt);
  }

  /** `name|time|W|peer|asn|` (A for announcements). */
  protected head(f: MrtFrame, kind: 'withdraw' | 'announce'): void {
    const r = this.record;
    this.start(f, NAMES[(f.type === 17 ? 4 : 0) + (r.local ? 2 : 0) + (r.addPath ? 1 : 0)], kind === 'withdraw' ? 'W' : 'A');
  }

  /** `BGP4MP|time|STATE|peer|asn|old|new` (not an element). */
  protected override stateChange(f: MrtFrame): void {
    const r = this.record;
    const out = this.out;
    out.reserve(HEAD_ROOM);
    this.start(f, f.type === 17 ? 'BGP4MP_ET' : 'BGP4MP', 'STATE');
    out.decimal(r.oldState);
    out.byte(PIPE);
    out.decimal(r.newState);
    out.byte(NEWLINE);
  }

  /** `name|time|kind|peer|asn|`: what every line of a record starts with. */
  private start(f: MrtFrame, name: string, kind: string): void {
    const out = this.out;
    const r = this.record;
    out.ascii(name);
    out.byte(PIPE);
    out.decimal(f.seconds);
    if (f.type === 17) {
      out.byte(46); // '.'
      const micro = f.microseconds;
      for (let d = 100000; d >= 1; d /= 10) out.byte(48 + (Math.floor(micro / d) % 10));
    }
    out.byte(PIPE);
    out.ascii(kind);
    out.byte(PIPE);
    out.ascii(r.peerAfi === 2 ? peerText(r.peerIp(), 2) : r.peerIp());
    out.byte(PIPE);
    out.decimal(r.peerAsn());
    out.byte(PIPE);
  }

  protected withdrawalEnd(pathId: number): void {
    if (this.record.addPath) {
      this.out.byte(PIPE);
      this.out.decimal(pathId);
    }
    this.out.byte(NEWLINE);
  }

  protected announcementStart(pathId: number): void {
    this.out.byte(PIPE);
    if (this.record.addPath) {
      this.out.decimal(pathId);
      this.out.byte(PIPE);
    }
  }

  protected announcementEnd(): void {}

  protected sharedFields(field: NlriField): void {
    const { body, as4, attributes } = this.record;
    this.attributeFields(body, as4, attributes, field.afi, field.nextHopAt);
  }

  /**
   * `path|origin|next hop|local pref|med|communities|AG|aggregator|` and the newline, from the
   * attributes `scan` found in `b`; the next hop at `nextHopAt` (MP_REACH_NLRI's, of `afi`) or,
   * when -1, NEXT_HOP's.
   */
  private attributeFields(b: Uint8Array, as4: boolean, scan: AttributeScan, afi: number, nextHopAt: number): void {
    const out = this.out;
    this.asPath(b, as4, scan);
    out.byte(PIPE);
    out.ascii(originName(scan.has(ATTR.ORIGIN) ? b[scan.off[ATTR.ORIGIN]] : undefined));
    out.byte(PIPE);
    if (nextHopAt < 0) {
      if (scan.has(ATTR.NEXT_HOP)) out.ipv4At(b, scan.off[ATTR.NEXT_HOP]);
      else out.ascii('255.255.255.255');
    } else if (afi === 1) out.ipv4At(b, nextHopAt);
    else out.ipv6At(b, nextHopAt, true);
    out.byte(PIPE);
    const localPref = scan.has(ATTR.LOCAL_PREF) ? u32(b, scan.off[ATTR.LOCAL_PREF]) : 0;
    const med = scan.has(ATTR.MED) ? u32(b, scan.off[ATTR.MED]) : 0;
    // bgpdump prints the MP lines of IPv4 with %d (signed), all others with %u.
    if (nextHopAt >= 0 && afi === 1) {
      out.signed(localPref | 0);
      out.byte(PIPE);
      out.signed(med | 0);
    } else {
      out.decimal(localPref);
      out.byte(PIPE);
      out.decimal(med);
    }
    out.byte(PIPE);
    if (scan.has(ATTR.COMMUNITIES)) {
      const off = scan.off[ATTR.COMMUNITIES];
      const stop = off + scan.len[ATTR.COMMUNITIES];
      for (let p = off; p < stop; p += 4) {
        if (p > off) out.byte(32);
        const c = u32(b, p);
        if (c >= 0xffffff01 && c <= 0xffffff03) out.ascii(communityText(c));
        else {
          out.decimal(c >>> 16);
          out.byte(58); // ':'
          out.decimal(c & 0xffff);
        }
      }
    }
    out.ascii(scan.has(ATTR.ATOMIC_AGGREGATE) ? '|AG|' : '|NAG|');
    if (scan.has(ATTR.AGGREGATOR)) {
      // Its length is the session's (UPDATE_RULES): the AS, then the address, unless 255.255.255.255.
      const off = scan.off[ATTR.AGGREGATOR];
      const ipAt = off + (as4 ? 4 : 2);
      if (u32(b, ipAt) !== 0xffffffff) {
        out.decimal(as4 ? u32(b, off) : u16(b, off));
        out.byte(32);
        out.ipv4At(b, ipAt);
      }
    }
    out.byte(PIPE);
    out.byte(NEWLINE);
  }

  /** The AS path as aspath.ts's text() writes it, from the (well-formed) AS_PATH bytes. */
  private asPath(b: Uint8Array, as4: boolean, scan: AttributeScan): void {
    if (!scan.has(ATTR.AS_PATH)) return;
    const out = this.out;
    const off = scan.off[ATTR.AS_PATH];
    const end = off + scan.len[ATTR.AS_PATH];
    const size = as4 ? 4 : 2;
    let prev = SEQUENCE;
    let space = false;
    for (let p = off; p < end; ) {
      const type = b[p];
      const count = b[p + 1];
      p += 2;
      if (prev !== SEQUENCE) out.byte(CLOSE[prev]);
      if (space) out.byte(32);
      if (type !== SEQUENCE) out.byte(OPEN[type]);
      // Sets (AS_SET, AS_CONFED_SET) join with commas, sequences with spaces.
      const sep = type === 1 || type === 3 ? 44 : 32;
      for (let i = 0; i < count; i++, p += size) {
        if (i > 0) out.byte(sep);
        out.decimal(as4 ? u32(b, p) : u16(b, p));
      }
      space = count > 0;
      prev = type;
    }
    if (prev !== SEQUENCE) out.byte(CLOSE[prev]);
  }
}
