/**
 * `bgpdump -m` output (Debian bgpdump 1.6.2), record by record, byte for byte. The JSONL
 * output is the RFC-correct one; this one reproduces bgpdump, quirks included (see QUIRKS.md).
 */
import { formatNlriAsWire } from '../bgp/addr.js';
import { formatIpv4, formatIpv6Bytes } from '../../common/ip.js';
import type { MpReach, Nlri, PathAttributes } from '../models/bgp.js';
import type { Bgp4mpMessageRecord, MrtRecord } from '../models/mrt.js';
import { bgpdumpAsPath } from './aspath.js';

const NO_ADDR = '255.255.255.255';

/** ORIGIN as bgpdump names it (INCOMPLETE also when there is none). */
export const originName = (code: number | undefined): string => (code === 0 ? 'IGP' : code === 1 ? 'EGP' : 'INCOMPLETE');

const origin = (a: PathAttributes): string => originName(a.origin);

export function communityText(c: number): string {
  if (c === 0xffffff01) return 'no-export';
  if (c === 0xffffff02) return 'no-advertise';
  if (c === 0xffffff03) return 'local-AS';
  return `${c >>> 16}:${c & 0xffff}`;
}

/** `communities|AG|aggregator|` — the tail every announce line shares. */
function tail(a: PathAttributes, asnLen: 2 | 4): string {
  const comm = a.seen.includes(8) && a.communities ? a.communities.map(communityText).join(' ') : '';
  return `${comm}|${a.seen.includes(6) ? 'AG' : 'NAG'}|${aggregator(a, asnLen)}|`;
}

/** bgpdump reads AGGREGATOR positionally with the session's ASN size, whatever its length. */
function aggregator(a: PathAttributes, asnLen: 2 | 4): string {
  let agg = a.aggregator;
  if (!agg) return '';
  let asn = agg.asn;
  let ip = agg.ip;
  if (asnLen === 2 && agg.wireLength === 8) {
    const ipParts = ip.split('.');
    ip = `${(agg.asn >>> 8) & 255}.${agg.asn & 255}.${ipParts[0]}.${ipParts[1]}`;
    asn = agg.asn >>> 16;
  } else if (asnLen === 4 && agg.wireLength === 6) {
    const ipParts = ip.split('.');
    asn = ((agg.asn << 16) | (Number(ipParts[0]) << 8) | Number(ipParts[1])) >>> 0;
    ip = `${ipParts[2]}.${ipParts[3]}.0.0`;
  } else if (asnLen === 2 && agg.asn === 23456 && a.as4Aggregator) {
    agg = a.as4Aggregator;
    asn = agg.asn;
    ip = agg.ip;
  }
  return ip === NO_ADDR ? '' : `${asn} ${ip}`;
}

/** IPv6 text in glibc inet_ntop's form (dotted tail for mapped/compatible addresses). */
function v6Bytes(raw: Uint8Array): string {
  if (raw.length >= 16) return formatIpv6Bytes(raw, 0, true);
  const b = new Uint8Array(16); // bgpdump zero-fills reads past the attribute
  b.set(raw);
  return formatIpv6Bytes(b, 0, true);
}

function v4Of(raw: Uint8Array): string {
  return formatIpv4(raw.length >= 4 ? ((raw[0] << 24) | (raw[1] << 16) | (raw[2] << 8) | raw[3]) >>> 0 : 0);
}

const peerCache = new Map<string, string>();

