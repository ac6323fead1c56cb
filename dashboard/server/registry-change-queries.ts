import { RIRS } from '../../analyzer/models/registry.js';
import { formatPrefix, parseIp, rangeToPrefixes } from '../../common/ip.js';
import type { QueryRunner } from './sql-runner.js';
import type { Row } from './store-port.js';
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
  return join(parts, ' AND ');
}

/** How many events are stored at all (for the empty state). */
export async function storedChanges(run: QueryRunner): Promise<number> {
  const [row] = await run('SELECT count() AS n FROM registry_changes FINAL');
  return Number(row?.n ?? 0);
}

/** The latest events (newest snapshot first, then the largest), filtered. */
export async function recentChanges(run: QueryRunner, f: ChangeFilter): Promise<ChangeRow[]> {
  // Dates come back as YYYY-MM-DD (JSON); no aliases over the column names the filter uses.
  const q = sql`SELECT from_date, to_date, kind, family, \`start\`, \`end\`, addresses,
      from_rir, to_rir, from_cc, to_cc, from_status, to_status, from_holder, to_holder,
      from_reg_date, to_reg_date, from_file_date, to_file_date, transfer, transfer_date, transfer_type
    FROM registry_changes FINAL
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

/** Inter-RIR `moved` space per year of the later snapshot, one family (IPv4 addresses or IPv6 /48s). */
export async function flowCells(run: QueryRunner, family: 'ipv4' | 'ipv6'): Promise<FlowCell[]> {
  const rows = await run(
    `SELECT toYear(to_date) AS year, from_rir, to_rir, sum(addresses) AS addresses, count() AS events
     FROM registry_changes FINAL
     WHERE kind = 'moved' AND family = {family:String}
     GROUP BY year, from_rir, to_rir
     ORDER BY year, from_rir, to_rir`,
    { family },
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
