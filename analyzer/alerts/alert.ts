import { createHash } from 'node:crypto';
import type { MismatchKind, Severity } from '../models/finding.js';
import { SEVERITIES } from '../models/finding.js';
import type { Rir } from '../models/registry.js';
import type { RovState } from '../models/rpki.js';
import type { AsNameLookup } from '../models/asnames.js';
import type { RoutedChange } from '../models/change-routing.js';

/** What an alert reports: a lifecycle event, registry changes, a channel test, or a rate-limit overflow summary. */
export type AlertEvent = 'finding-started' | 'finding-ended' | 'origin-changed' | 'registry-change' | 'test' | 'rate-limit-summary';

/** One prefix in an alert. Alerts group many prefixes from one cause (same rule, event and origin). */
export interface AlertItem {
  prefix: string;
  originAsns: number[];
  /** origin-changed: the origins before the change. */
  previousOriginAsns?: number[];
  /** The mismatch kinds (for an end: the kinds the finding had when it started). */
  kinds: MismatchKind[];
  severity: Severity;
  prefixRir: Rir | null;
  registeredCc: string | null;
  usageRegion: Rir | null;
  mainCountry: string | null;
  shareAbroad: number;
  addresses: number;
  /** The first origin's AS name (`--as-names` / asn.txt in the cache); null when unknown, absent without names. */
  originName?: string | null;
  /** RPKI route-origin state and the covering ROAs' trust anchors; present only when `--rpki` data is loaded. */
  rov?: RovState | null;
  rpkiTas?: string[];
  /** The finding's plain-language explanation. */
  why: string;
  /** For an end: the explanation the finding had when it started. */
  startWhy?: string;
  /** Dashboard page of the prefix, or null without a dashboard URL. */
  link: string | null;
  /** For an end: event time (s) of the paired start, and how long the mismatch lasted. */
  startedAt?: number;
  durationSeconds?: number;
  /** For a start that also ended before its alert went out: when and why it ended. */
  endedAt?: number;
  endReason?: 'restored' | 'withdrawn';
  /** Starts (or ends) swallowed by the quiet period since the previous alert for this prefix and origin. */
  flaps?: number;
  /** A start re-announced after the quiet period: the mismatch came back while alerts were held. */
  catchUp?: boolean;
  /** registry-change alerts: the change event with its routing before and after (the item's range is `prefix`). */
  change?: RoutedChange;
}

/** Alerts a channel's rate limit held back, summarised in the next alert that goes out. */
export interface SuppressedSummary {
  count: number;
  /** ISO time of the first held-back alert. */
  since: string;
  /** Titles of the first few held-back alerts. */
  samples: string[];
  rules: string[];
}

export interface Alert {
  /** Stable id: the same alert replayed from the dead-letter file keeps its id, so receivers can dedupe. */
  id: string;
  /** Event time (seconds since 1970). */
  time: number;
  /** ISO time the alert was built. */
  createdAt: string;
  rule: string;
  event: AlertEvent;
  reason?: 'restored' | 'withdrawn';
  severity: Severity;
  title: string;
  items: AlertItem[];
  /** Dashboard page of the first item (or the dashboard root). */
  link: string | null;
  suppressed?: SuppressedSummary;
  /** Name and country of every AS the items mention, by AS number (when names were loaded and know it). */
  asNames?: Record<string, { name: string; cc: string | null }>;
}

/** The names of every AS in the items (origins, previous origins) that the list knows. */
function namesOf(items: AlertItem[], names: AsNameLookup): Record<string, { name: string; cc: string | null }> {
  const out: Record<string, { name: string; cc: string | null }> = {};
  for (const i of items) {
    for (const asn of [...i.originAsns, ...(i.previousOriginAsns ?? [])]) {
      const n = names.get(asn);
      if (n) out[asn] = { name: n.name, cc: n.cc };
    }
  }
  return out;
}

/** `http://localhost:8080/` + `192.0.2.0/24` → `http://localhost:8080/prefix/192.0.2.0/24`. */
export function dashboardLink(base: string | null, prefix: string): string | null {
  if (!base) return null;
  return `${base.replace(/\/+$/, '')}/prefix/${prefix}`;
}

/** 11520 → "3 h 12 min"; short spans keep seconds, long ones drop minutes. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return h > 0 ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  const rest = s % 60;
  return rest > 0 && m < 10 ? `${m} min ${rest} s` : `${m} min`;
}

export const maxSeverity = (severities: Severity[]): Severity =>
  severities.reduce<Severity>((best, s) => (SEVERITIES.indexOf(s) > SEVERITIES.indexOf(best) ? s : best), 'none');

type Names = Alert['asNames'];

/** `AS4134 CHINANET-BACKBONE (CN)` with a known name (shortened to `max`), else `AS4134`. */
const label = (asn: number, names: Names, max = 40): string => {
  const n = names?.[asn];
  if (!n) return `AS${asn}`;
  return `AS${asn} ${n.name.length > max ? `${n.name.slice(0, max - 1)}…` : n.name}${n.cc ? ` (${n.cc})` : ''}`;
};

