import { formatIpv4At } from '../../common/ip.js';
import type { AttrDecoder } from './attr-input.js';

/** ORIGINATOR_ID (RFC 4456). */
export const decodeOriginatorId: AttrDecoder = (a, attrs) => {
  if (a.len !== 4) return `ORIGINATOR_ID length ${a.len} (expected 4)`;
  attrs.originatorId = formatIpv4At(a.b, a.off);
  return undefined;
};
