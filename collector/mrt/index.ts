/**
 * CONTRACT STUB (owned by the parser work, issue 3): the public surface of the MRT reader.
 * Signatures may be refined, names must stay.
 */
import type { BgpElem } from '../models/route-event.js';

export interface MrtReadStats {
  records: number;
  elements: number;
  /** Problems found, by kind (truncated, bad-length, unknown-type, bad-attribute, …). */
  warnings: Record<string, number>;
}

/**
 * Streams the MRT records of a file (raw, .gz, .bz2) or http(s) URL. A BGP4MP message record
 * has `kind: 'bgp4mp-message'`, `timestamp` (float seconds), `peerIp`, `peerAsn`, `as4`,
 * `raw` (the BGP message bytes from the 16-byte marker on) and `message` (decoded).
 */
export declare function readMrtRecords(source: string, stats?: MrtReadStats): AsyncIterable<unknown>;

/** Streams the elements (one per prefix) of an MRT file, in file order. */
export declare function readMrtElems(source: string, stats?: MrtReadStats): AsyncIterable<BgpElem>;
