/** BGP4MP and BGP4MP_ET records (RFC 6396 §4.4, RFC 8050 ADD-PATH subtypes). */
import { decodeBgpMessage } from '../bgp/message.js';
import type { Bgp4mpMessageRecord, Bgp4mpStateChangeRecord, MrtRecord } from '../models/mrt.js';
import { frameTime, type MrtFrame } from './framing.js';
import { ipAt, ipSize, u16, u32 } from './body.js';
import { bgp4mpMessageSubtype } from './bgp4mp-subtypes.js';
import type { Report } from './stats.js';

export const BGP4MP = {
  STATE_CHANGE: 0,
  MESSAGE: 1,
  ENTRY: 2,
  SNAPSHOT: 3,
  MESSAGE_AS4: 4,
  STATE_CHANGE_AS4: 5,
  MESSAGE_LOCAL: 6,
  MESSAGE_AS4_LOCAL: 7,
  MESSAGE_ADDPATH: 8,
  MESSAGE_AS4_ADDPATH: 9,
  MESSAGE_LOCAL_ADDPATH: 10,
  MESSAGE_AS4_LOCAL_ADDPATH: 11,
} as const;


function base(f: MrtFrame) {
  return {
    offset: f.offset,
    seconds: f.seconds,
    microseconds: f.microseconds,
    timestamp: frameTime(f),
    mrtType: f.type,
    mrtSubtype: f.subtype,
  };
}

function stateChange(f: MrtFrame, as4: boolean, report: Report): Bgp4mpStateChangeRecord | null {
  const b = f.body;
  const asn = as4 ? 4 : 2;
  const read = (p: number) => (as4 ? u32(b, p) : u16(b, p));
  // Zebra wrote 8-byte state changes without interface, AFI and addresses (bgpdump accepts them).
  if (!as4 && b.length === 8) {
    return { kind: 'bgp4mp-state-change', ...base(f), peerAsn: read(0), localAsn: read(2), afi: 1, peerIp: '0.0.0.0', localIp: '0.0.0.0', oldState: u16(b, 4), newState: u16(b, 6) };
  }
  if (b.length < 2 * asn + 4) {
    report('bad-length', f.offset, `BGP4MP state change of ${b.length} bytes is too short: skipped`);
    return null;
  }
  const afi = u16(b, 2 * asn + 2);
  if (afi !== 1 && afi !== 2) {
    report('bad-record', f.offset, `BGP4MP state change with unknown AFI ${afi}: skipped`);
    return null;
  }
  const need = 2 * asn + 4 + 2 * ipSize(afi) + 4;
  if (b.length !== need) {
    report('bad-length', f.offset, `BGP4MP state change of ${b.length} bytes, expected ${need}: skipped`);
    return null;
  }
  const ip = 2 * asn + 4;
  return {
    kind: 'bgp4mp-state-change',
    ...base(f),
    peerAsn: read(0),
    localAsn: read(asn),
    afi,
    peerIp: ipAt(b, ip, afi),
    localIp: ipAt(b, ip + ipSize(afi), afi),
    oldState: u16(b, need - 4),
    newState: u16(b, need - 2),
  };
}

function message(f: MrtFrame, report: Report): Bgp4mpMessageRecord | null {
  const spec = bgp4mpMessageSubtype(f.subtype)!;
  const b = f.body;
  const asn = spec.as4 ? 4 : 2;
  if (b.length < 2 * asn + 4) {
    report('bad-length', f.offset, `BGP4MP message record of ${b.length} bytes is too short: skipped`);
    return null;
  }
  const read = (p: number) => (spec.as4 ? u32(b, p) : u16(b, p));
  const ifIndex = u16(b, 2 * asn);
  const afi = u16(b, 2 * asn + 2);
  if (afi !== 1 && afi !== 2) {
    // Zebra wrote OPENs with interface and AFI 0xFFFF and no addresses; nothing to route on.
    report('bad-record', f.offset, `BGP4MP message with unsupported AFI ${afi}: skipped`);
    return null;
  }
  const ip = 2 * asn + 4;
  const msgStart = ip + 2 * ipSize(afi);
  if (b.length < msgStart + 19) {
    report('bad-length', f.offset, `BGP4MP message record of ${b.length} bytes holds no BGP header: skipped`);
    return null;
  }
  const raw = b.subarray(msgStart);
  const msg = decodeBgpMessage(raw, { as4: spec.as4, addPath: spec.addPath });
  for (const w of msg.warnings) report(msg.type === 'invalid' ? 'bad-message' : 'bad-attribute', f.offset, `BGP message at offset ${f.offset + 12 + msgStart + (f.type === 17 ? 4 : 0)}: ${w}`);
  return {
    kind: 'bgp4mp-message',
    ...base(f),
    peerAsn: read(0),
    localAsn: read(asn),
    interfaceIndex: ifIndex,
    afi,
    peerIp: ipAt(b, ip, afi),
    localIp: ipAt(b, ip + ipSize(afi), afi),
    as4: spec.as4,
    addPath: spec.addPath,
    local: spec.local,
    raw,
    message: msg,
  };
}

export function parseBgp4mp(f: MrtFrame, report: Report): MrtRecord | null {
  if (f.subtype === BGP4MP.STATE_CHANGE || f.subtype === BGP4MP.STATE_CHANGE_AS4) return stateChange(f, f.subtype === BGP4MP.STATE_CHANGE_AS4, report);
  if (bgp4mpMessageSubtype(f.subtype)) return message(f, report);
  if (f.subtype === BGP4MP.ENTRY || f.subtype === BGP4MP.SNAPSHOT) {
    report('unsupported', f.offset, `deprecated BGP4MP subtype ${f.subtype} (${f.subtype === 2 ? 'ENTRY' : 'SNAPSHOT'}) not decoded`);
    return { kind: 'other', ...base(f), description: f.subtype === 2 ? 'BGP4MP_ENTRY' : 'BGP4MP_SNAPSHOT' };
  }
  report('unknown-subtype', f.offset, `unknown BGP4MP subtype ${f.subtype}: skipped`);
  return null;
}

export { base as recordBase };
