/** BGP message framing (RFC 4271 §4.1): 16-byte marker, length, type; never throws. */
import type { BgpMessage } from '../models/bgp.js';
import { formatIpv4At } from '../../common/ip.js';
import { toHex } from './attr-16-extended-communities.js';
import { decodeUpdateBody } from './update.js';

export interface BgpDecodeContext {
  /** The session negotiated 4-byte AS numbers (RFC 6793). */
  as4: boolean;
  /** ADD-PATH (RFC 7911) is in use for the NLRI of this message. */
  addPath?: boolean;
}

export const BGP_HEADER = 19;

function decodeOpen(b: Uint8Array, end: number): BgpMessage {
  const warnings: string[] = [];
  if (end < 29) return { type: 'invalid', messageType: 1, warnings: ['OPEN shorter than 29 bytes'] };
  const optLen = b[28];
  if (29 + optLen > end) warnings.push('OPEN optional parameters run past the message');
  const optEnd = Math.min(29 + optLen, end);
  let as4Asn: number | undefined;
  // Optional parameter 2 = capabilities; capability 65 = 4-byte ASN (RFC 6793).
  for (let p = 29; p + 2 <= optEnd; ) {
    const pType = b[p];
    const pLen = b[p + 1];
    if (pType === 2) {
      for (let c = p + 2; c + 2 <= Math.min(p + 2 + pLen, optEnd); c += 2 + b[c + 1]) {
        if (b[c] === 65 && b[c + 1] === 4 && c + 6 <= optEnd) as4Asn = ((b[c + 2] << 24) | (b[c + 3] << 16) | (b[c + 4] << 8) | b[c + 5]) >>> 0;
      }
    }
    p += 2 + pLen;
  }
  const open: BgpMessage = {
    type: 'open',
    version: b[19],
    myAsn: (b[20] << 8) | b[21],
    holdTime: (b[22] << 8) | b[23],
    bgpId: formatIpv4At(b, 24),
    optionalHex: toHex(b, 29, optEnd - 29),
    warnings,
  };
  if (as4Asn !== undefined) open.as4Asn = as4Asn;
  return open;
}

/**
 * Decodes one BGP message starting at its marker. Problems (bad marker, length, type,
 * malformed attributes) are reported in `warnings`; nothing is thrown.
 */
export function decodeBgpMessage(bytes: Uint8Array, ctx: BgpDecodeContext): BgpMessage {
  try {
    if (bytes.length < BGP_HEADER) return { type: 'invalid', warnings: [`message of ${bytes.length} bytes is shorter than the 19-byte header`] };
    for (let i = 0; i < 16; i++) if (bytes[i] !== 0xff) return { type: 'invalid', warnings: ['bad marker'] };
    const declared = (bytes[16] << 8) | bytes[17];
    const type = bytes[18];
    const warnings: string[] = [];
    let end = bytes.length;
    if (declared < BGP_HEADER || declared > 4096 * 16) warnings.push(`message length ${declared} out of range`);
    else if (declared > bytes.length) warnings.push(`message length ${declared} runs past the ${bytes.length} bytes available`);
    else end = declared;
    let msg: BgpMessage;
    switch (type) {
      case 1:
        msg = decodeOpen(bytes, end);
        break;
      case 2:
        msg = decodeUpdateBody(bytes, BGP_HEADER, end, ctx);
        if (warnings.length && !msg.treatAsWithdraw && end < declared) msg.treatAsWithdraw = true;
        break;
      case 3:
        msg = end >= 21 ? { type: 'notification', code: bytes[19], subcode: bytes[20], dataHex: toHex(bytes, 21, end - 21), warnings: [] } : { type: 'invalid', messageType: 3, warnings: ['NOTIFICATION too short'] };
        break;
      case 4:
        msg = { type: 'keepalive', warnings: [] };
        break;
      case 5:
        msg = end >= 23 ? { type: 'route-refresh', afi: (bytes[19] << 8) | bytes[20], safi: bytes[22], warnings: [] } : { type: 'invalid', messageType: 5, warnings: ['ROUTE-REFRESH too short'] };
        break;
      default:
        msg = { type: 'invalid', messageType: type, warnings: [`unknown message type ${type}`] };
    }
    if (warnings.length) msg.warnings.unshift(...warnings);
    return msg;
  } catch (err) {
    // Defensive: a decoder bug must not take the stream down.
    return { type: 'invalid', warnings: [`decoder error: ${(err as Error).message}`] };
  }
}

/** Decodes a RIS Live `raw` field: the whole BGP message as hex (either case). */
export function decodeBgpHex(hex: string, ctx: BgpDecodeContext): BgpMessage {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return { type: 'invalid', warnings: ['raw is not an even-length hex string'] };
  return decodeBgpMessage(Buffer.from(hex, 'hex'), ctx);
}
