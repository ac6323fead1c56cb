import { formatIpv4At } from '../../common/ip.js';
import type { AttrDecoder } from './attr-input.js';

/** NEXT_HOP (RFC 4271 §5.1.3): an IPv4 address. */
export const decodeNextHop: AttrDecoder = (a, attrs) => {
  if (a.len !== 4) return `NEXT_HOP length ${a.len} (expected 4)`;
  attrs.nextHop = formatIpv4At(a.b, a.off);
  return undefined;
};
