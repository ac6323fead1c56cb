/**
 * `bgpdump -m` lines of BGP4MP UPDATE records written straight from the record's bytes, with no
 * record, attribute, NLRI or string per field: what `parse --format bgpdump` spends its time on
 * in an updates file. Only records an Bgp4mpScan accepts (the full decode reads them without a
 * single warning) are written here; `message` returns false for any other, having written
 * nothing, and the caller decodes and formats that record in full (format.ts, which holds
 * bgpdump's quirks), so the text is the same either way.
 */
import { ATTR, Bgp4mpScan, type NlriField } from '../mrt/bgp4mp-scan.js';
import { u16, u32 } from '../mrt/body.js';
import type { MrtFrame } from '../mrt/framing.js';
import { bgp4mpName, communityText, originName, peerText } from './format.js';
import type { TextBytes } from '../../common/text-bytes.js';

const PIPE = 124;
const NEWLINE = 10;
const WITHDRAW = 87; // 'W'
const ANNOUNCE = 65; // 'A'
/** Segment brackets as bgpdump writes them, by segment type (1 AS_SET … 4 AS_CONFED_SEQUENCE). */
const OPEN = [0, 123, 0, 91, 40]; // { [ (
const CLOSE = [0, 125, 0, 93, 41]; // } ] )
const SEQUENCE = 2;
/** bgpdump's record names, by (_ET ? 4 : 0) + (_LOCAL ? 2 : 0) + (_AP ? 1 : 0). */
const NAMES = Array.from({ length: 8 }, (_, i) => bgp4mpName(i & 4 ? 17 : 16, (i & 2) !== 0, (i & 1) !== 0));
/** Room for a line's fields besides its head and the attributes' text: prefix, path id, addresses, numbers. */
const LINE_FIELDS = 256;

export class DirectBgpdumpWriter {
  /** Elements printed here (bgpdump lines). */
  elements = 0;
  private readonly update = new Bgp4mpScan();
  private headStart = 0;
  private headEnd = 0;
  private headWritten = false;

  constructor(readonly out: TextBytes) {}

  /** True when `f`, a BGP4MP record, was printed here (an OPEN, NOTIFICATION or KEEPALIVE prints nothing); false: nothing written, decode it in full. */
  message(f: MrtFrame): boolean {
    const u = this.update;
    if (!u.read(f)) return false;
    if (u.kind === 'state-change') this.stateChange(f);
    if (u.elements === 0) return true;
    const peer = u.peerAfi === 2 ? peerText(u.peerIp(), 2) : u.peerIp();
    const name = NAMES[(f.type === 17 ? 4 : 0) + (u.local ? 2 : 0) + (u.addPath ? 1 : 0)];
    if (u.withdrawn.count + u.unreach.count > 0) {
      this.head(f, name, WITHDRAW, peer, u.peerAsn());
      this.withdrawals(u.withdrawn);
      this.withdrawals(u.unreach);
    }
    if (u.announced.count + u.reach.count > 0) {
      this.head(f, name, ANNOUNCE, peer, u.peerAsn());
      this.announcements(u.announced);
      this.announcements(u.reach);
    }
    this.elements += u.elements;
    return true;
  }

  /**
   * Starts a line with `name|time|W|peer|asn|` (A, or STATE for kind 0): the first line of a
   * record writes it and the next ones of the kind repeat its bytes (`headStart`, `headEnd`).
   */
  private head(f: MrtFrame, name: string, kind: number, peer: string, peerAsn: number): void {
    const out = this.out;
    out.reserve(peer.length + 64);
    this.headStart = out.pos;
    out.ascii(name);
    out.byte(PIPE);
    out.decimal(f.seconds);
    if (f.type === 17) {
      out.byte(46); // '.'
      const micro = f.microseconds;
      for (let d = 100000; d >= 1; d /= 10) out.byte(48 + (Math.floor(micro / d) % 10));
    }
    out.byte(PIPE);
    if (kind === 0) out.ascii('STATE');
    else out.byte(kind);
    out.byte(PIPE);
    out.ascii(peer);
    out.byte(PIPE);
    out.decimal(peerAsn);
    out.byte(PIPE);
    this.headEnd = out.pos;
    this.headWritten = true;
  }

  /** `BGP4MP|time|STATE|peer|asn|old|new` (not an element). */
  private stateChange(f: MrtFrame): void {
    const u = this.update;
    const peer = u.peerAfi === 2 ? peerText(u.peerIp(), 2) : u.peerIp();
    this.head(f, f.type === 17 ? 'BGP4MP_ET' : 'BGP4MP', 0, peer, u.peerAsn());
    const out = this.out;
    out.decimal(u.oldState);
    out.byte(PIPE);
    out.decimal(u.newState);
    out.byte(NEWLINE);
  }

  /** The line head: written by head() for the first line of a kind, repeated for the others. */
  private lineHead(): void {
    if (this.headWritten) this.headWritten = false;
    else this.out.repeat(this.headStart, this.headEnd);
  }

  private withdrawals(field: NlriField): void {
    const out = this.out;
    const { body: b, addPath } = this.update;
    const headLength = this.headEnd - this.headStart;
    for (let p = field.start; p < field.end; ) {
      const pathId = addPath ? u32(b, p) : 0;
      if (addPath) p += 4;
      out.reserve(headLength + LINE_FIELDS);
      this.lineHead();
      p = out.nlriPrefix(b, p, field.afi, true);
      if (addPath) {
        out.byte(PIPE);
        out.decimal(pathId);
      }
      out.byte(NEWLINE);
    }
  }

  /**
   * The announcement lines of one NLRI field (the UPDATE's own, or MP_REACH_NLRI's). The fields
   * after the path id are the same on every line: written once, then copied.
   */
  private announcements(field: NlriField): void {
    const out = this.out;
    const { body: b, addPath } = this.update;
    const headLength = this.headEnd - this.headStart;
    let restStart = -1;
    let restEnd = -1;
    // At most 4 characters per attribute byte (a community's 4 bytes as `no-advertise `), plus the fixed fields.
    const restMax = 4 * this.update.attributeBytes + LINE_FIELDS;
    for (let p = field.start; p < field.end; ) {
      const pathId = addPath ? u32(b, p) : 0;
      if (addPath) p += 4;
      out.reserve(headLength + LINE_FIELDS + (restStart >= 0 ? restEnd - restStart : restMax));
      this.lineHead();
      p = out.nlriPrefix(b, p, field.afi, true);
      out.byte(PIPE);
      if (addPath) {
        out.decimal(pathId);
        out.byte(PIPE);
      }
      if (restStart >= 0) out.repeat(restStart, restEnd);
      else {
        restStart = out.pos;
        this.rest(field);
        restEnd = out.pos;
      }
    }
  }

  /** `path|origin|next hop|local pref|med|communities|AG|aggregator|` and the newline. */
  private rest(field: NlriField): void {
    const out = this.out;
    const { body: b, as4, attributes: scan } = this.update;
    const { afi, nextHopAt } = field;
    this.asPath();
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
  private asPath(): void {
    const { body: b, as4, attributes: scan } = this.update;
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
