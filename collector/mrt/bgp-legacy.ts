/** Deprecated MRT type 5 "BGP" (RFC 6396 §B.2.1), written by RIS collectors in 1999-2001. */
import { formatIpv4At } from '../../common/ip.js';
import { decodeUpdateBody } from '../bgp/update.js';
import type { MrtRecord } from '../models/mrt.js';
import { recordBase } from './bgp4mp.js';
import { u16 } from './body.js';
import type { MrtFrame } from './framing.js';
import type { Report } from './stats.js';

const NAMES: Record<number, string> = { 0: 'BGP_NULL', 2: 'BGP_PREF_UPDATE', 4: 'BGP_SYNC', 5: 'BGP_OPEN', 6: 'BGP_NOTIFY', 7: 'BGP_KEEPALIVE' };

export function parseBgpLegacy(f: MrtFrame, report: Report): MrtRecord | null {
  const b = f.body;
  if (f.subtype === 1) {
    // peer AS, peer IP, local AS, local IP, then an UPDATE body without the BGP header.
    if (b.length < 12) return (report('bad-length', f.offset, 'BGP (type 5) UPDATE record too short: skipped'), null);
    const update = decodeUpdateBody(b, 12, b.length, { as4: false });
    for (const w of update.warnings) report('bad-attribute', f.offset, `BGP (type 5) UPDATE: ${w}`);
    return { kind: 'bgp-legacy-update', ...recordBase(f), peerAsn: u16(b, 0), peerIp: formatIpv4At(b, 2), localAsn: u16(b, 6), localIp: formatIpv4At(b, 8), update };
  }
  if (f.subtype === 3) {
    if (b.length < 10) return (report('bad-length', f.offset, 'BGP (type 5) STATE_CHANGE record too short: skipped'), null);
    return { kind: 'bgp-legacy-state-change', ...recordBase(f), peerAsn: u16(b, 0), peerIp: formatIpv4At(b, 2), oldState: u16(b, 6), newState: u16(b, 8) };
  }
  if (NAMES[f.subtype]) return { kind: 'other', ...recordBase(f), description: NAMES[f.subtype] };
  report('unknown-subtype', f.offset, `unknown BGP (type 5) subtype ${f.subtype}: skipped`);
  return null;
}
