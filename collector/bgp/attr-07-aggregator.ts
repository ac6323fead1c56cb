import type { Aggregator } from '../models/bgp.js';
import { formatIpv4At } from '../../common/ip.js';
import { u16, u32, type AttrDecoder } from './attr-input.js';

/** Reads an aggregator by its length: 6 bytes = 2-byte ASN, 8 bytes = 4-byte ASN. */
export function readAggregator(b: Uint8Array, off: number, len: number): Aggregator | undefined {
  if (len === 6) return { asn: u16(b, off), ip: formatIpv4At(b, off + 2), wireLength: 6 };
  if (len === 8) return { asn: u32(b, off), ip: formatIpv4At(b, off + 4), wireLength: 8 };
  return undefined;
}

/** AGGREGATOR (RFC 4271 §5.1.7, RFC 6793): AS and IPv4 address of the aggregating speaker. */
export const decodeAggregator: AttrDecoder = (a, attrs) => {
  const agg = readAggregator(a.b, a.off, a.len);
  if (!agg) return `AGGREGATOR length ${a.len} (expected 6 or 8)`;
  attrs.aggregator = agg;
  // Some speakers (OpenBGPD table dumps) write 4-byte aggregators in 2-byte contexts: kept, noted.
  const expected = a.as4 ? 8 : 6;
  return a.len !== expected ? `AGGREGATOR length ${a.len} in a ${a.as4 ? '4' : '2'}-byte AS context` : undefined;
};
