import { RIRS } from '../../analyzer/models/registry.js';
import { formatPrefix, parseIp, rangeToPrefixes } from '../../common/ip.js';
import type { QueryRunner, Row } from './query-types.js';
import { frag, join, param, read, sql, type Fragment } from './sql-fragment.js';

/**
 * The dashboard's reads of `registry_changes` (migration 5; `portolan registry diff --store` and
 * `portolan run` write it). A pair of dates diffed again keeps its latest run (`FINAL`).
 */

export const CHANGE_KINDS = ['added', 'removed', 'moved', 'status-changed', 'cc-changed', 'holder-changed', 'date-changed'] as const;

export const NO_CHANGES_MESSAGE =
  'No registry changes stored yet: run `portolan registry diff --store --from A --to B` (two archived dates; `portolan registry import DIR --date D` brings in old files), or let `portolan run` diff each daily registry update.';

export interface ChangeFilter {
  kinds: string[];
  rirs: string[];
  countries: string[];
  /** Snapshot (to_date) range, YYYY-MM-DD, inclusive. */
  from: string | null;
  to: string | null;
  /** Only changes of space routed before or after (registry_change_routing). */
  routed: boolean;
  limit: number;
}

/** A stored event as the API gives it, with the prefix page to link (the range's first CIDR; AS page for ASNs). */
export interface ChangeRow extends Row {
  link: string | null;
  /** The range's first CIDR (IP families), and how many CIDRs the range spans. */
  first_cidr: string | null;
  cidrs: number | null;
}

function where(f: Omit<ChangeFilter, 'limit'>): Fragment {
  const parts: Fragment[] = [frag('1')];
  if (f.kinds.length) parts.push(sql`kind IN ${param('kinds', 'Array(String)', f.kinds)}`);
  if (f.rirs.length) {
    const r = param('rirs', 'Array(String)', f.rirs);
    parts.push(sql`(from_rir IN ${r} OR to_rir IN ${r})`);
  }
  if (f.countries.length) {
    const c = param('ccs', 'Array(String)', f.countries);
    parts.push(sql`(from_cc IN ${c} OR to_cc IN ${c})`);
  }
  if (f.from) parts.push(sql`to_date >= ${param('fromDay', 'Date', f.from)}`);
  if (f.to) parts.push(sql`to_date <= ${param('toDay', 'Date', f.to)}`);
  if (f.routed) parts.push(frag("(from_routing = 'routed' OR to_routing = 'routed')"));
  return join(parts, ' AND ');
}

/** How many events are stored at all (for the empty state). */
export async function storedChanges(run: QueryRunner): Promise<number> {
  const [row] = await run('SELECT count() AS n FROM registry_changes FINAL');
  return Number(row?.n ?? 0);
}

/** The routing columns (migration 6) each listed event carries; '' / empty when it was routed on neither side. */
const ROUTING_COLUMNS = ['routing', 'prefixes', 'prefix_count', 'origins', 'origin_rirs', 'usage_regions', 'countries', 'routed_addresses'].flatMap((c) => [`from_${c}`, `to_${c}`]);

/** The latest events (newest snapshot first, then the largest), filtered, each with its routing before and after. */
export async function recentChanges(run: QueryRunner, f: ChangeFilter): Promise<ChangeRow[]> {
  // Dates come back as YYYY-MM-DD (JSON); no aliases over the column names the filter uses.
  const q = sql`SELECT from_date, to_date, kind, family, \`start\`, \`end\`, addresses,
      from_rir, to_rir, from_cc, to_cc, from_status, to_status, from_holder, to_holder,
      from_reg_date, to_reg_date, from_file_date, to_file_date, transfer, transfer_date, transfer_type,
      ${frag(ROUTING_COLUMNS.join(', '))}, routing_summary
    FROM registry_changes FINAL
    LEFT JOIN (SELECT * FROM registry_change_routing FINAL) AS rt USING (from_date, to_date, kind, family, \`start\`, \`end\`)
    WHERE ${where(f)}
    ORDER BY to_date DESC, from_date DESC, addresses DESC, family, \`start\`, kind
    LIMIT ${param('limit', 'UInt32', f.limit)}`;
  return (await read(run, q)).map(withLink);
}

/** The row with its link: /prefix/<first CIDR> for IP ranges, /asn/<first> for ASN ranges. */
export function withLink(r: Row): ChangeRow {
  const family = String(r.family);
  if (family === 'asn') return { ...r, link: `/asn/${String(r.start)}`, first_cidr: null, cidrs: null };
  const a = parseIp(String(r.start));
  const b = parseIp(String(r.end));
  if (!a || !b || a.family !== b.family || a.value > b.value) return { ...r, link: null, first_cidr: null, cidrs: null };
  const prefixes = rangeToPrefixes(a.family, a.value, b.value);
  const first = formatPrefix(prefixes[0]);
  return { ...r, link: `/prefix/${first}`, first_cidr: first, cidrs: prefixes.length };
}

export interface FlowCell {
  year: number;
  from_rir: string;
  to_rir: string;
  addresses: number;
  events: number;
}

