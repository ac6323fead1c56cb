/**
 * RIS Live `raw`: the BGP message as the collector received it. Most peers negotiated 4-byte
 * ASNs, but some did not, and RIS Live does not say which; the encoding shows it: a 2-byte
 * AS_PATH read as 4-byte breaks its segment lengths, and a 6-byte AGGREGATOR is 2-byte.
 */
import type { BgpMessage } from '../models/bgp.js';
import { decodeBgpHex } from './message.js';

function looksTwoByte(m: BgpMessage): boolean {
  return m.type === 'update' && (m.attributes.asPathMalformed === true || m.attributes.aggregator?.wireLength === 6);
}

/** Decodes a RIS Live raw message, choosing 4-byte ASNs unless the message is clearly 2-byte. */
export function decodeRisLiveRaw(hex: string, addPath = false): BgpMessage {
  const as4 = decodeBgpHex(hex, { as4: true, addPath });
  if (!looksTwoByte(as4)) return as4;
  const as2 = decodeBgpHex(hex, { as4: false, addPath });
  return as2.warnings.length < as4.warnings.length ? as2 : as4;
}
