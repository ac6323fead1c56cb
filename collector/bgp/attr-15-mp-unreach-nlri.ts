import type { Afi, MpUnreach } from '../models/bgp.js';
import { u16, type AttrDecoder } from './attr-input.js';
import { decodeNlri, decodeNlriField } from './nlri.js';

/** MP_UNREACH_NLRI (RFC 4760 §4): AFI, SAFI and the withdrawn prefixes. */
export const decodeMpUnreach: AttrDecoder = (a, attrs) => {
  if (a.len < 3) return `MP_UNREACH_NLRI length ${a.len} too short`;
  const afi = u16(a.b, a.off);
  const safi = a.b[a.off + 2];
  const unreach: MpUnreach = { afi, safi, nlri: [] };
  (attrs.mpUnreach ??= []).push(unreach);
  if (afi !== 1 && afi !== 2) return `MP_UNREACH_NLRI AFI ${afi} not supported`;
  const decode = a.ribEntry ? decodeNlri : decodeNlriField; // RIB entries cannot report a recovery
  const r = decode(a.b, a.off + 3, a.off + a.len, afi as Afi, a.addPath);
  unreach.nlri = r.prefixes;
  if (r.bgpdumpTail) unreach.bgpdumpTail = r.bgpdumpTail;
  // A recovered field is no error here; update.ts reports it as a warning.
  if (r.recovered) unreach.addPathRecovery = r.recovered;
  return r.error && !r.recovered ? `MP_UNREACH_NLRI ${r.error}` : undefined;
};