export interface YearFlows {
  year: number;
  /** from_rir → to_rir → addresses moved that year. */
  matrix: Record<string, Record<string, number>>;
  /** Per RIR: moved in, moved out, net (in − out). */
  net: Record<string, { in: number; out: number; net: number }>;
}

export interface StoredPair {
  from: string;
  to: string;
}

/**
 * Which stored pairs of dates a total over time reads, so each change counts once. A pair that
 * contains another stored pair (A→C beside A→B or B→C) is left out: the finer pairs hold its
 * changes. The pairs kept are grouped into clusters of overlapping spans (A→C and B→D, where
 * neither holds the other); within a cluster, a range moved between the same two RIRs counts
 * once. Returns each kept pair's cluster number (from 1), keyed "from|to".
 */
export function countedPairs(pairs: readonly StoredPair[]): Map<string, number> {
  const kept = pairs.filter((p) => !pairs.some((q) => (q.from !== p.from || q.to !== p.to) && q.from >= p.from && q.to <= p.to));
  kept.sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
  const out = new Map<string, number>();
  let cluster = 0;
  let reach = '';
  for (const p of kept) {
    // Spans touching at an end (A→B, B→C) do not overlap: consecutive snapshots.
    if (!cluster || p.from >= reach) cluster++;
    if (p.to > reach) reach = p.to;
    out.set(`${p.from}|${p.to}`, cluster);
  }
  return out;
}

/** Inter-RIR `moved` space per year of the later snapshot, one family (IPv4 addresses or IPv6 /48s); each change once (countedPairs). */
export async function flowCells(run: QueryRunner, family: 'ipv4' | 'ipv6'): Promise<FlowCell[]> {
  const pairs = (await run('SELECT DISTINCT toString(from_date) AS f, toString(to_date) AS t FROM registry_changes')).map((r) => ({ from: String(r.f), to: String(r.t) }));
  const counted = countedPairs(pairs);
  if (!counted.size) return [];
  // The change's year: the first kept pair of its cluster that holds it.
  const rows = await run(
    `SELECT toYear(first_to) AS year, from_rir, to_rir, sum(amount) AS addresses, count() AS events
     FROM (
       SELECT cluster, from_rir, to_rir, \`start\`, \`end\`, any(addresses) AS amount, min(to_date) AS first_to
       FROM (
         SELECT {clusters:Array(UInt32)}[indexOf({keys:Array(String)}, concat(toString(from_date), '|', toString(to_date)))] AS cluster,
           from_rir, to_rir, \`start\`, \`end\`, addresses, to_date
         FROM registry_changes FINAL
         WHERE kind = 'moved' AND family = {family:String}
       )
       WHERE cluster > 0
       GROUP BY cluster, from_rir, to_rir, \`start\`, \`end\`
     )
     GROUP BY year, from_rir, to_rir
     ORDER BY year, from_rir, to_rir`,
    { family, keys: [...counted.keys()], clusters: [...counted.values()] },
  );
  return rows.map((r) => ({ year: Number(r.year), from_rir: String(r.from_rir), to_rir: String(r.to_rir), addresses: Number(r.addresses), events: Number(r.events) }));
}

/** The cells as a from × to matrix per year, with each RIR's net flow (in − out). */
export function flowsByYear(cells: readonly FlowCell[]): YearFlows[] {
  const years = new Map<number, YearFlows>();
  for (const c of cells) {
    let y = years.get(c.year);
    if (!y) {
      y = { year: c.year, matrix: {}, net: Object.fromEntries(RIRS.map((r) => [r, { in: 0, out: 0, net: 0 }])) };
      years.set(c.year, y);
    }
    (y.matrix[c.from_rir] ??= {})[c.to_rir] = ((y.matrix[c.from_rir] ?? {})[c.to_rir] ?? 0) + c.addresses;
    (y.net[c.to_rir] ??= { in: 0, out: 0, net: 0 }).in += c.addresses;
    (y.net[c.from_rir] ??= { in: 0, out: 0, net: 0 }).out += c.addresses;
  }
  for (const y of years.values()) for (const n of Object.values(y.net)) n.net = n.in - n.out;
  return [...years.values()].sort((a, b) => a.year - b.year);
}

/** Stored diffs that compared a stale file (a RIR's file older than the max age in force), newest first, in the snapshot range. */
export async function staleFiles(run: QueryRunner, f: Pick<ChangeFilter, 'from' | 'to'>): Promise<Row[]> {
  const parts: Fragment[] = [frag('(stale_from OR stale_to)')];
  if (f.from) parts.push(sql`to_date >= ${param('fromDay', 'Date', f.from)}`);
  if (f.to) parts.push(sql`to_date <= ${param('toDay', 'Date', f.to)}`);
  const q = sql`SELECT from_date, to_date, rir, from_file_date, to_file_date, from_age_days, to_age_days, stale_from, stale_to, max_age_days
    FROM registry_diff_files FINAL
    WHERE ${join(parts, ' AND ')}
    ORDER BY to_date DESC, from_date DESC, rir
    LIMIT 50`;
  return read(run, q);
}