/** Re-writes one of our IPv6 texts in bgpdump's form (cached: a file has few peers). */
export function peerText(ip: string, afi: number): string {
  if (afi !== 2 || !ip.includes(':')) return ip;
  let text = peerCache.get(ip);
  if (text === undefined) {
    const [left, right = ''] = ip.split('::');
    const head = left ? left.split(':') : [];
    const tail = ip.includes('::') && right ? right.split(':') : [];
    const words = ip.includes('::') ? [...head, ...new Array(8 - head.length - tail.length).fill('0'), ...tail] : head;
    const b = new Uint8Array(16);
    words.forEach((w, i) => {
      const v = parseInt(w, 16);
      b[2 * i] = v >> 8;
      b[2 * i + 1] = v & 255;
    });
    text = formatIpv6Bytes(b, 0, true);
    if (peerCache.size > 10_000) peerCache.clear();
    peerCache.set(ip, text);
  }
  return text;
}

/** The MP_REACH entry bgpdump would file under IPv6 unicast (what RIB lines take the next hop from). */
function ribV6NextHop(a: PathAttributes): string | undefined {
  const r = a.mpReach?.find((m) => m.abbreviated || (m.afi === 2 && m.safi === 1));
  return r ? v6Bytes(r.nextHopRaw) : undefined;
}

/** The record name bgpdump prints for a BGP4MP message (MRT type 16 or 17). */
export function bgp4mpName(mrtType: number, local: boolean, addPath: boolean): string {
  return `BGP4MP${mrtType === 17 ? '_ET' : ''}${local ? '_LOCAL' : ''}${addPath ? '_AP' : ''}`;
}

function timeOf(r: MrtRecord): string {
  return r.mrtType === 17 ? `${r.seconds}.${String(r.microseconds).padStart(6, '0')}` : String(r.seconds);
}

/** First MP entry per (AFI, SAFI) in bgpdump's print order: IPv4 then IPv6, SAFI 1..3. */
function mpOrder<T extends { afi: number; safi: number }>(list: T[] | undefined): T[] {
  if (!list) return [];
  const out: T[] = [];
  for (const afi of [1, 2]) for (const safi of [1, 2, 3]) {
    const m = list.find((x) => x.afi === afi && x.safi === safi && !(x as Partial<MpReach>).abbreviated);
    if (m) out.push(m);
  }
  return out;
}

function bgp4mpLines(r: Bgp4mpMessageRecord): string {
  const msg = r.message;
  if (msg.type !== 'update') return '';
  const a = msg.attributes;
  const asnLen = r.as4 ? 4 : 2;
  const head = `${bgp4mpName(r.mrtType, r.local, r.addPath)}|${timeOf(r)}|`;
  const peer = `${peerText(r.peerIp, r.afi)}|${r.peerAsn}|`;
  const pid = (n: Nlri) => (r.addPath ? `${n.pathId ?? 0}|` : '');
  let out = '';
  const withdraw = (n: Nlri) => {
    out += `${head}W|${peer}${formatNlriAsWire(n)}${r.addPath ? `|${n.pathId ?? 0}` : ''}\n`;
  };
  const tailOf = <T extends { nlri: Nlri[]; bgpdumpTail?: Nlri[] }>(m: T) => (m.bgpdumpTail ? [...m.nlri, ...m.bgpdumpTail] : m.nlri);
  for (const n of msg.withdrawn) withdraw(n);
  for (const n of msg.bgpdumpTail?.withdrawn ?? []) withdraw(n);
  for (const u of mpOrder(a.mpUnreach)) for (const n of tailOf(u)) withdraw(n);
  const reaches = mpOrder(a.mpReach);
  const announced = msg.bgpdumpTail?.announced ? [...msg.announced, ...msg.bgpdumpTail.announced] : msg.announced;
  if (announced.length === 0 && reaches.every((m) => tailOf(m).length === 0)) return out;
  const path = bgpdumpAsPath(a, asnLen);
  const org = origin(a);
  const lp = a.localPref ?? 0;
  const med = a.med ?? 0;
  const t = tail(a, asnLen);
  const nh = a.nextHop ?? NO_ADDR;
  for (const n of announced) out += `${head}A|${peer}${formatNlriAsWire(n)}|${pid(n)}${path}|${org}|${nh}|${lp}|${med}|${t}\n`;
  for (const m of reaches) {
    // bgpdump prints IPv4 MP lines with %d (signed) and IPv6 ones with %u.
    const v4 = m.afi === 1;
    const mnh = v4 ? v4Of(m.nextHopRaw) : v6Bytes(m.nextHopRaw);
    const lpText = v4 ? lp | 0 : lp;
    const medText = v4 ? med | 0 : med;
    for (const n of tailOf(m)) out += `${head}A|${peer}${formatNlriAsWire(n)}|${pid(n)}${path}|${org}|${mnh}|${lpText}|${medText}|${t}\n`;
  }
  return out;
}

