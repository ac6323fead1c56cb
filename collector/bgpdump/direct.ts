/**
 * `bgpdump -m` lines of BGP4MP UPDATE records written straight from the record's bytes, with no
 * record, attribute, NLRI or string per field: what `parse --format bgpdump` spends its time on
 * in an updates file. Only records the full decode reads without a single warning are written
 * here (an AttributeScan with UPDATE_RULES, and the NLRI and MP checks below decide); `message`
 * returns false for any other, having written nothing, and the caller decodes and formats that
 * record in full (format.ts, which holds bgpdump's quirks), so the text is the same either way.
 */
import { AttributeScan, UPDATE_RULES } from '../bgp/attribute-scan.js';
import { ipAt, ipSize, u16, u32 } from '../mrt/body.js';
import { bgp4mpMessageSubtype } from '../mrt/bgp4mp.js';
import type { MrtFrame } from '../mrt/framing.js';
import { bgp4mpName, communityText, originName, peerText } from './format.js';
import { TextBytes } from './text-bytes.js';

const ORIGIN = 1;
const AS_PATH = 2;
const NEXT_HOP = 3;
const MED = 4;
const LOCAL_PREF = 5;
const ATOMIC_AGGREGATE = 6;
const AGGREGATOR = 7;
const COMMUNITIES = 8;
const MP_REACH = 14;
const MP_UNREACH = 15;
const UPDATE = 2;
const BGP_HEADER = 19;
const PIPE = 124;
const NEWLINE = 10;
/** Segment brackets as bgpdump writes them, by segment type (1 AS_SET … 4 AS_CONFED_SEQUENCE). */
const OPEN = [0, 123, 0, 91, 40]; // { [ (
const CLOSE = [0, 125, 0, 93, 41]; // } ] )
const SEQUENCE = 2;
const WITHDRAW = 87; // 'W'
const ANNOUNCE = 65; // 'A'
/** bgpdump's record names, by (_ET ? 4 : 0) + (_LOCAL ? 2 : 0) + (_AP ? 1 : 0). */
const NAMES = Array.from({ length: 8 }, (_, i) => bgp4mpName(i & 4 ? 17 : 16, (i & 2) !== 0, (i & 1) !== 0));
/** Room for a line's fields besides its head and the attributes' text: prefix, path id, addresses, numbers. */
const LINE_FIELDS = 256;

/** An MP_REACH_NLRI or MP_UNREACH_NLRI this writer prints: its family and where its NLRI are. */
interface MpField {
  afi: number;
  nlriStart: number;
  nlriEnd: number;
  /** MP_REACH_NLRI: where its next hop is. */
  nextHopAt: number;
}

export class DirectBgpdumpWriter {
  /** Elements printed here (bgpdump lines). */
  lines = 0;
  private readonly scan = new AttributeScan(UPDATE_RULES);
  private readonly reach: MpField = { afi: 0, nlriStart: 0, nlriEnd: 0, nextHopAt: 0 };
  private readonly unreach: MpField = { afi: 0, nlriStart: 0, nlriEnd: 0, nextHopAt: 0 };
  private readonly addr = new Uint8Array(16);
  private attributeBytes = 0;
  private readonly ipv4Peers = new Map<number, string>();
  private peerText = '';
  private peerAsn = 0;
  private headStart = 0;
  private headEnd = 0;
  private headWritten = false;

  constructor(readonly out: TextBytes) {}

