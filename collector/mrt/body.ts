/** Small bounded readers for MRT bodies; callers check `need` before reading. */
import { formatIpv4At, formatIpv6Bytes } from '../../common/ip.js';

export const u16 = (b: Uint8Array, p: number): number => (b[p] << 8) | b[p + 1];
export const u32 = (b: Uint8Array, p: number): number => ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;

/** Reads an address of the family: 4 or 16 bytes. */
export const ipAt = (b: Uint8Array, p: number, afi: number): string => (afi === 2 ? formatIpv6Bytes(b, p) : formatIpv4At(b, p));
export const ipSize = (afi: number): number => (afi === 2 ? 16 : 4);
