/**
 * A BGP4MP record (an UPDATE, another BGP message or a state change) read in place for writers
 * that print it straight from its bytes (bgpdump text, JSON lines): where its fields are, and
 * whether the full decode (parseBgp4mp) would read it without a single warning and take it as it
 * stands. A writer prints only records `read` accepts; any other it leaves to the full decode, so
 * the output is the same either way.
 */
import { ATTR, AttributeScan, UPDATE_RULES } from '../bgp/attribute-scan.js';
import { bgp4mpMessageSubtype } from './bgp4mp-subtypes.js';
import { ipAt, ipSize, u16, u32 } from './body.js';
import type { MrtFrame } from './framing.js';

const OPEN = 1;
const UPDATE = 2;
const NOTIFICATION = 3;
const KEEPALIVE = 4;
const ROUTE_REFRESH = 5;
const BGP_HEADER = 19;
const STATE_CHANGE = 0;
const STATE_CHANGE_AS4 = 5;

/** What an accepted record is: an UPDATE's routes, another BGP message or a state change (no routes). */
export type Bgp4mpKind = 'update' | 'other-message' | 'state-change';

/** One NLRI field of the UPDATE: its family, where its prefixes are, and how many. */
export interface NlriField {
  afi: number;
  start: number;
  end: number;
  count: number;
  /** MP_REACH_NLRI: where its next hop is (4 bytes for IPv4, 16 or 32 for IPv6); -1 otherwise. */
  nextHopAt: number;
}

const field = (): NlriField => ({ afi: 1, start: 0, end: 0, count: 0, nextHopAt: -1 });

export class Bgp4mpScan {
  readonly attributes = new AttributeScan(UPDATE_RULES);
  // What `read` found in the last record it accepted.
  kind: Bgp4mpKind = 'update';
  body: Uint8Array = new Uint8Array(0);
  as4 = false;
  addPath = false;
  local = false;
  /** The peer's address family and where its address is in `body` (-1: none, Zebra's short state change). */
  peerAfi = 1;
  peerAt = 0;
  /** A state change's old and new states (RFC 6396 §4.4.1). */
  oldState = 0;
  newState = 0;
  readonly withdrawn = field();
  readonly unreach = field();
  readonly announced = field();
  readonly reach = field();
  /** Bytes of path attributes (writers size their room by it). */
  attributeBytes = 0;
  private readonly ipv4Peers = new Map<number, string>();

  /**
   * True when `f` is a BGP4MP state change of the length its AFI says, or a message record
   * holding a well-formed OPEN, NOTIFICATION, KEEPALIVE or ROUTE-REFRESH, or an UPDATE whose framing, attributes and NLRI read cleanly, with at
   * most one MP_REACH_NLRI and one MP_UNREACH_NLRI (SAFI 1-3, a plain next hop, no SNPA) and
   * the mandatory attributes its routes need.
   */
  read(f: MrtFrame): boolean {
    // (Microseconds past 999,999 are the full decode's: writers print six digits.)
    if ((f.type !== 16 && f.type !== 17) || f.microseconds > 999_999) return false;
    clear(this.withdrawn);
    clear(this.unreach);
    clear(this.announced);
    clear(this.reach);
    if (f.subtype === STATE_CHANGE || f.subtype === STATE_CHANGE_AS4) return this.stateChange(f.body, f.subtype === STATE_CHANGE_AS4);
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
    // A message longer than the record is the full decode's to report; OPENs and others, to show.
    if (declared < BGP_HEADER || declared > b.length - m) return false;
    this.body = b;
    this.as4 = as4;
    this.peerAfi = afi;
    this.peerAt = peerAt;
    const type = b[m + 18];
    if (type !== UPDATE) {
      // No routes: taken when decodeBgpMessage reads it without a warning (an OPEN's parameters
      // inside it, a NOTIFICATION's code and subcode, a ROUTE-REFRESH's AFI and SAFI).
      this.kind = 'other-message';
      if (type === KEEPALIVE) return true;
      if (type === OPEN) return declared >= 29 && 29 + b[m + 28] <= declared;
      if (type === NOTIFICATION) return declared >= 21;
      return type === ROUTE_REFRESH && declared >= 23;
    }
    const end = m + declared;
    const wStart = m + BGP_HEADER + 2;
    if (wStart > end) return false;
    const wEnd = wStart + u16(b, wStart - 2);
    if (wEnd + 2 > end) return false;
    const aStart = wEnd + 2;
    const aEnd = aStart + u16(b, wEnd);
    if (aEnd > end) return false;
    const attrs = this.attributes;
    if (!attrs.scan(b, aStart, aEnd, as4)) return false;
    if (!nlri(this.withdrawn, b, 1, wStart, wEnd, addPath) || !nlri(this.announced, b, 1, aEnd, end, addPath)) return false;
    if (attrs.has(ATTR.MP_UNREACH) && !this.mpUnreach(b, addPath)) return false;
    if (attrs.has(ATTR.MP_REACH) && !this.mpReach(b, addPath)) return false;
    const routes = this.announced.count + this.reach.count;
    // Routes without the mandatory attributes are treat-as-withdraw, warned about in full.
    if (routes > 0 && !(attrs.has(ATTR.ORIGIN) && attrs.has(ATTR.AS_PATH))) return false;
    if (this.announced.count > 0 && !attrs.has(ATTR.NEXT_HOP)) return false;
    this.kind = 'update';
    this.addPath = addPath;
    this.local = spec.local;
    this.attributeBytes = aEnd - aStart;
    return true;
  }

