import { formatIPv4At } from './addr.js';
import type { AttrDecoder } from './attr-input.js';

/** NEXT_HOP (RFC 4271 §5.1.3): an IPv4 address. */
export const decodeNextHop: AttrDecoder = (a, attrs) => {
  if (a.len !== 4) return `NEXT_HOP length ${a.len} (expected 4)`;
  attrs.nextHop = formatIPv4At(a.b, a.off);
  return undefined;
};
