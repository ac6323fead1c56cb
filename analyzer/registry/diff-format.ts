/** Text output of `registry diff`: a summary, then a table grouped by kind and RIR pair. */
import { ROUTING_RULE, type RoutedChanges } from '../models/change-routing.js';
import { CHANGE_KINDS, type RegistryChange } from '../models/registry.js';
import type { DiffResult } from './diff.js';

const num = (n: number): string => (Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 2 }));
const UNIT = { ipv4: 'IPv4 addresses', ipv6: 'IPv6 /48s', asn: 'ASNs' } as const;

export interface DiffGroup {
  kind: RegistryChange['kind'];
  from_rir: string;
  to_rir: string;
  family: RegistryChange['family'];
  events: number;
  addresses: number;
  logged: number;
  unlogged: number;
}

/** Events summed by kind, RIR pair and family (in CHANGE_KINDS order, then by pair). */
export function groupEvents(events: readonly RegistryChange[]): DiffGroup[] {
  const groups = new Map<string, DiffGroup>();
  for (const e of events) {
    const key = `${e.kind}|${e.from_rir ?? ''}|${e.to_rir ?? ''}|${e.family}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { kind: e.kind, from_rir: e.from_rir ?? '', to_rir: e.to_rir ?? '', family: e.family, events: 0, addresses: 0, logged: 0, unlogged: 0 }));
    g.events++;
    g.addresses += e.addresses;
    if (e.transfer === 'logged') g.logged++;
    else if (e.transfer === 'unlogged') g.unlogged++;
  }
  const kindOrder = new Map(CHANGE_KINDS.map((k, i) => [k, i]));
  const famOrder = { ipv4: 0, ipv6: 1, asn: 2 };
  return [...groups.values()].sort((a, b) => kindOrder.get(a.kind)! - kindOrder.get(b.kind)! || a.from_rir.localeCompare(b.from_rir) || a.to_rir.localeCompare(b.to_rir) || famOrder[a.family] - famOrder[b.family]);
}

/** How many routed changes the text output lists (largest first). */
const ROUTED_SHOWN = 25;

export function formatDiff(r: DiffResult, routed: RoutedChanges | null = null): string {
  const lines: string[] = [];
  const files = (s: DiffResult['from']) => s.files.filter((f) => r.compared.includes(f.rir)).map((f) => `${f.rir} ${f.date ?? '?'}`).join(', ');
  lines.push(`registry diff ${r.from.label} → ${r.to.label}`);
  lines.push(`  from: ${files(r.from) || '(none)'}`);
  lines.push(`  to:   ${files(r.to) || '(none)'}`);
  lines.push(`  compared: ${r.compared.join(', ') || '(none)'}`);
  if (r.leftOut.length) lines.push(`  left out (present on one side only; --all-rirs compares them): ${r.leftOut.map((l) => `${l.rir} (only in ${l.presentIn})`).join(', ')}`);
  lines.push(`  transfer log entries: ${num(r.transfers.entries)} (${num(r.transfers.matched)} explain an event)`);
  lines.push('');
  const totals = new Map<string, { events: number; ipv4: number; ipv6: number; asn: number }>();
  for (const e of r.events) {
    let t = totals.get(e.kind);
    if (!t) totals.set(e.kind, (t = { events: 0, ipv4: 0, ipv6: 0, asn: 0 }));
    t.events++;
    t[e.family] += e.addresses;
  }
  lines.push(`${num(r.events.length)} change event(s)`);
  for (const k of CHANGE_KINDS) {
    const t = totals.get(k);
    if (t) lines.push(`  ${k.padEnd(15)} ${num(t.events).padStart(8)}  IPv4 ${num(t.ipv4)}  IPv6 /48s ${num(t.ipv6)}  ASNs ${num(t.asn)}`);
  }
  const groups = groupEvents(r.events);
  if (groups.length) {
    lines.push('');
    const rows = [['kind', 'from', 'to', 'family', 'events', 'amount', 'unit', 'logged', 'unlogged']];
    for (const g of groups) {
      const moving = g.kind === 'moved' || g.kind === 'holder-changed';
      rows.push([g.kind, g.from_rir || '-', g.to_rir || '-', g.family, num(g.events), num(g.addresses), UNIT[g.family], moving ? num(g.logged) : '', moving ? num(g.unlogged) : '']);
    }
    const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
    const right = new Set([4, 5, 7, 8]);
    for (const row of rows) lines.push(row.map((cell, c) => (right.has(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd());
  }
  if (routed) lines.push('', ...formatRouting(r.events, routed));
  return lines.join('\n') + '\n';
}

/** The routed changes, largest first, each with its routing sentence. */
function formatRouting(events: readonly RegistryChange[], routed: RoutedChanges): string[] {
  const moment = (m: RoutedChanges['from']) => (m.known ? m.at : `unknown (no route events stored on ${m.date})`);
  const lines = [`routing (${ROUTING_RULE}): before ${moment(routed.from)}, after ${moment(routed.to)}`];
  const list = events.map((e, i) => ({ e, r: routed.routing[i] })).filter((x) => x.r.from.routing === 'routed' || x.r.to.routing === 'routed');
  lines.push(`${num(list.length)} change event(s) of routed space${list.length > ROUTED_SHOWN ? ` (the ${ROUTED_SHOWN} largest)` : ''}`);
  const famOrder = { ipv4: 0, ipv6: 1, asn: 2 };
  list.sort((x, y) => famOrder[x.e.family] - famOrder[y.e.family] || y.e.addresses - x.e.addresses);
  for (const { e, r } of list.slice(0, ROUTED_SHOWN)) {
    const rirs = e.from_rir === e.to_rir ? e.from_rir ?? '-' : `${e.from_rir ?? '-'} → ${e.to_rir ?? '-'}`;
    lines.push(`  ${e.kind} ${e.start} – ${e.end} (${rirs}): ${r.summary}`);
  }
  return lines;
}