  /** True when `f`, a BGP4MP record, was an UPDATE printed here; false: nothing written, decode it in full. */
  message(f: MrtFrame): boolean {
    // (Microseconds past 999,999 print as they are in full; here they would be cut to six digits.)
    if ((f.type !== 16 && f.type !== 17) || f.microseconds > 999_999) return false;
    const spec = bgp4mpMessageSubtype(f.subtype);
    if (!spec) return false;
    const { as4, addPath } = spec;
    const b = f.body;
    const asnSize = as4 ? 4 : 2;
    if (b.length < 2 * asnSize + 4) return false;
    const afi = u16(b, 2 * asnSize + 2);
    if (afi !== 1 && afi !== 2) return false;
    const peerAt = 2 * asnSize + 4;
    const m = peerAt + 2 * ipSize(afi);
    if (b.length < m + BGP_HEADER) return false;
    for (let i = 0; i < 16; i++) if (b[m + i] !== 0xff) return false;
    const declared = u16(b, m + 16);
    // A message longer than the record, or not an UPDATE, is the full decode's to report or skip.
    if (declared < BGP_HEADER || declared > b.length - m || b[m + 18] !== UPDATE) return false;
    const end = m + declared;
    const wStart = m + BGP_HEADER + 2;
    if (wStart > end) return false;
    const wEnd = wStart + u16(b, wStart - 2);
    if (wEnd + 2 > end) return false;
    const aStart = wEnd + 2;
    const aEnd = aStart + u16(b, wEnd);
    if (aEnd > end) return false;
    const scan = this.scan;
    if (!scan.scan(b, aStart, aEnd, as4)) return false;
    this.attributeBytes = aEnd - aStart;
    const withdrawn = nlriCount(b, wStart, wEnd, 1, addPath);
    const announced = nlriCount(b, aEnd, end, 1, addPath);
    if (withdrawn < 0 || announced < 0) return false;
    const unreached = scan.has(MP_UNREACH) ? this.mpUnreach(b, addPath) : 0;
    const reached = scan.has(MP_REACH) ? this.mpReach(b, addPath) : 0;
    if (unreached < 0 || reached < 0) return false;
    // Routes without the mandatory attributes are treat-as-withdraw, warned about in full.
    if ((announced > 0 || reached > 0) && !(scan.has(ORIGIN) && scan.has(AS_PATH))) return false;
    if (announced > 0 && !scan.has(NEXT_HOP)) return false;

    const lines = withdrawn + unreached + announced + reached;
    if (lines === 0) return true;
    this.peerText = this.peer(b, peerAt, afi);
    this.peerAsn = as4 ? u32(b, 0) : u16(b, 0);
    const name = (f.type === 17 ? 4 : 0) + (spec.local ? 2 : 0) + (addPath ? 1 : 0);
    if (withdrawn + unreached > 0) {
      this.head(f, name, WITHDRAW);
      this.withdrawals(b, wStart, wEnd, 1, addPath);
      if (unreached > 0) this.withdrawals(b, this.unreach.nlriStart, this.unreach.nlriEnd, this.unreach.afi, addPath);
    }
    if (announced + reached > 0) {
      this.head(f, name, ANNOUNCE);
      if (announced > 0) this.announcements(b, aEnd, end, 1, addPath, -1, as4);
      if (reached > 0) this.announcements(b, this.reach.nlriStart, this.reach.nlriEnd, this.reach.afi, addPath, this.reach.nextHopAt, as4);
    }
    this.lines += lines;
    return true;
  }

  /** The peer's address as text (IPv4 ones kept per address: an updates file has few peers). */
  private peer(b: Uint8Array, at: number, afi: number): string {
    if (afi === 2) return peerText(ipAt(b, at, afi), afi);
    const key = u32(b, at);
    let text = this.ipv4Peers.get(key);
    if (text === undefined) {
      text = ipAt(b, at, afi);
      if (this.ipv4Peers.size >= 10_000) this.ipv4Peers.clear();
      this.ipv4Peers.set(key, text);
    }
    return text;
  }

  /**
   * Starts a line with `name|time|W|peer|asn|` (or A): the first line of a record writes it and
   * the next ones of the kind repeat its bytes (`headStart`, `headEnd`).
   */
  private head(f: MrtFrame, name: number, kind: number): void {
    const out = this.out;
    out.reserve(this.peerText.length + 64);
    this.headStart = out.pos;
    out.ascii(NAMES[name]);
    out.byte(PIPE);
    out.decimal(f.seconds);
    if (f.type === 17) {
      out.byte(46); // '.'
      const micro = f.microseconds;
      for (let d = 100000; d >= 1; d /= 10) out.byte(48 + (Math.floor(micro / d) % 10));
    }
    out.byte(PIPE);
    out.byte(kind);
    out.byte(PIPE);
    out.ascii(this.peerText);
    out.byte(PIPE);
    out.decimal(this.peerAsn);
    out.byte(PIPE);
    this.headEnd = out.pos;
    this.headWritten = true;
  }

  /** The line head: written by head() for the first line of a kind, repeated for the others. */
  private lineHead(): void {
    if (this.headWritten) this.headWritten = false;
    else this.out.repeat(this.headStart, this.headEnd);
  }

  /** MP_UNREACH_NLRI: its prefix count, -1 when the full decode would warn or print it otherwise. */
  private mpUnreach(b: Uint8Array, addPath: boolean): number {
    const off = this.scan.off[MP_UNREACH];
    const len = this.scan.len[MP_UNREACH];
    if (len < 3) return -1;
    const u = this.unreach;
    u.afi = u16(b, off);
    // bgpdump prints SAFI 1-3 (unicast, multicast, both); the others are left to the full decode.
    if ((u.afi !== 1 && u.afi !== 2) || b[off + 2] < 1 || b[off + 2] > 3) return -1;
    u.nlriStart = off + 3;
    u.nlriEnd = off + len;
    return nlriCount(b, u.nlriStart, u.nlriEnd, u.afi, addPath);
  }

  /** MP_REACH_NLRI: its prefix count, -1 when the full decode would warn or print it otherwise. */
  private mpReach(b: Uint8Array, addPath: boolean): number {
    const off = this.scan.off[MP_REACH];
    const len = this.scan.len[MP_REACH];
    if (len < 5) return -1;
    const r = this.reach;
    r.afi = u16(b, off);
    const nhLen = b[off + 3];
    // An IPv4 next hop for IPv4, a global (and link-local) one for IPv6, and no SNPA.
    const plain = r.afi === 1 ? nhLen === 4 : r.afi === 2 && (nhLen === 16 || nhLen === 32);
    if (!plain || b[off + 2] < 1 || b[off + 2] > 3 || off + 4 + nhLen + 1 > off + len || b[off + 4 + nhLen] !== 0) return -1;
    r.nextHopAt = off + 4;
    r.nlriStart = off + 5 + nhLen;
    r.nlriEnd = off + len;
    return nlriCount(b, r.nlriStart, r.nlriEnd, r.afi, addPath);
  }

