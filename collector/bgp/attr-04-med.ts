import { u32, type AttrDecoder } from './attr-input.js';

/** MULTI_EXIT_DISC (RFC 4271 §5.1.4). */
export const decodeMed: AttrDecoder = (a, attrs) => {
  if (a.len !== 4) return `MULTI_EXIT_DISC length ${a.len} (expected 4)`;
  attrs.med = u32(a.b, a.off);
  return undefined;
};
