import type { AttrDecoder } from './attr-input.js';

/** ORIGIN (RFC 4271 §5.1.1): one byte, 0 IGP, 1 EGP, 2 INCOMPLETE. */
export const decodeOrigin: AttrDecoder = (a, attrs) => {
  if (a.len !== 1) return `ORIGIN length ${a.len} (expected 1)`;
  attrs.origin = a.b[a.off];
  return attrs.origin > 2 ? `ORIGIN value ${attrs.origin} undefined` : undefined;
};
