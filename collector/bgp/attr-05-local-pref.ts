import { u32, type AttrDecoder } from './attr-input.js';

/** LOCAL_PREF (RFC 4271 §5.1.5). */
export const decodeLocalPref: AttrDecoder = (a, attrs) => {
  if (a.len !== 4) return `LOCAL_PREF length ${a.len} (expected 4)`;
  attrs.localPref = u32(a.b, a.off);
  return undefined;
};
