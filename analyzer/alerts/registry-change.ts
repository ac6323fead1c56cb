/**
 * Alerts on registry changes (rules of `kind: registry-change`): the daily registry diff's events,
 * with their routing, matched against watched prefixes, ASNs, holders, RIRs and countries, and
 * turned into one alert per rule and diff.
 */
import { parseIp, prefixEnd, rangeToPrefixes, formatPrefix, type Prefix } from '../../common/ip.js';
import type { RoutedChange } from '../models/change-routing.js';
import type { Severity } from '../models/finding.js';
import { CHANGE_KINDS, type Rir } from '../models/registry.js';
import { buildAlert, dashboardLink, type Alert, type AlertItem } from './alert.js';
import type { RuleConfig } from './rules.js';
import type { AsNameLookup } from '../models/asnames.js';

/** Whether the change's range overlaps a watched prefix (the prefix inside the range, or the range inside it). */
function overlapsWatched(watched: readonly Prefix[], c: RoutedChange): boolean {
  if (c.family === 'asn') return false;
  const a = parseIp(c.start);
  const b = parseIp(c.end);
  if (!a || !b) return false;
  return watched.some((p) => p.family === a.family && p.start <= b.value && prefixEnd(p) >= a.value);
}

/**
 * Whether a change meets every criterion of a registry-change rule (AND between criteria, OR
 * within one; an absent criterion matches all):
 * - prefixes: the range overlaps a watched prefix; origin-asns: an ASN range holding one, or one
 *   of the routed origins before or after; holders: the opaque-id before or after;
 * - rirs, countries: the registry / registered country before or after (countries also the
 *   usage countries of the routed prefixes);
 * - change-kinds; routed: routed before or after; transfer: logged / unlogged; min-addresses.
 */
export function ruleMatchesChange(rule: RuleConfig, c: RoutedChange): boolean {
  if (rule.kind !== 'registry-change') return false;
  if (rule.changeKinds.length && !rule.changeKinds.includes(c.kind)) return false;
  const r = c.routing;
  const routed = !!r && (r.from.routing === 'routed' || r.to.routing === 'routed');
  if (rule.routed !== null && rule.routed !== routed) return false;
  if (rule.transfer && c.transfer !== rule.transfer) return false;
  if (c.addresses < rule.minAddresses) return false;
  if (rule.rirs.length && !rule.rirs.some((x) => x === c.from_rir || x === c.to_rir)) return false;
  if (rule.countries.length) {
    const ccs = [c.from_cc, c.to_cc, ...(r ? [...r.from.countries, ...r.to.countries] : [])].filter((x): x is string => !!x).map((x) => x.toUpperCase());
    if (!ccs.some((cc) => rule.countries.includes(cc))) return false;
  }
  if (rule.holders.length && !rule.holders.some((h) => h === c.from_holder || h === c.to_holder)) return false;
  // Watched prefixes and ASNs: either one touching the change is enough when both are given.
  if (rule.prefixes.length || rule.originAsns.length) {
    const byPrefix = rule.prefixes.length > 0 && overlapsWatched(rule.prefixes, c);
    const origins = r ? [...r.from.origins, ...r.to.origins] : [];
    const byAsn =
      rule.originAsns.length > 0 &&
      rule.originAsns.some((asn) => origins.includes(asn) || (c.family === 'asn' && Number(c.start) <= asn && asn <= Number(c.end)));
    if (!byPrefix && !byAsn) return false;
  }
  return true;
}

const SEVERITY: Record<string, Severity> = { moved: 'medium', 'holder-changed': 'medium', removed: 'low', 'cc-changed': 'low', added: 'info', 'status-changed': 'info', 'date-changed': 'info' };

/** The range as text: its CIDR when it is one, else first – last; ASNs as AS numbers. */
export function rangeText(c: Pick<RoutedChange, 'family' | 'start' | 'end'>): string {
  if (c.family === 'asn') return c.start === c.end ? `AS${c.start}` : `AS${c.start}–AS${c.end}`;
  const a = parseIp(c.start);
  const b = parseIp(c.end);
  if (a && b && a.family === b.family) {
    const cidrs = rangeToPrefixes(a.family, a.value, b.value);
    if (cidrs.length === 1) return formatPrefix(cidrs[0]);
  }
  return `${c.start} – ${c.end}`;
}

