/**
 * An IPv4 TABLE_DUMP entry (RFC 6396 §4.2, or bgpdump's 4-byte-AS subtype 3) read in place for
 * writers that print it straight from its bytes (bgpdump text, JSON lines): where its fields are,
 * and whether the full decode (parseTableDump, then format.ts or recordToElems) would read it
 * without a single warning and print it from these fields alone. A writer prints only entries
 * `read` accepts; any other it leaves to the full decode, so the output is the same either way.
 */
import { ATTR, AttributeScan, UPDATE_RULES } from '../bgp/attribute-scan.js';
import { MRT_TYPE } from '../models/mrt.js';
import { u16, u32 } from './body.js';
import type { MrtFrame } from './framing.js';

/**
 * Where an IPv4 entry's fields are (view and sequence numbers come first): the prefix's address
 * (as stored, host bits and all) and length, then after a status byte and the originated time
 * the peer's address and AS number.
 */
export const PREFIX_AT = 4;
export const PREFIX_LENGTH_AT = 8;
export const PEER_AT = 14;

export class TableDumpScan {
  readonly attributes = new AttributeScan(UPDATE_RULES);
  // What `read` found in the last entry it accepted.
  body: Uint8Array = new Uint8Array(0);
  as4 = false;
  peerAsn = 0;
  /** Bytes of path attributes (writers size their room by it). */
  attributeBytes = 0;

  /**
   * True when `f` is an IPv4 TABLE_DUMP entry whose attributes fill the record to its end and
   * read cleanly, with no MP_REACH_NLRI or MP_UNREACH_NLRI (an IPv6 entry's next hop is in the
   * former) and no AS4_PATH or AS4_AGGREGATOR (recordToElems merges those as a 2-byte
   * session's, whatever the subtype).
   */
  read(f: MrtFrame): boolean {
    if (f.type !== MRT_TYPE.TABLE_DUMP || (f.subtype !== 1 && f.subtype !== 3)) return false;
    // tableDumpLayout's reading of an IPv4 entry, without its objects (one entry a record).
    const as4 = f.subtype === 3;
    const b = f.body;
    const attrAt = PEER_AT + 4 + (as4 ? 4 : 2);
    if (b.length < attrAt + 2 || b[PREFIX_LENGTH_AT] > 32) return false;
    const start = attrAt + 2;
    const end = start + u16(b, attrAt);
    const a = this.attributes;
    if (end !== b.length || !a.scan(b, start, end, as4)) return false;
    if (a.has(ATTR.MP_REACH) || a.has(ATTR.MP_UNREACH) || a.has(ATTR.AS4_PATH) || a.has(ATTR.AS4_AGGREGATOR)) return false;
    this.body = b;
    this.as4 = as4;
    this.peerAsn = as4 ? u32(b, PEER_AT + 4) : u16(b, PEER_AT + 4);
    this.attributeBytes = end - start;
    return true;
  }
}
