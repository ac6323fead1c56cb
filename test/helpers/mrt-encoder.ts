/**
 * A small MRT/BGP encoder for test fixtures (RFC 6396, 4271, 4760, 6793, 7911, 8050).
 * Every function returns plain bytes, so tests can also cut and corrupt them.
 */
const cat = (...parts: Array<Uint8Array | number[]>): Uint8Array => Buffer.concat(parts.map((p) => Buffer.from(p as Uint8Array)));
export const u16 = (v: number): number[] => [(v >> 8) & 255, v & 255];
export const u32 = (v: number): number[] => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
export const ip4 = (s: string): number[] => s.split('.').map(Number);
export function ip6(s: string): number[] {
  const [l, r = ''] = s.split('::');
  const head = l ? l.split(':') : [];
  const tail = s.includes('::') && r ? r.split(':') : [];
  const words = s.includes('::') ? [...head, ...Array(8 - head.length - tail.length).fill('0'), ...tail] : head;
  return words.flatMap((w) => u16(parseInt(w, 16)));
}

/** One NLRI entry: `10.0.0.0/8` or `2001:db8::/32`, optional ADD-PATH id. */
export function prefix(p: string, pathId?: number): Uint8Array {
  const [addr, lenText] = p.split('/');
  const len = Number(lenText);
  const bytes = addr.includes(':') ? ip6(addr) : ip4(addr);
  return cat(pathId === undefined ? [] : u32(pathId), [len], bytes.slice(0, (len + 7) >> 3));
}

export function attr(type: number, value: Uint8Array | number[], flags = 0x40): Uint8Array {
  const v = Uint8Array.from(value);
  return v.length > 255 ? cat([flags | 0x10, type], u16(v.length), v) : cat([flags, type, v.length], v);
}

export type Seg = { type: 1 | 2 | 3 | 4; asns: number[] };
export function segments(segs: Seg[], asnSize: 2 | 4): Uint8Array {
  return cat(...segs.map((s) => cat([s.type, s.asns.length], ...s.asns.map((a) => (asnSize === 4 ? u32(a) : u16(a))))));
}

export const origin = (v: number) => attr(1, [v]);
export const asPath = (segs: Seg[], asnSize: 2 | 4 = 4) => attr(2, segments(segs, asnSize));
export const nextHop = (ip: string) => attr(3, ip4(ip));
export const med = (v: number) => attr(4, u32(v), 0x80);
export const localPref = (v: number) => attr(5, u32(v));
export const atomic = () => attr(6, []);
export const aggregator = (asn: number, ip: string, asnSize: 2 | 4 = 4) => attr(7, cat(asnSize === 4 ? u32(asn) : u16(asn), ip4(ip)), 0xc0);
export const communities = (list: Array<[number, number]>) => attr(8, cat(...list.map(([a, v]) => cat(u16(a), u16(v)))), 0xc0);
export const originatorId = (ip: string) => attr(9, ip4(ip), 0x80);
export const clusterList = (ips: string[]) => attr(10, cat(...ips.map(ip4)), 0x80);
export const as4Path = (segs: Seg[]) => attr(17, segments(segs, 4), 0xc0);
export const as4Aggregator = (asn: number, ip: string) => attr(18, cat(u32(asn), ip4(ip)), 0xc0);
export const extCommunities = (hex: string[]) => attr(16, cat(...hex.map((h) => Buffer.from(h, 'hex'))), 0xc0);
export const largeCommunities = (list: Array<[number, number, number]>) => attr(32, cat(...list.map(([g, a, b]) => cat(u32(g), u32(a), u32(b)))), 0xc0);
export const onlyToCustomer = (asn: number) => attr(35, u32(asn), 0xc0);
export function mpReach(afi: 1 | 2, nh: string[], prefixes: Uint8Array[], safi = 1): Uint8Array {
  const nhBytes = cat(...nh.map((n) => (afi === 2 ? ip6(n) : ip4(n))));
  return attr(14, cat(u16(afi), [safi, nhBytes.length], nhBytes, [0], ...prefixes), 0x80);
}
export const mpUnreach = (afi: 1 | 2, prefixes: Uint8Array[], safi = 1) => attr(15, cat(u16(afi), [safi], ...prefixes), 0x80);

export function updateBody(o: { withdrawn?: Uint8Array[]; attrs?: Uint8Array[]; nlri?: Uint8Array[] }): Uint8Array {
  const w = cat(...(o.withdrawn ?? []));
  const a = cat(...(o.attrs ?? []));
  return cat(u16(w.length), w, u16(a.length), a, ...(o.nlri ?? []));
}

export function bgpMessage(type: number, body: Uint8Array | number[] = []): Uint8Array {
  return cat(Array(16).fill(0xff), u16(19 + body.length), [type], body);
}
export const update = (o: Parameters<typeof updateBody>[0]) => bgpMessage(2, updateBody(o));

