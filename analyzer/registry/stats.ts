import type { DelegationStatus, ResourceType, Rir } from '../models/registry.js';
import type { DelegatedFile } from './delegated-parser.js';
import { headerDate } from './delegated-parser.js';

/** Per-file totals for `portolan registry stats`. */
export interface RirStats {
  rir: Rir;
  path: string;
  /** YYYY-MM-DD the file describes. */
  date: string | null;
  serial: string;
  extended: boolean;
  records: number;
  skipped: number;
  /** Record counts by type, then status (only the pairs present). */
  counts: Partial<Record<ResourceType, Partial<Record<DelegationStatus, number>>>>;
  /** Sum of allocated + assigned IPv4 counts. */
  ipv4Addresses: number;
  /** Allocated + assigned IPv6 space in /48s (a prefix longer than /48 counts as a fraction). */
  ipv6Slash48s: number;
  /** Allocated + assigned AS numbers. */
  asns: number;
}

/** Totals of one parsed delegated file. */
export function fileStats(file: DelegatedFile, rir: Rir): RirStats {
  const s: RirStats = {
    rir,
    path: file.path,
    date: headerDate(file.header),
    serial: file.header.serial,
    extended: file.extended,
    records: file.records.length,
    skipped: file.skipped,
    counts: {},
    ipv4Addresses: 0,
    ipv6Slash48s: 0,
    asns: 0,
  };
  for (const r of file.records) {
    const byStatus = (s.counts[r.type] ??= {});
    byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    if (r.status !== 'allocated' && r.status !== 'assigned') continue;
    if (r.type === 'ipv4') s.ipv4Addresses += r.value;
    else if (r.type === 'ipv6') s.ipv6Slash48s += 2 ** (48 - r.value);
    else s.asns += r.value;
  }
  return s;
}

const num = (n: number): string => (Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 3 }));

/** A plain-text table: one block per RIR. */
export function formatStats(stats: RirStats[]): string {
  const lines: string[] = [];
  for (const s of stats) {
    lines.push(`${s.rir}  ${s.date ?? 'date unknown'}  (serial ${s.serial}, ${s.extended ? 'extended' : 'standard'}, ${s.path})`);
    lines.push(`  IPv4 addresses delegated  ${num(s.ipv4Addresses)}`);
    lines.push(`  IPv6 /48s delegated       ${num(s.ipv6Slash48s)}`);
    lines.push(`  ASNs delegated            ${num(s.asns)}`);
    const parts: string[] = [];
    for (const type of ['ipv4', 'ipv6', 'asn'] as const) {
      const c = s.counts[type];
      if (!c) continue;
      parts.push(`${type}: ${Object.entries(c).map(([st, n]) => `${st} ${num(n as number)}`).join(', ')}`);
    }
    lines.push(`  records ${num(s.records)}${s.skipped ? ` (${num(s.skipped)} malformed lines skipped)` : ''}: ${parts.join('; ')}`);
  }
  if (stats.length > 1) {
    const total = (f: (s: RirStats) => number) => num(stats.reduce((a, s) => a + f(s), 0));
    lines.push(`total  IPv4 ${total((s) => s.ipv4Addresses)}  IPv6 /48s ${total((s) => s.ipv6Slash48s)}  ASNs ${total((s) => s.asns)}  records ${total((s) => s.records)}`);
  }
  return lines.join('\n') + '\n';
}
