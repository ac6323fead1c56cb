/** TABLE_DUMP (type 12, RFC 6396 §4.2): one RIB entry per record, 2-byte ASNs. */
import { decodeAttributes } from '../bgp/attributes.js';
import type { Nlri } from '../models/bgp.js';
import type { TableDumpRecord } from '../models/mrt.js';
import { recordBase } from './bgp4mp.js';
import { ipAt, ipSize, u16, u32 } from './body.js';
import type { MrtFrame } from './framing.js';
import type { Report } from './stats.js';

/** Where a TABLE_DUMP record's fields lie (its subtype decides the sizes). */
export interface TableDumpLayout {
  afi: 1 | 2;
  asnSize: 2 | 4;
  /** Address size: 4 or 16. */
  a: number;
  /** Offset of the attribute length. */
  attrAt: number;
  prefix: Nlri;
  /** Offset of the peer's address. */
  peerAt: number;
  peerAsn: number;
}

/**
 * Subtypes 1/2 are the RFC's AFI_IPv4/AFI_IPv6; 3/4 are the 4-byte-AS variants bgpdump also
 * reads. A problem ([kind, message]) when the record cannot be read.
 */
export function tableDumpLayout(f: MrtFrame): TableDumpLayout | [kind: string, message: string] {
  const st = f.subtype;
  if (st < 1 || st > 4) return ['unknown-subtype', `unknown TABLE_DUMP subtype ${st}: skipped`];
  const afi = st === 2 || st === 4 ? 2 : 1;
  const asnSize = st >= 3 ? 4 : 2;
  const b = f.body;
  const a = ipSize(afi);
  const attrAt = 4 + a + 2 + 4 + a + asnSize;
  if (b.length < attrAt + 2) return ['bad-length', `TABLE_DUMP record of ${b.length} bytes is too short: skipped`];
  const length = b[4 + a];
  if (length > a * 8) return ['bad-record', `TABLE_DUMP prefix length ${length} is invalid: skipped`];
  const prefix: Nlri = afi === 1 ? { afi: 1, length, v4: u32(b, 4) } : { afi: 2, length, v4: 0, v6: b.slice(4, 20) };
  const peerAsn = asnSize === 4 ? u32(b, 10 + 2 * a) : u16(b, 10 + 2 * a);
  return { afi, asnSize, a, attrAt, prefix, peerAt: 10 + a, peerAsn };
}

export function parseTableDump(f: MrtFrame, report: Report, only?: ReadonlySet<number>): TableDumpRecord | null {
  const layout = tableDumpLayout(f);
  if (Array.isArray(layout)) {
    report(layout[0], f.offset, layout[1]);
    return null;
  }
  const { afi, asnSize, a, attrAt, prefix, peerAt, peerAsn } = layout;
  const b = f.body;
  const attrLen = u16(b, attrAt);
  const warnings: string[] = [];
  let end = attrAt + 2 + attrLen;
  if (end > b.length) {
    warnings.push(`attribute length ${attrLen} runs past the record`);
    end = b.length;
  } else if (end < b.length) warnings.push(`${b.length - end} byte(s) after the attributes ignored`);
  const { attributes, treatAsWithdraw } = decodeAttributes(b, attrAt + 2, end, { as4: asnSize === 4, addPath: false, ribEntry: true, only }, warnings);
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
    peerIp: ipAt(b, peerAt, afi),
    peerAsn,
    attributes,
    warnings,
  };
}
