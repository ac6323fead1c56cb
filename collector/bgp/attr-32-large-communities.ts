import { u32, type AttrDecoder } from './attr-input.js';

/** LARGE_COMMUNITY (RFC 8092): 12-byte triples. */
export const decodeLargeCommunities: AttrDecoder = (a, attrs) => {
  if (a.len % 12 !== 0) return `LARGE_COMMUNITY length ${a.len} not a multiple of 12`;
  const list: Array<[number, number, number]> = [];
  for (let p = a.off; p < a.off + a.len; p += 12) list.push([u32(a.b, p), u32(a.b, p + 4), u32(a.b, p + 8)]);
  attrs.largeCommunities = list;
  return undefined;
};