  private withdrawals(b: Uint8Array, start: number, end: number, afi: number, addPath: boolean): void {
    const out = this.out;
    const headLength = this.headEnd - this.headStart;
    for (let p = start; p < end; ) {
      const pathId = addPath ? u32(b, p) : 0;
      if (addPath) p += 4;
      out.reserve(headLength + LINE_FIELDS);
      this.lineHead();
      p = this.prefix(b, p, afi);
      if (addPath) {
        out.byte(PIPE);
        out.decimal(pathId);
      }
      out.byte(NEWLINE);
    }
  }

  /**
   * The announcement lines of one NLRI field: `nextHopAt` -1 for the UPDATE's own NLRI (NEXT_HOP),
   * else where the MP_REACH_NLRI next hop is. The fields after the path id are the same on every
   * line: written once, then copied.
   */
  private announcements(b: Uint8Array, start: number, end: number, afi: number, addPath: boolean, nextHopAt: number, as4: boolean): void {
    const out = this.out;
    const headLength = this.headEnd - this.headStart;
    let restStart = -1;
    let restEnd = -1;
    // At most 3 characters per attribute byte (an ASN of 2 bytes as 5 digits and a space), plus the fixed fields.
    const restMax = 3 * this.attributeBytes + LINE_FIELDS;
    for (let p = start; p < end; ) {
      const pathId = addPath ? u32(b, p) : 0;
      if (addPath) p += 4;
      out.reserve(headLength + LINE_FIELDS + (restStart >= 0 ? restEnd - restStart : restMax));
      this.lineHead();
      p = this.prefix(b, p, afi);
      out.byte(PIPE);
      if (addPath) {
        out.decimal(pathId);
        out.byte(PIPE);
      }
      if (restStart >= 0) out.repeat(restStart, restEnd);
      else {
        restStart = out.pos;
        this.rest(b, afi, nextHopAt, as4);
        restEnd = out.pos;
      }
    }
  }

  /** `path|origin|next hop|local pref|med|communities|AG|aggregator|` and the newline. */
  private rest(b: Uint8Array, afi: number, nextHopAt: number, as4: boolean): void {
    const out = this.out;
    const scan = this.scan;
    this.asPath(b, as4);
    out.byte(PIPE);
    out.ascii(originName(scan.has(ORIGIN) ? b[scan.off[ORIGIN]] : undefined));
    out.byte(PIPE);
    if (nextHopAt < 0) {
      if (scan.has(NEXT_HOP)) out.ipv4At(b, scan.off[NEXT_HOP]);
      else out.ascii('255.255.255.255');
    } else if (afi === 1) out.ipv4At(b, nextHopAt);
    else out.ipv6At(b, nextHopAt, true);
    out.byte(PIPE);
    const localPref = scan.has(LOCAL_PREF) ? u32(b, scan.off[LOCAL_PREF]) : 0;
    const med = scan.has(MED) ? u32(b, scan.off[MED]) : 0;
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
    if (scan.has(COMMUNITIES)) {
      const off = scan.off[COMMUNITIES];
      const stop = off + scan.len[COMMUNITIES];
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
    out.ascii(scan.has(ATOMIC_AGGREGATE) ? '|AG|' : '|NAG|');
    if (scan.has(AGGREGATOR)) {
      // Its length is the session's (UPDATE_RULES): the AS, then the address, unless 255.255.255.255.
      const off = scan.off[AGGREGATOR];
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
  private asPath(b: Uint8Array, as4: boolean): void {
    if (!this.scan.has(AS_PATH)) return;
    const out = this.out;
    const off = this.scan.off[AS_PATH];
    const end = off + this.scan.len[AS_PATH];
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

  /** Writes the prefix at `b[p]` (length byte, then its address bytes) as on the wire; returns the position after it. */
  private prefix(b: Uint8Array, p: number, afi: number): number {
    const out = this.out;
    const length = b[p++];
    const bytes = (length + 7) >> 3;
    const addr = this.addr;
    for (let i = 0; i < 16; i++) addr[i] = i < bytes ? b[p + i] : 0;
    if (afi === 1) out.ipv4At(addr, 0);
    else out.ipv6At(addr, 0, true);
    out.byte(47); // '/'
    out.decimal(length);
    return p + bytes;
  }
}

/** The number of prefixes in an NLRI field, or -1 when decodeNlri would stop at an error there. */
function nlriCount(b: Uint8Array, start: number, end: number, afi: number, addPath: boolean): number {
  const maxBits = afi === 1 ? 32 : 128;
  let n = 0;
  let p = start;
  while (p < end) {
    if (addPath) p += 4;
    if (p >= end) return -1;
    const length = b[p++];
    if (length > maxBits) return -1;
    p += (length + 7) >> 3;
    if (p > end) return -1;
    n++;
  }
  return n;
}