export function mrt(type: number, subtype: number, body: Uint8Array, seconds = 1_700_000_000, microseconds?: number): Uint8Array {
  const full = microseconds === undefined ? body : cat(u32(microseconds), body);
  return cat(u32(seconds), u16(type), u16(subtype), u32(full.length), full);
}

export interface Peer {
  peerAsn: number;
  localAsn: number;
  peerIp: string;
  localIp: string;
}
const addr = (ip: string) => (ip.includes(':') ? ip6(ip) : ip4(ip));
const afiOf = (ip: string) => (ip.includes(':') ? 2 : 1);

/** BGP4MP(_ET) MESSAGE* record; subtype picks AS size / ADD-PATH / LOCAL (RFC 6396, 8050). */
export function bgp4mpMessage(peer: Peer, message: Uint8Array, subtype = 4, opts: { et?: number; seconds?: number } = {}): Uint8Array {
  const as4 = [4, 5, 7, 9, 11].includes(subtype);
  const asn = (v: number) => (as4 ? u32(v) : u16(v));
  const body = cat(asn(peer.peerAsn), asn(peer.localAsn), u16(0), u16(afiOf(peer.peerIp)), addr(peer.peerIp), addr(peer.localIp), message);
  return mrt(opts.et === undefined ? 16 : 17, subtype, body, opts.seconds, opts.et);
}

export function bgp4mpStateChange(peer: Peer, oldState: number, newState: number, as4 = true, et?: number, seconds?: number): Uint8Array {
  const asn = (v: number) => (as4 ? u32(v) : u16(v));
  const body = cat(asn(peer.peerAsn), asn(peer.localAsn), u16(0), u16(afiOf(peer.peerIp)), addr(peer.peerIp), addr(peer.localIp), u16(oldState), u16(newState));
  return mrt(et === undefined ? 16 : 17, as4 ? 5 : 0, body, seconds, et);
}

/** TABLE_DUMP (type 12) entry: subtype 1/2 with 2-byte ASNs, or 3/4 (bgpdump's 4-byte variants) with `asnSize` 4. */
export function tableDump(p: string, peerIp: string, peerAsn: number, attrs: Uint8Array[], asnSize: 2 | 4 = 2): Uint8Array {
  const [a, len] = p.split('/');
  const a6 = a.includes(':');
  const attrBytes = cat(...attrs);
  const subtype = (a6 ? 2 : 1) + (asnSize === 4 ? 2 : 0);
  return mrt(12, subtype, cat(u16(0), u16(1), a6 ? ip6(a) : ip4(a), [Number(len), 1], u32(1_600_000_000), addr(peerIp), asnSize === 4 ? u32(peerAsn) : u16(peerAsn), u16(attrBytes.length), attrBytes));
}

export function peerIndexTable(peers: Array<{ ip: string; asn: number; bgpId?: string }>): Uint8Array {
  const entries = peers.map((p) => cat([(p.ip.includes(':') ? 1 : 0) | 2], ip4(p.bgpId ?? '10.0.0.1'), addr(p.ip), u32(p.asn)));
  const name = Buffer.from('test');
  return mrt(13, 1, cat(ip4('192.0.2.1'), u16(name.length), name, u16(peers.length), ...entries));
}

/** TABLE_DUMP_V2 RIB record: subtype 2/4 (or 8/10 with path ids). */
export function rib(p: string, entries: Array<{ peerIndex: number; attrs: Uint8Array[]; pathId?: number }>, seq = 0): Uint8Array {
  const a6 = p.includes(':');
  const addPath = entries.some((e) => e.pathId !== undefined);
  const subtype = (a6 ? 4 : 2) + (addPath ? 6 : 0);
  const body = cat(
    u32(seq),
    prefix(p),
    u16(entries.length),
    ...entries.map((e) => {
      const attrBytes = cat(...e.attrs);
      return cat(u16(e.peerIndex), u32(1_600_000_000), e.pathId === undefined ? [] : u32(e.pathId), u16(attrBytes.length), attrBytes);
    }),
  );
  return mrt(13, subtype, body);
}

/** Abbreviated MP_REACH_NLRI of RIB entries: next-hop length and next hop only. */
export const ribMpReach = (nh: string) => attr(14, cat([addr(nh).length], addr(nh)), 0x80);

/** Deprecated type 5 UPDATE. */
export function bgpLegacyUpdate(peerIp: string, peerAsn: number, body: Uint8Array): Uint8Array {
  return mrt(5, 1, cat(u16(peerAsn), ip4(peerIp), u16(65000), ip4('192.0.2.254'), body));
}

export const concat = cat;
