import { decodeSegments } from './attr-02-as-path.js';
import type { AttrDecoder } from './attr-input.js';

/** AS4_PATH (RFC 6793 §3): always 4-byte ASNs; confederation segments are not allowed. */
export const decodeAs4Path: AttrDecoder = (a, attrs) => {
  const segments = decodeSegments(a.b, a.off, a.len, 4);
  if (!segments) return 'AS4_PATH malformed';
  attrs.as4Path = segments;
  return segments.some((s) => s.type === 'AS_CONFED_SEQUENCE' || s.type === 'AS_CONFED_SET') ? 'AS4_PATH contains confederation segments' : undefined;
};
