import { u32, type AttrDecoder } from './attr-input.js';

/** COMMUNITIES (RFC 1997): a list of 32-bit values. */
export const decodeCommunities: AttrDecoder = (a, attrs) => {
  const n = a.len >> 2;
  const list = new Array<number>(n);
  for (let i = 0; i < n; i++) list[i] = u32(a.b, a.off + 4 * i);
  attrs.communities = list;
  return a.len % 4 !== 0 ? `COMMUNITIES length ${a.len} not a multiple of 4` : undefined;
};
