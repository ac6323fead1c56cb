/**
 * Reads the confirmed-only count of the index (portability_confirmed_flows, migration 9): per
 * day, family and RIR, the figures of the day's latest build summed from its confirmed flows.
 * The sums follow the accounting's rules exactly (analyzer/accounting/account.ts): geolocated =
 * placed in a country with a region; in and out of region only for space a RIR registered.
 */
import { INDEX_RIRS, type Figures, type Flow, type IndexRir } from '../models/accounting.js';
import type { ReadQuery } from './portability.js';

export interface ConfirmedSeriesRow extends Figures {
  date: string;
  family: 4 | 6;
  rir: IndexRir;
  computed_at: string;
}

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

/**
 * The latest build of each day in [from, to] that has a confirmed count. Days whose latest
 * build has none (built without --confirmed, or before migration 9) are left out; `without`
 * names them.
 */
export async function readConfirmedSeries(run: ReadQuery, range: { from?: string | null; to?: string | null } = {}): Promise<{ rows: ConfirmedSeriesRow[]; without: string[] }> {
  const params = { from: range.from ?? '1970-01-01', to: range.to ?? '2149-06-06' };
  // The latest build per day, as readers of portability_daily choose it (FINAL keeps the latest computed_at).
  const latest = `SELECT date, max(computed_at) AS computed_at FROM portability_daily FINAL WHERE date >= {from:Date} AND date <= {to:Date} GROUP BY date`;
  const [sums, days] = await Promise.all([
    run(
      `SELECT toString(date) AS day, family AS fam, toString(rir) AS registry, toString(computed_at) AS built,
         sum(addresses) AS s_routed,
         sumIf(addresses, usage_region != '') AS s_geolocated,
         sumIf(addresses, usage_region != '' AND rir != 'unregistered' AND toString(usage_region) = toString(rir)) AS s_in,
         sumIf(addresses, usage_region != '' AND rir != 'unregistered' AND toString(usage_region) != toString(rir)) AS s_out
       FROM portability_confirmed_flows
       WHERE (date, computed_at) IN (${latest})
       GROUP BY date, family, rir, computed_at ORDER BY date, family, rir`,
      params,
    ),
    run(`SELECT toString(date) AS day, toString(computed_at) AS built FROM (${latest}) ORDER BY date`, params),
  ]);
  const found = new Map<string, Map<string, Record<string, unknown>>>();
  for (const r of sums) {
    const key = String(r.day);
    if (!found.has(key)) found.set(key, new Map());
    found.get(key)!.set(`${r.fam}:${r.registry}`, r);
  }
  const rows: ConfirmedSeriesRow[] = [];
  const without: string[] = [];
  for (const d of days) {
    const day = String(d.day);
    const got = found.get(day);
    if (!got) {
      without.push(day);
      continue;
    }
    for (const family of [4, 6] as const) {
      for (const rir of INDEX_RIRS) {
        const r = got.get(`${family}:${rir}`);
        const n = (k: string): number => Number(r?.[k] ?? 0);
        rows.push({ date: day, family, rir, computed_at: String(d.built), routed: n('s_routed'), geolocated: n('s_geolocated'), in_region: n('s_in'), out_of_region: n('s_out'), share_out: ratio(n('s_out'), n('s_in') + n('s_out')) });
      }
    }
  }
  return { rows, without };
}

/** The confirmed flows of a day's latest build (empty when it has none). */
export async function readConfirmedFlows(run: ReadQuery, date: string): Promise<Flow[]> {
  const rows = await run(
    `SELECT family AS fam, toString(rir) AS registry, toString(registered_cc) AS reg_cc, toString(country) AS used_in, toString(usage_region) AS region,
       toString(origin_rir) AS origin_registry, addresses AS space
     FROM portability_confirmed_flows
     WHERE (date, computed_at) IN (SELECT date, max(computed_at) FROM portability_daily FINAL WHERE date = {date:Date} GROUP BY date)
     ORDER BY family, rir, registered_cc, country, origin_rir`,
    { date },
  );
  return rows.map((r) => ({
    family: Number(r.fam) as 4 | 6,
    rir: String(r.registry) as IndexRir,
    registered_cc: String(r.reg_cc),
    country: String(r.used_in),
    usage_region: String(r.region) as Flow['usage_region'],
    origin_rir: String(r.origin_registry) as Flow['origin_rir'],
    addresses: Number(r.space),
  }));
}
