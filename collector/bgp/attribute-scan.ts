/**
 * Path attributes read straight from their bytes, for readers that need a few of them and no
 * attribute, segment or element object: a scan frames the attributes and says whether the full
 * decode (decodeAttributes) would read them without a single warning and take them as they
 * stand, by a table of checks per attribute type. Where it says no, the caller decodes the
 * record in full, so the result is the same either way.
 */
import { AS_PATH_SEGMENT } from './attr-02-as-path.js';
import { u16, u32 } from './attr-input.js';

/** True when decodeAttributes reads this value without a warning (`as4`: the session's AS number size). */
export type ValueCheck = (b: Uint8Array, off: number, len: number, as4: boolean) => boolean;

export interface ScanRules {
  /** Per attribute type: the check its value must pass; a type without one is taken as it is. */
  checks: ReadonlyArray<ValueCheck | undefined>;
  /** MP_REACH_NLRI and MP_UNREACH_NLRI may repeat (decodeAttributes allows it); else a repeat fails the scan. */
  mpMayRepeat: boolean;
}

/** Path attribute type codes (IANA BGP Path Attributes registry). */
export const ATTR = {
  ORIGIN: 1,
  AS_PATH: 2,
  NEXT_HOP: 3,
  MED: 4,
  LOCAL_PREF: 5,
  ATOMIC_AGGREGATE: 6,
  AGGREGATOR: 7,
  COMMUNITIES: 8,
  ORIGINATOR_ID: 9,
  CLUSTER_LIST: 10,
  MP_REACH: 14,
  MP_UNREACH: 15,
  EXTENDED_COMMUNITIES: 16,
  AS4_PATH: 17,
  AS4_AGGREGATOR: 18,
  LARGE_COMMUNITY: 32,
  ONLY_TO_CUSTOMER: 35,
} as const;

const isMp = (type: number) => type === ATTR.MP_REACH || type === ATTR.MP_UNREACH;

const length = (n: number): ValueCheck => (_b, _off, len) => len === n;
const multipleOf = (n: number): ValueCheck => (_b, _off, len) => len % n === 0;
const asPath: ValueCheck = (b, off, len, as4) => segmentsWellFormed(b, off, len, as4 ? 4 : 2);
/** AGGREGATOR of the context's length (decodeAggregator notes the other length, a warning). */
const aggregator: ValueCheck = (_b, _off, len, as4) => len === (as4 ? 8 : 6);
const never: ValueCheck = () => false;

function rules(checks: Record<number, ValueCheck>, mpMayRepeat: boolean): ScanRules {
  const table: Array<ValueCheck | undefined> = new Array(256).fill(undefined);
  for (const [type, check] of Object.entries(checks)) table[Number(type)] = check;
  return { checks: table, mpMayRepeat };
}

/**
 * RIB entries whose origin is read from AS_PATH (routes for the accounting, which decodes
 * nothing else): a well-formed AS_PATH, an AGGREGATOR of the context's length, and no AS4_PATH
 * or AS4_AGGREGATOR, whose merge and checks the full decode does.
 */
export const RIB_ORIGIN_RULES = rules({ [ATTR.AS_PATH]: asPath, [ATTR.AGGREGATOR]: aggregator, [ATTR.AS4_PATH]: never, [ATTR.AS4_AGGREGATOR]: never }, true);

/**
 * UPDATEs printed in full (every attribute decodeAttributes decodes must read cleanly): the
 * decoders' own length rules, AS4_PATH and AS4_AGGREGATOR only in 4-byte sessions (where nothing
 * is merged), and at most one MP_REACH_NLRI and one MP_UNREACH_NLRI.
 */
export const UPDATE_RULES = rules(
  {
    [ATTR.ORIGIN]: (b, off, len) => len === 1 && b[off] <= 2,
    [ATTR.AS_PATH]: asPath,
    [ATTR.NEXT_HOP]: length(4),
    [ATTR.MED]: length(4),
    [ATTR.LOCAL_PREF]: length(4),
    [ATTR.ATOMIC_AGGREGATE]: length(0),
    [ATTR.AGGREGATOR]: aggregator,
    [ATTR.COMMUNITIES]: multipleOf(4),
    [ATTR.ORIGINATOR_ID]: length(4),
    [ATTR.CLUSTER_LIST]: multipleOf(4),
    [ATTR.EXTENDED_COMMUNITIES]: multipleOf(8),
    [ATTR.AS4_PATH]: (b, off, len, as4) => as4 && segmentsWellFormed(b, off, len, 4, AS_PATH_SEGMENT.AS_SEQUENCE),
    [ATTR.AS4_AGGREGATOR]: (_b, _off, len, as4) => as4 && len === 8,
    [ATTR.LARGE_COMMUNITY]: multipleOf(12),
    [ATTR.ONLY_TO_CUSTOMER]: length(4),
  },
  false,
);

export class AttributeScan {
  /** Where each attribute type's value is after a successful scan (valid where `has(type)`). */
  readonly off = new Int32Array(256);
  readonly len = new Int32Array(256);
  /** Attribute types seen in the current scan: seen[type] === scanNumber. */
  private readonly seen = new Uint32Array(256);
  private scanNumber = 0;

  constructor(private readonly rules: ScanRules) {}

  has(type: number): boolean {
    return this.seen[type] === this.scanNumber;
  }

  /**
   * True when the attributes in b[start, end) frame cleanly, repeat none (but the MP ones where
   * the rules allow) and each passes its type's check.
   */
  scan(b: Uint8Array, start: number, end: number, as4: boolean): boolean {
    const n = ++this.scanNumber;
    if (n === 0xffffffff) {
      this.seen.fill(0);
      this.scanNumber = 1;
    }
    const { checks, mpMayRepeat } = this.rules;
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
      if (this.seen[type] === this.scanNumber) {
        if (!(mpMayRepeat && isMp(type))) return false;
      } else {
        this.seen[type] = this.scanNumber;
        this.off[type] = off;
        this.len[type] = len;
      }
      const check = checks[type];
      if (check !== undefined && !check(b, off, len, as4)) return false;
    }
    return true;
  }
}

/** What decodeSegments accepts: known segment types (up to `maxType`), each segment's ASNs inside the value. */
function segmentsWellFormed(b: Uint8Array, off: number, len: number, asnSize: number, maxType: number = AS_PATH_SEGMENT.AS_CONFED_SEQUENCE): boolean {
  const end = off + len;
  let p = off;
  while (p < end) {
    if (p + 2 > end) return false;
    const type = b[p];
    if (type < AS_PATH_SEGMENT.AS_SET || type > maxType) return false;
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