/** `AS1,AS2 NAME (CC)`: an item's origins with the names the alert carries; `no origin` for none. */
export const asns = (list: number[], names?: Names): string => (list.length ? list.map((a) => label(a, names)).join(',') : 'no origin');

function subject(items: AlertItem[], names: Names): string {
  if (items.length === 1) return `${items[0].prefix} from ${asns(items[0].originAsns, names)}`;
  const origins = [...new Set(items.map((i) => asns(i.originAsns, names)))];
  return `${items.length} prefixes from ${origins.length === 1 ? origins[0] : `${origins.length} origins`}`;
}

function titleOf(event: AlertEvent, reason: Alert['reason'], items: AlertItem[], names: Names): string {
  if (items.length === 0) return event;
  const first = items[0];
  switch (event) {
    case 'finding-started': {
      const kinds = [...new Set(items.flatMap((i) => i.kinds))].join(', ') || 'mismatch';
      const again = items.every((i) => i.catchUp) ? ' again' : '';
      return `${subject(items, names)}: ${kinds}${again}`;
    }
    case 'finding-ended': {
      const verb = reason === 'withdrawn' ? 'withdrawn' : 'restored';
      const known = items.filter((i) => i.durationSeconds !== undefined);
      const after = known.length === items.length && known.length > 0
        ? ` after ${formatDuration(Math.max(...known.map((i) => i.durationSeconds!)))}`
        : '';
      return `${subject(items, names)} ${verb}${after}`;
    }
    case 'origin-changed':
      return items.length === 1
        ? `${first.prefix} origin changed ${asns(first.previousOriginAsns ?? [], names)} → ${asns(first.originAsns, names)}`
        : `${items.length} prefixes now originated by ${asns(first.originAsns, names)}`;
    default:
      return `${subject(items, names)}`;
  }
}

/** Builds an alert; the id hashes the rule, event and items so a re-sent alert is recognisable. */
export function buildAlert(args: {
  rule: string;
  event: AlertEvent;
  reason?: Alert['reason'];
  time: number;
  items: AlertItem[];
  dashboardUrl: string | null;
  title?: string;
  severity?: Severity;
  /** AS names: the alert carries them (`asNames`, each item's `originName`) and its text shows them. */
  asNames?: AsNameLookup | null;
}): Alert {
  const { rule, event, reason, time } = args;
  const names = args.asNames ? namesOf(args.items, args.asNames) : undefined;
  const items = names ? args.items.map((i) => ({ ...i, originName: names[i.originAsns[0]]?.name ?? null })) : args.items;
  const key = [rule, event, reason ?? '', time, ...items.map((i) => `${i.prefix}|${i.originAsns.join(',')}`)].join('\n');
  const id = createHash('sha256').update(key).update(String(Date.now())).digest('hex').slice(0, 20);
  return {
    id,
    time,
    createdAt: new Date().toISOString(),
    rule,
    event,
    ...(reason ? { reason } : {}),
    severity: args.severity ?? maxSeverity(items.map((i) => i.severity)),
    title: args.title ?? titleOf(event, reason, items, names),
    items,
    link: items.length ? items[0].link : args.dashboardUrl,
    ...(names ? { asNames: names } : {}),
  };
}

/** A plain-text rendering shared by email, syslog and the CLI; lists at most `maxItems` prefixes. */
export function alertText(alert: Alert, maxItems = 50): string {
  const lines = [alert.title, `rule: ${alert.rule} · event: ${alert.event}${alert.reason ? ` (${alert.reason})` : ''} · severity: ${alert.severity}`];
  for (const item of alert.items.slice(0, maxItems)) {
    const parts = [`- ${item.prefix} ${asns(item.originAsns, alert.asNames)}`];
    if (item.previousOriginAsns) parts.push(`(was ${asns(item.previousOriginAsns, alert.asNames)})`);
    if (item.kinds.length) parts.push(`[${item.kinds.join(', ')}]`);
    if (item.endReason) parts.push(`(${item.endReason} after ${formatDuration(item.durationSeconds ?? 0)})`);
    else if (item.durationSeconds !== undefined) parts.push(`lasted ${formatDuration(item.durationSeconds)}`);
    if (item.flaps) parts.push(`flapped ${item.flaps}× during the quiet period`);
    lines.push(parts.join(' '));
    if (item.why) lines.push(`  why: ${item.why}`);
    if (item.startWhy && item.startWhy !== item.why) lines.push(`  when it started: ${item.startWhy}`);
    if (item.link) lines.push(`  ${item.link}`);
  }
  if (alert.items.length > maxItems) lines.push(`… and ${alert.items.length - maxItems} more prefixes`);
  if (alert.suppressed) {
    const s = alert.suppressed;
    lines.push(`Rate limit: ${s.count} alert(s) since ${s.since} were held back (rules: ${s.rules.join(', ')}):`);
    for (const t of s.samples) lines.push(`  · ${t}`);
  }
  return lines.join('\n');
}