  /** A state change as stateChange() in bgp4mp.ts reads it without a problem. */
  private stateChange(b: Uint8Array, as4: boolean): boolean {
    const asnSize = as4 ? 4 : 2;
    this.kind = 'state-change';
    this.body = b;
    this.as4 = as4;
    // Zebra wrote 8-byte state changes without interface, AFI and addresses.
    if (!as4 && b.length === 8) {
      this.peerAfi = 1;
      this.peerAt = -1;
      this.oldState = u16(b, 4);
      this.newState = u16(b, 6);
      return true;
    }
    if (b.length < 2 * asnSize + 4) return false;
    const afi = u16(b, 2 * asnSize + 2);
    if (afi !== 1 && afi !== 2) return false;
    const need = 2 * asnSize + 4 + 2 * ipSize(afi) + 4;
    if (b.length !== need) return false;
    this.peerAfi = afi;
    this.peerAt = 2 * asnSize + 4;
    this.oldState = u16(b, need - 4);
    this.newState = u16(b, need - 2);
    return true;
  }

  /** The peer's address as text (RFC 5952 for IPv6); IPv4 ones are kept per address, as a file has few peers. */
  peerIp(): string {
    if (this.peerAt < 0) return '0.0.0.0';
    if (this.peerAfi === 2) return ipAt(this.body, this.peerAt, 2);
    const key = u32(this.body, this.peerAt);
    let text = this.ipv4Peers.get(key);
    if (text === undefined) {
      text = ipAt(this.body, this.peerAt, 1);
      if (this.ipv4Peers.size >= 10_000) this.ipv4Peers.clear();
      this.ipv4Peers.set(key, text);
    }
    return text;
  }

  /** The peer's AS number. */
  peerAsn(): number {
    return this.as4 ? u32(this.body, 0) : u16(this.body, 0);
  }

  /** Elements of the accepted record: its withdrawn and announced prefixes. */
  get elements(): number {
    return this.withdrawn.count + this.unreach.count + this.announced.count + this.reach.count;
  }

  private mpUnreach(b: Uint8Array, addPath: boolean): boolean {
    const off = this.attributes.off[ATTR.MP_UNREACH];
    const len = this.attributes.len[ATTR.MP_UNREACH];
    if (len < 3) return false;
    const afi = u16(b, off);
    // SAFI 1-3 (unicast, multicast, both), which bgpdump prints; the others are left to the full decode.
    if ((afi !== 1 && afi !== 2) || b[off + 2] < 1 || b[off + 2] > 3) return false;
    return nlri(this.unreach, b, afi, off + 3, off + len, addPath);
  }

  private mpReach(b: Uint8Array, addPath: boolean): boolean {
    const off = this.attributes.off[ATTR.MP_REACH];
    const len = this.attributes.len[ATTR.MP_REACH];
    if (len < 5) return false;
    const afi = u16(b, off);
    const nhLen = b[off + 3];
    // An IPv4 next hop for IPv4, a global (and link-local) one for IPv6, and no SNPA.
    const plain = afi === 1 ? nhLen === 4 : afi === 2 && (nhLen === 16 || nhLen === 32);
    if (!plain || b[off + 2] < 1 || b[off + 2] > 3 || 5 + nhLen > len || b[off + 4 + nhLen] !== 0) return false;
    this.reach.nextHopAt = off + 4;
    return nlri(this.reach, b, afi, off + 5 + nhLen, off + len, addPath);
  }
}

/** No field: nothing to read, nothing to print. */
function clear(f: NlriField): void {
  f.start = f.end = f.count = 0;
}

/** Fills `f` with the NLRI field at [start, end); false when decodeNlri would stop at an error there. */
function nlri(f: NlriField, b: Uint8Array, afi: number, start: number, end: number, addPath: boolean): boolean {
  const maxBits = afi === 1 ? 32 : 128;
  let n = 0;
  let p = start;
  while (p < end) {
    if (addPath) p += 4;
    if (p >= end) return false;
    const length = b[p++];
    if (length > maxBits) return false;
    p += (length + 7) >> 3;
    if (p > end) return false;
    n++;
  }
  f.afi = afi;
  f.start = start;
  f.end = end;
  f.count = n;
  return true;
}
