/** AS names for the report: the names of the origin ASes its contributor lists show. */
import type { AsNameLookup } from '../models/asnames.js';
import type { ReportData } from './types.js';

/** The data with `as_names` for every `AS<n>` among the days' top origins that the list knows. */
export function withReportAsNames(data: ReportData, names: AsNameLookup | null | undefined): ReportData {
  if (!names) return data;
  const out: NonNullable<ReportData['as_names']> = {};
  for (const day of data.days) {
    for (const family of ['ipv4', 'ipv6'] as const) {
      for (const r of Object.values(day[family])) {
        for (const c of r.top_origins ?? []) {
          const m = /^AS(\d+)$/.exec(c.key);
          const n = m ? names.get(Number(m[1])) : undefined;
          if (n) out[m![1]] = { name: n.name, cc: n.cc };
        }
      }
    }
  }
  return { ...data, as_names: out };
}
