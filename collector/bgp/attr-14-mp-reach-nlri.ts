import type { Afi, MpReach } from '../models/bgp.js';
import { formatIpv4At, formatIpv6Bytes } from '../../common/ip.js';
import { u16, type AttrDecoder } from './attr-input.js';
import { decodeNlri, decodeNlriField } from './nlri.js';

function nextHops(b: Uint8Array, p: number, len: number, afi: number, reach: MpReach): string | undefined {
  if (afi === 1 && len === 4) reach.nextHop = formatIpv4At(b, p);
  else if (len === 16) reach.nextHop = formatIpv6Bytes(b, p);
  else if (len === 32) {
    reach.nextHop = formatIpv6Bytes(b, p);
    reach.nextHopLocal = formatIpv6Bytes(b, p + 16);
  } else if (len === 4) reach.nextHop = formatIpv4At(b, p);
  else if (len === 12 || len === 24) reach.nextHop = len === 12 ? formatIpv4At(b, p + 8) : formatIpv6Bytes(b, p + 8); // RD + address (VPN)
  else return `MP_REACH_NLRI next hop length ${len} not understood`;
  return undefined;
}

/** MP_REACH_NLRI (RFC 4760 §3), and the abbreviated form MRT RIB entries use (RFC 6396 §4.3.4). */
export const decodeMpReach: AttrDecoder = (a, attrs) => {
  const { b, off, len } = a;
  const end = off + len;
  const list = (attrs.mpReach ??= []);
  if (a.ribEntry && len > 0 && b[off] !== 0) {
    // Abbreviated: next-hop length and next hop only; the prefix is in the RIB record.
    const nhLen = b[off];
    if (off + 1 + nhLen > end) return 'MP_REACH_NLRI (RIB) next hop truncated';
    const reach: MpReach = { afi: nhLen === 4 ? 1 : 2, safi: 1, nextHopLength: nhLen, nextHopRaw: b.subarray(off + 1, off + 1 + nhLen), abbreviated: true, nlri: [] };
    const err = nextHops(b, off + 1, nhLen, reach.afi, reach);
    list.push(reach);
    return err;
  }
  if (len < 5) return `MP_REACH_NLRI length ${len} too short`;
  const afi = u16(b, off);
  const safi = b[off + 2];
  const nhLen = b[off + 3];
  let p = off + 4;
  if (p + nhLen + 1 > end) return 'MP_REACH_NLRI next hop runs past the attribute';
  const reach: MpReach = { afi, safi, nextHopLength: nhLen, nextHopRaw: b.subarray(p, p + nhLen), nlri: [] };
  list.push(reach);
  const nhErr = nextHops(b, p, nhLen, afi, reach);
  p += nhLen;
  // Reserved byte (formerly the SNPA count, RFC 2858); skip any SNPAs an old speaker sent.
  let snpas = b[p++];
  while (snpas-- > 0 && p < end) p += 1 + ((b[p] + 1) >> 1);
  if (p > end) return 'MP_REACH_NLRI SNPA runs past the attribute';
  if (afi !== 1 && afi !== 2) return nhErr ?? `MP_REACH_NLRI AFI ${afi} not supported`;
  if (a.ribEntry && p >= end) return nhErr;
  const decode = a.ribEntry ? decodeNlri : decodeNlriField; // RIB entries cannot report a recovery
  const r = decode(b, p, end, afi as Afi, a.addPath);
  reach.nlri = r.prefixes;
  if (r.bgpdumpTail) reach.bgpdumpTail = r.bgpdumpTail;
  // A recovered field is no error here; update.ts reports it as a warning.
  if (r.recovered) reach.addPathRecovery = r.recovered;
  return nhErr ?? (r.error && !r.recovered ? `MP_REACH_NLRI ${r.error}` : undefined);
};
