/**
 * CONTRACT STUB (owned by the parser work, issue 3): the public surface of the BGP message
 * decoder that the MRT reader and the RIS Live client both use. Signatures may be refined,
 * names must stay.
 */
import type { BgpElem } from '../models/route-event.js';

export interface BgpDecodeContext {
  /** The session negotiated 4-byte AS numbers (RFC 6793). */
  as4: boolean;
  /** ADD-PATH (RFC 7911) is in use for the NLRI of this message. */
  addPath?: boolean;
}

/** Decodes one BGP message (starting with the 16-byte marker). Never throws on bad input. */
export declare function decodeBgpMessage(bytes: Uint8Array, ctx: BgpDecodeContext): unknown;

/** Turns a decoded UPDATE into one element per announced or withdrawn prefix. */
export declare function updateToElems(
  update: unknown,
  meta: { timestamp: number; peer_ip: string; peer_asn: number },
): BgpElem[];

/** Decodes a RIS Live `raw` hex string (upper-case hex of a whole BGP message). */
export declare function decodeBgpHex(hex: string, ctx: BgpDecodeContext): unknown;
