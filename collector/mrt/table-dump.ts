/** TABLE_DUMP (type 12, RFC 6396 §4.2): one RIB entry per record, 2-byte ASNs. */
import { decodeAttributes } from '../bgp/attributes.js';
import type { Nlri } from '../models/bgp.js';
import type { TableDumpRecord } from '../models/mrt.js';
import { recordBase } from './bgp4mp.js';
import { ipAt, ipSize, u16, u32 } from './body.js';
import type { MrtFrame } from './framing.js';
import type { Report } from './stats.js';

/** Subtypes 1/2 are the RFC's AFI_IPv4/AFI_IPv6; 3/4 are the 4-byte-AS variants bgpdump also reads. */
export function parseTableDump(f: MrtFrame, report: Report, only?: ReadonlySet<number>): TableDumpRecord | null {
  const st = f.subtype;
  if (st < 1 || st > 4) {
    report('unknown-subtype', f.offset, `unknown TABLE_DUMP subtype ${st}: skipped`);
    return null;
  }
  const afi = st === 2 || st === 4 ? 2 : 1;
  const asn = st >= 3 ? 4 : 2;
  const b = f.body;
  const a = ipSize(afi);
  const attrAt = 4 + a + 2 + 4 + a + asn;
  if (b.length < attrAt + 2) {
    report('bad-length', f.offset, `TABLE_DUMP record of ${b.length} bytes is too short: skipped`);
    return null;
  }
  const length = b[4 + a];
  if (length > a * 8) {
    report('bad-record', f.offset, `TABLE_DUMP prefix length ${length} is invalid: skipped`);
    return null;
  }
  const prefix: Nlri = afi === 1 ? { afi: 1, length, v4: u32(b, 4) } : { afi: 2, length, v4: 0, v6: b.slice(4, 20) };
  const attrLen = u16(b, attrAt);
  const warnings: string[] = [];
  let end = attrAt + 2 + attrLen;
  if (end > b.length) {
    warnings.push(`attribute length ${attrLen} runs past the record`);
    end = b.length;
  } else if (end < b.length) warnings.push(`${b.length - end} byte(s) after the attributes ignored`);
  const { attributes, treatAsWithdraw } = decodeAttributes(b, attrAt + 2, end, { as4: asn === 4, addPath: false, ribEntry: true, only }, warnings);
  if (treatAsWithdraw) warnings.push('malformed attributes');
  for (const w of warnings) report('bad-attribute', f.offset, `TABLE_DUMP entry: ${w}`);
  return {
    kind: 'table-dump',
    ...recordBase(f),
    viewNumber: u16(b, 0),
    sequence: u16(b, 2),
    prefix,
    status: b[5 + a],
    originatedTime: u32(b, 6 + a),
    peerIp: ipAt(b, 10 + a, afi),
    peerAsn: asn === 4 ? u32(b, 10 + 2 * a) : u16(b, 10 + 2 * a),
    attributes,
    warnings,
  };
}
