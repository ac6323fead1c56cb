import { readAggregator } from './attr-07-aggregator.js';
import type { AttrDecoder } from './attr-input.js';

/** AS4_AGGREGATOR (RFC 6793 §3): 4-byte ASN and IPv4 address. */
export const decodeAs4Aggregator: AttrDecoder = (a, attrs) => {
  if (a.len !== 8) return `AS4_AGGREGATOR length ${a.len} (expected 8)`;
  attrs.as4Aggregator = readAggregator(a.b, a.off, 8);
  return undefined;
};
