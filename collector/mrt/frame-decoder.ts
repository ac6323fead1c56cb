/**
 * A frame decoded into its typed MRT record by its type's parser. Kept apart from the record
 * iterator (records.ts), which loads it on first use: a reader whose frames are all read
 * straight from their bytes (`parse`) never loads the decoders (~30 modules).
 */
import type { MrtRecord } from '../models/mrt.js';
import { parseBgp4mp } from './bgp4mp.js';
import { parseBgpLegacy } from './bgp-legacy.js';
import type { MrtFrame } from './framing.js';
import type { Report } from './stats.js';
import { formatNlri } from '../bgp/addr.js';
import { parseTableDump, tableDumpLayout } from './table-dump.js';
import { isRibSubtype, parseTableDumpV2, ribHead, type TableDumpV2State } from './table-dump-v2.js';

/** A RIB record's frame: TABLE_DUMP, or a TABLE_DUMP_V2 RIB subtype (not its peer table). */
export const isRibFrame = (f: MrtFrame): boolean => f.type === 12 || (f.type === 13 && isRibSubtype(f.subtype));

/** The prefix a RIB record's elements carry, read without decoding its entries; null when the record cannot be read (its decoder says why). */
export function ribPrefixOf(f: MrtFrame): string | null {
  const head = f.type === 12 ? tableDumpLayout(f) : ribHead(f);
  return Array.isArray(head) ? null : formatNlri(head.prefix);
}

export function parseFrame(f: MrtFrame, state: TableDumpV2State, report: Report, ribAttributes: ReadonlySet<number> | undefined): MrtRecord | null {
  switch (f.type) {
    case 16:
    case 17:
      return parseBgp4mp(f, report);
    case 13:
      return parseTableDumpV2(f, state, report, ribAttributes);
    case 12:
      return parseTableDump(f, report, ribAttributes);
    case 5:
      return parseBgpLegacy(f, report);
    default:
      report('unsupported', f.offset, `MRT type ${f.type} (OSPF/ISIS family) not decoded: skipped`);
      return null;
  }
}
