/**
 * The BGP message decoder that the MRT reader and the RIS Live client both use.
 * Nothing here throws on bad input: problems are in `warnings` and, per RFC 7606, in
 * `treatAsWithdraw` on UPDATEs.
 */
export { decodeBgpMessage, decodeBgpHex, type BgpDecodeContext } from './message.js';
export { updateToElems, elemAttributes, type ElemMeta } from './elems.js';
export { decodeUpdateBody } from './update.js';
export { decodeRisLiveRaw } from './ris-raw.js';
export { effectivePath } from './as4-merge.js';
export { formatNlri, formatNlriAsWire } from './addr.js';
export type { BgpMessage, BgpUpdate, PathAttributes, Nlri } from '../models/bgp.js';
