import type { AsPathSegment, AsPathSegmentType } from '../models/route-event.js';
import { u16, u32, type AttrDecoder } from './attr-input.js';

/** Segment type codes (RFC 4271 §4.3, RFC 5065 §3). */
export const AS_PATH_SEGMENT = { AS_SET: 1, AS_SEQUENCE: 2, AS_CONFED_SET: 3, AS_CONFED_SEQUENCE: 4 } as const;

const SEGMENT_TYPES: Record<number, AsPathSegmentType> = Object.fromEntries(Object.entries(AS_PATH_SEGMENT).map(([name, code]) => [code, name as AsPathSegmentType]));

/** Decodes AS path segments with 2- or 4-byte ASNs; null when the encoding is broken. */
export function decodeSegments(b: Uint8Array, off: number, len: number, asnSize: 2 | 4): AsPathSegment[] | null {
  const segments: AsPathSegment[] = [];
  const end = off + len;
  let p = off;
  while (p < end) {
    if (p + 2 > end) return null;
    const type = SEGMENT_TYPES[b[p]];
    const count = b[p + 1];
    p += 2;
    if (!type || p + count * asnSize > end) return null;
    const asns = new Array<number>(count);
    for (let i = 0; i < count; i++, p += asnSize) asns[i] = asnSize === 4 ? u32(b, p) : u16(b, p);
    segments.push({ type, asns });
  }
  return segments;
}

/** AS_PATH (RFC 4271 §5.1.2; RFC 6793 for 4-byte ASNs). */
export const decodeAsPath: AttrDecoder = (a, attrs) => {
  const segments = decodeSegments(a.b, a.off, a.len, a.as4 ? 4 : 2);
  if (!segments) {
    attrs.asPathMalformed = true;
    return 'AS_PATH malformed (segment type or length)';
  }
  attrs.asPath = segments;
  return undefined;
};
