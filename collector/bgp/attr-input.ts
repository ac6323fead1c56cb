/** What every path-attribute decoder receives: the value bytes and the session context. */
import type { PathAttributes } from '../models/bgp.js';

export interface AttrInput {
  b: Uint8Array;
  /** Offset of the attribute value. */
  off: number;
  /** Length of the attribute value. */
  len: number;
  as4: boolean;
  addPath: boolean;
  /** MRT TABLE_DUMP_V2 RIB entry: MP_REACH_NLRI may hold only the next hop (RFC 6396 §4.3.4). */
  ribEntry: boolean;
}

/** Decodes one attribute into `attrs`; returns a problem description, or undefined when fine. */
export type AttrDecoder = (a: AttrInput, attrs: PathAttributes) => string | undefined;

export const u32 = (b: Uint8Array, p: number): number => ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
export const u16 = (b: Uint8Array, p: number): number => (b[p] << 8) | b[p + 1];