/** The `bgpdump -m` lines of one record ('' when bgpdump prints nothing for it). */
export function formatBgpdump(r: MrtRecord): string {
  switch (r.kind) {
    case 'bgp4mp-message':
      return bgp4mpLines(r);
    case 'bgp4mp-state-change':
      return `BGP4MP${r.mrtType === 17 ? '_ET' : ''}|${timeOf(r)}|STATE|${peerText(r.peerIp, r.afi)}|${r.peerAsn}|${r.oldState}|${r.newState}\n`;
    case 'table-dump': {
      const a = r.attributes;
      const afi = r.mrtSubtype === 2 ? 2 : 1;
      const nh = ribV6NextHop(a) ?? a.nextHop ?? NO_ADDR;
      return `TABLE_DUMP|${r.seconds}|B|${peerText(r.peerIp, afi)}|${r.peerAsn}|${formatNlriAsWire(r.prefix)}|${bgpdumpAsPath(a, r.mrtSubtype >= 3 ? 4 : 2)}|${origin(a)}|${nh}|${a.localPref ?? 0}|${a.med ?? 0}|${tail(a, r.mrtSubtype >= 3 ? 4 : 2)}\n`;
    }
    case 'rib': {
      if (![2, 4, 8, 10].includes(r.mrtSubtype)) return ''; // bgpdump skips multicast and RIB_GENERIC
      const head = `TABLE_DUMP2${r.addPath ? '_AP' : ''}|${r.seconds}|B|`;
      const prefix = formatNlriAsWire(r.prefix);
      let out = '';
      for (const e of r.entries) {
        if (!e.peer) continue;
        const a = e.attributes;
        const nh = ribV6NextHop(a) ?? a.nextHop ?? NO_ADDR;
        out += `${head}${peerText(e.peer.ip, e.peer.afi)}|${e.peer.asn}|${prefix}|${r.addPath ? `${e.pathId ?? 0}|` : ''}${bgpdumpAsPath(a, 4)}|${origin(a)}|${nh}|${a.localPref ?? 0}|${a.med ?? 0}|${tail(a, 4)}\n`;
      }
      return out;
    }
    case 'bgp-legacy-update': {
      const u = r.update;
      const a = u.attributes;
      const head = `BGP|${r.seconds}|`;
      let out = '';
      // bgpdump prints both addresses of a withdrawal with inet_ntoa's shared buffer: the prefix shows the peer address.
      for (const n of u.withdrawn) out += `${head}W|${r.peerIp}|${r.peerAsn}|${r.peerIp}/${n.length}\n`;
      if (u.announced.length) {
        const rest = `|${bgpdumpAsPath(a, 2)}|${origin(a)}|${a.nextHop ?? NO_ADDR}|${a.localPref ?? 0}|${a.med ?? 0}`;
        // …and omits the separator between MED and communities.
        const t = tail(a, 2);
        for (const n of u.announced) out += `${head}A|${r.peerIp}|${r.peerAsn}|${formatNlriAsWire(n)}${rest}${t}\n`;
      }
      return out;
    }
    case 'bgp-legacy-state-change':
      return `BGP|${r.seconds}|STATE|${r.peerIp}|${r.peerAsn}|${r.oldState}|${r.newState}\n`;
    default:
      return '';
  }
}
