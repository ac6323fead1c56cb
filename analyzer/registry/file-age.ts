/**
 * How old each RIR's file is on each side of a diff. An archive snapshot takes each RIR's newest
 * file on or before its date; when a RIR stopped publishing (or its downloads kept failing), that
 * file may be days older than the snapshot, and the diff would compare old data without a word.
 * A file more than `maxAgeDays` older than its side's date is stale: `registry diff` and `run`
 * warn, and the store keeps the ages for the dashboard.
 */
import { DEFAULT_MAX_AGE_DAYS } from '../../common/defaults.js';
import { RIRS, type Rir } from '../models/registry.js';

export interface RirFileAge {
  rir: Rir;
  compared: boolean;
  from_file_date: string | null;
  to_file_date: string | null;
  /** Days between the side's date and its file's date (null: no file or no date). */
  from_age_days: number | null;
  to_age_days: number | null;
  stale_from: boolean;
  stale_to: boolean;
}

const days = (a: string, b: string): number => Math.round((Date.parse(`${a}T00:00:00Z`) - Date.parse(`${b}T00:00:00Z`)) / 86_400_000);

interface SideFiles {
  files: ReadonlyArray<{ rir: Rir; date: string | null }>;
}

/**
 * Per RIR present on either side: its files' dates and ages against the side's date (`fromDate`,
 * `toDate`: the archive dates asked for, or a folder's newest file date).
 */
export function fileAges(from: SideFiles, to: SideFiles, fromDate: string, toDate: string, compared: readonly Rir[], maxAgeDays = DEFAULT_MAX_AGE_DAYS): RirFileAge[] {
  const out: RirFileAge[] = [];
  for (const rir of RIRS) {
    const a = from.files.find((f) => f.rir === rir);
    const b = to.files.find((f) => f.rir === rir);
    if (!a && !b) continue;
    const ageA = a?.date ? days(fromDate, a.date) : null;
    const ageB = b?.date ? days(toDate, b.date) : null;
    out.push({
      rir,
      compared: compared.includes(rir),
      from_file_date: a?.date ?? null,
      to_file_date: b?.date ?? null,
      from_age_days: ageA,
      to_age_days: ageB,
      stale_from: ageA !== null && ageA > maxAgeDays,
      stale_to: ageB !== null && ageB > maxAgeDays,
    });
  }
  return out;
}

/** The warning for stale files, or null when none is: which RIR, which side, how old, the limit. */
export function staleWarning(ages: readonly RirFileAge[], fromDate: string, toDate: string, maxAgeDays: number): string | null {
  const parts: string[] = [];
  for (const a of ages) {
    if (a.stale_from) parts.push(`${a.rir}'s file for ${fromDate} is from ${a.from_file_date} (${a.from_age_days} days older)`);
    if (a.stale_to) parts.push(`${a.rir}'s file for ${toDate} is from ${a.to_file_date} (${a.to_age_days} days older)`);
  }
  if (!parts.length) return null;
  return `stale registry files (more than ${maxAgeDays} days older than the snapshot; its changes since are not seen): ${parts.join('; ')}. Run \`portolan registry update\` (or import the missing days), or raise --max-age.`;
}
