import type { AttrDecoder } from './attr-input.js';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toHex(b: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let i = off; i < off + len; i++) s += HEX[b[i]];
  return s;
}

/** EXTENDED COMMUNITIES (RFC 4360): 8-byte values, kept as hex. */
export const decodeExtendedCommunities: AttrDecoder = (a, attrs) => {
  if (a.len % 8 !== 0) return `EXTENDED_COMMUNITIES length ${a.len} not a multiple of 8`;
  const list: string[] = [];
  for (let p = a.off; p < a.off + a.len; p += 8) list.push(toHex(a.b, p, 8));
  attrs.extendedCommunities = list;
  return undefined;
};