/** One sentence: what changed, between which snapshots, the transfer log, and the routing. */
export function changeWhy(c: RoutedChange): string {
  const what = rangeText(c);
  const side = (rir: Rir | null, cc: string | null, holder: string | null) => [rir ?? 'undelegated', cc, holder ? `holder ${holder}` : null].filter(Boolean).join(' ');
  let verb: string;
  switch (c.kind) {
    case 'moved':
      verb = `moved ${c.from_rir} → ${c.to_rir}`;
      break;
    case 'added':
      verb = `delegated by ${side(c.to_rir, c.to_cc, null)} (was ${c.from_status})`;
      break;
    case 'removed':
      verb = `no longer delegated by ${side(c.from_rir, c.from_cc, null)} (now ${c.to_status})`;
      break;
    case 'cc-changed':
      verb = `country ${c.from_cc ?? '–'} → ${c.to_cc ?? '–'} (${c.to_rir})`;
      break;
    case 'holder-changed':
      verb = `holder ${c.from_holder} → ${c.to_holder} (${c.to_rir})`;
      break;
    case 'status-changed':
      verb = `status ${c.from_status} → ${c.to_status} (${c.to_rir})`;
      break;
    default:
      verb = `registration date ${c.from_reg_date ?? '–'} → ${c.to_reg_date ?? '–'} (${c.to_rir})`;
  }
  const log = c.transfer === 'logged' ? `; transfer logged ${c.transfer_date}${c.transfer_type ? ` (${c.transfer_type})` : ''}` : c.transfer === 'unlogged' ? '; no transfer log entry explains it' : '';
  const routing = c.routing ? `; ${c.routing.summary}` : '';
  return `${what} ${verb} between ${c.from_date} and ${c.to_date}${log}${routing}.`;
}

function item(c: RoutedChange, dashboardUrl: string | null): AlertItem {
  const r = c.routing;
  const first = (() => {
    if (c.family === 'asn') return null;
    const a = parseIp(c.start);
    const b = parseIp(c.end);
    return a && b ? formatPrefix(rangeToPrefixes(a.family, a.value, b.value)[0]) : null;
  })();
  return {
    prefix: rangeText(c),
    originAsns: r ? [...new Set([...r.to.origins, ...r.from.origins])] : [],
    ...(r && r.from.origins.join() !== r.to.origins.join() ? { previousOriginAsns: r.from.origins } : {}),
    kinds: [],
    severity: SEVERITY[c.kind] ?? 'info',
    prefixRir: c.to_rir ?? c.from_rir,
    registeredCc: c.to_cc ?? c.from_cc,
    usageRegion: null,
    mainCountry: r?.to.countries[0] ?? r?.from.countries[0] ?? null,
    shareAbroad: 0,
    addresses: c.addresses,
    why: changeWhy(c),
    link: first ? dashboardLink(dashboardUrl, first) : dashboardUrl && c.family === 'asn' ? `${dashboardUrl.replace(/\/+$/, '')}/asn/${c.start}` : null,
    change: c,
  };
}

/** At most this many changes are itemised in one alert; the title still counts them all. */
export const MAX_ITEMS = 100;

/** One alert per registry-change rule that some of the changes match (the changes of one diff). */
export function registryChangeAlerts(rules: readonly RuleConfig[], changes: readonly RoutedChange[], opts: { dashboardUrl: string | null; asNames?: AsNameLookup | null; time?: number }): Array<{ alert: Alert; matched: number }> {
  const out: Array<{ alert: Alert; matched: number }> = [];
  for (const rule of rules) {
    if (rule.kind !== 'registry-change') continue;
    const hits = changes.filter((c) => ruleMatchesChange(rule, c));
    if (!hits.length) continue;
    hits.sort((a, b) => b.addresses - a.addresses);
    const items = hits.slice(0, MAX_ITEMS).map((c) => item(c, opts.dashboardUrl));
    const kinds = CHANGE_KINDS.filter((k) => hits.some((c) => c.kind === k)).join(', ');
    const pair = `${hits[0].from_date} → ${hits[0].to_date}`;
    const title = hits.length === 1 ? `registry change: ${items[0].why.replace(/\.$/, '')}` : `${hits.length} registry changes (${kinds}) ${pair}, largest ${items[0].prefix}${hits.length > MAX_ITEMS ? ` (the ${MAX_ITEMS} largest listed)` : ''}`;
    const time = opts.time ?? Date.parse(`${hits[0].to_date}T00:00:00Z`) / 1000;
    out.push({ alert: buildAlert({ rule: rule.name, event: 'registry-change', time, items, dashboardUrl: opts.dashboardUrl, title, asNames: opts.asNames }), matched: hits.length });
  }
  return out;
}
