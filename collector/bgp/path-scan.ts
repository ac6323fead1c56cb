/**
 * A RIB entry's origin read straight from its attribute bytes, for readers of routing state: no
 * attribute, segment or element object. Only for entries a full decode (decodeAttributes, then
 * effectivePath) reads without a single warning and takes as they stand; `scan` says which, and
 * the caller decodes every other entry in full, so the result is the same either way.
 */
import { AS_PATH_SEGMENT } from './attr-02-as-path.js';
import { u16, u32 } from './attr-input.js';

const AS_PATH = 2;
const AGGREGATOR = 7;
const AS4_PATH = 17;
const AS4_AGGREGATOR = 18;
/** MP_REACH_NLRI and MP_UNREACH_NLRI may repeat (decodeAttributes does not call them duplicates). */
const MAY_REPEAT = (type: number) => type === 14 || type === 15;

export class PathScan {
  /** Where the AS_PATH value is after a successful scan: offset and length (-1: no AS_PATH). */
  pathOff = -1;
  pathLen = 0;
  /** Attribute types seen in the current entry: seen[type] === entry. */
  private readonly seen = new Uint32Array(256);
  private entry = 0;

  /**
   * True when the attributes in b[start, end) frame cleanly, hold no duplicate, a well-formed
   * AS_PATH (if any), an AGGREGATOR of the context's length (if any) and no AS4_PATH or
   * AS4_AGGREGATOR (whose merge and checks the full decode does).
   */
  scan(b: Uint8Array, start: number, end: number, as4: boolean): boolean {
    const entry = ++this.entry;
    if (entry === 0xffffffff) {
      this.seen.fill(0);
      this.entry = 1;
    }
    this.pathOff = -1;
    this.pathLen = 0;
    let p = start;
    while (p < end) {
      if (p + 3 > end) return false;
      const flags = b[p];
      const type = b[p + 1];
      const extended = (flags & 0x10) !== 0;
      if (extended && p + 4 > end) return false;
      const len = extended ? (b[p + 2] << 8) | b[p + 3] : b[p + 2];
      const off = p + (extended ? 4 : 3);
      if (off + len > end) return false;
      p = off + len;
      if (this.seen[type] === this.entry && !MAY_REPEAT(type)) return false;
      this.seen[type] = this.entry;
      if (type === AS_PATH) {
        if (!segmentsWellFormed(b, off, len, as4 ? 4 : 2)) return false;
        this.pathOff = off;
        this.pathLen = len;
      } else if (type === AGGREGATOR) {
        if (len !== (as4 ? 8 : 6)) return false;
      } else if (type === AS4_PATH || type === AS4_AGGREGATOR) return false;
    }
    return true;
  }
}

/** What decodeSegments accepts: known segment types, each segment's ASNs inside the value. */
function segmentsWellFormed(b: Uint8Array, off: number, len: number, asnSize: number): boolean {
  const end = off + len;
  let p = off;
  while (p < end) {
    if (p + 2 > end) return false;
    const type = b[p];
    if (type < AS_PATH_SEGMENT.AS_SET || type > AS_PATH_SEGMENT.AS_CONFED_SEQUENCE) return false;
    p += 2 + b[p + 1] * asnSize;
    if (p > end) return false;
  }
  return true;
}

/**
 * The origin ASNs of a well-formed AS_PATH value as originAsnsOfPath takes them: the last AS of
 * the last non-empty AS_SEQUENCE or AS_SET (every member of a set); without one, the last
 * segment's (see originAsnsOfPath); undefined for an empty path.
 */
export function pathOrigins(b: Uint8Array, off: number, len: number, asnSize: 2 | 4): number[] | undefined {
  const end = off + len;
  let origin = -1; // start of the segment the origin comes from
  let last = -1;
  for (let p = off; p < end; p += 2 + b[p + 1] * asnSize) {
    last = p;
    const type = b[p];
    if (b[p + 1] > 0 && (type === AS_PATH_SEGMENT.AS_SEQUENCE || type === AS_PATH_SEGMENT.AS_SET)) origin = p;
  }
  const s = origin >= 0 ? origin : last;
  if (s < 0 || b[s + 1] === 0) return undefined;
  const asnAt = (i: number) => (asnSize === 4 ? u32(b, s + 2 + i * 4) : u16(b, s + 2 + i * 2));
  const count = b[s + 1];
  const type = b[s];
  if (type === AS_PATH_SEGMENT.AS_SEQUENCE || type === AS_PATH_SEGMENT.AS_CONFED_SEQUENCE) return [asnAt(count - 1)];
  const members = new Array<number>(count);
  for (let i = 0; i < count; i++) members[i] = asnAt(i);
  return members;
}
