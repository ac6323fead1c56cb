/** Counters and warnings of one MRT read: problems are counted by kind and logged with their byte offset. */
import { log } from '../../common/log.js';

export interface MrtReadStats {
  records: number;
  elements: number;
  /** Bytes of decompressed input consumed. */
  bytes: number;
  /** Problems found, by kind (truncated, bad-length, unknown-type, bad-attribute, …). */
  warnings: Record<string, number>;
  /** Of the problems, those found decoding RIB records (TABLE_DUMP, TABLE_DUMP_V2 RIB subtypes); with ribPrefixes, only those this reader's share holds (not a record whose prefix cannot be read, which every reader reports). */
  ribWarnings: number;
  /** RIB records counted but not decoded: their prefix was not asked for (MrtReadOptions.ribPrefixes). */
  ribSkipped: number;
}

export const newStats = (): MrtReadStats => ({ records: 0, elements: 0, bytes: 0, warnings: {}, ribWarnings: 0, ribSkipped: 0 });

/** Past this many warnings of one kind, further ones are logged at debug level only. */
const LOG_LIMIT = 20;

export type Report = (kind: string, offset: number, message: string) => void;

export function reporter(stats: MrtReadStats, file: string): Report {
  return (kind, offset, message) => {
    const n = (stats.warnings[kind] = (stats.warnings[kind] ?? 0) + 1);
    if (n <= LOG_LIMIT) log.warn({ file, offset, kind }, message);
    else log.debug({ file, offset, kind }, message);
    if (n === LOG_LIMIT) log.warn({ file, kind }, `further "${kind}" warnings are logged at debug level`);
  };
}

/** One warn-level line summing up the problems of a file (nothing when there were none). */
export function logSummary(stats: MrtReadStats, file: string): void {
  const total = Object.values(stats.warnings).reduce((a, b) => a + b, 0);
  if (total > 0) log.warn({ file, records: stats.records, elements: stats.elements, warnings: stats.warnings }, `${total} warning(s) while reading ${file}`);
}
