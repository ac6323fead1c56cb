import { readFileSync } from 'node:fs';
import { isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { parsePrefix, formatPrefix, type Prefix } from '../../common/ip.js';
import { ROV_STATES, type RovState } from '../models/rpki.js';
import { MISMATCH_KINDS, SEVERITIES, type MismatchKind, type Severity } from '../models/finding.js';
import { CHANGE_KINDS, RIRS, type ChangeKind, type Rir } from '../models/registry.js';
import { CHANNEL_PLUGINS } from './channels/registry.js';
import { Checker, type ConfigProblem, type FieldSpecs } from './config-checker.js';
import type { RetryPolicy } from '../../common/retry.js';
import { parseAsn } from '../../common/asn.js';

export const EVENT_TYPES = ['finding-started', 'finding-ended', 'origin-changed'] as const;
/** finding: lifecycle events of findings (the default); registry-change: the daily registry diff's change events. */
export const RULE_KINDS = ['finding', 'registry-change'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];
export type EventType = (typeof EVENT_TYPES)[number];

export type { RetryPolicy } from '../../common/retry.js';

export interface ChannelConfig {
  name: string;
  type: string;
  /** The plug-in's own options, checked against its spec. */
  options: Record<string, unknown>;
  /** At most `max` alerts per `periodSeconds`; null for no limit. */
  rateLimit: { max: number; periodSeconds: number } | null;
  retry: RetryPolicy;
  line: number;
}

export interface RuleConfig {
  name: string;
  kind: RuleKind;
  /** Watched prefixes; a prefix also matches its more-specifics. */
  prefixes: Prefix[];
  originAsns: number[];
  /** Registering RIR of the prefix. */
  rirs: Rir[];
  /** Region (RIR service region) where most addresses are used. */
  usageRegions: Rir[];
  /** Matches the main (usage) country or the registered country. */
  countries: string[];
  kinds: MismatchKind[];
  minSeverity: Severity | null;
  minAddresses: number;
  /** RPKI route-origin states the finding must have (empty: any, including none); `ignore-rpki-valid` drops valid. */
  rov: RovState[];
  ignoreRpkiValid: boolean;
  events: EventType[];
  /** registry-change rules: the change kinds, holder opaque-ids (either side), routed space only, logged / unlogged transfers only. */
  changeKinds: ChangeKind[];
  holders: string[];
  routed: boolean | null;
  transfer: 'logged' | 'unlogged' | null;
  channels: string[];
  line: number;
}

export interface AlertsConfig {
  source: string;
  dashboardUrl: string | null;
  groupingWindowSeconds: number;
  quietPeriodSeconds: number;
  deadLetter: string | null;
  channels: ChannelConfig[];
  rules: RuleConfig[];
}

export const DEFAULTS = {
  groupingWindowSeconds: 60,
  quietPeriodSeconds: 1800,
  retry: { attempts: 5, initialDelayMs: 1000, maxDelayMs: 60_000 } as RetryPolicy,
};

/** alerts.yml could not be used; `problems` name the line and column of each mistake. */
export class AlertsConfigError extends Error {
  constructor(readonly source: string, readonly problems: ConfigProblem[]) {
    super(problems.map((p) => `${source}:${p.line}:${p.col}: ${p.message}`).join('\n'));
    this.name = 'AlertsConfigError';
  }
}

const TOP_KEYS = ['dashboard-url', 'grouping-window', 'quiet-period', 'dead-letter', 'channels', 'rules'] as const;
const CHANNEL_COMMON = ['type', 'rate-limit', 'retry'] as const;
const RULE_KEYS = ['name', 'kind', 'prefixes', 'origin-asns', 'rirs', 'usage-regions', 'countries', 'kinds', 'min-severity', 'min-addresses', 'rov', 'ignore-rpki-valid', 'events', 'change-kinds', 'holders', 'routed', 'transfer', 'channels'] as const;
/** Keys that only one kind of rule takes. */
const FINDING_ONLY = ['usage-regions', 'kinds', 'min-severity', 'rov', 'ignore-rpki-valid', 'events'];
const CHANGE_ONLY = ['change-kinds', 'holders', 'routed', 'transfer'];

const TOP_SPECS: FieldSpecs = {
  'dashboard-url': { type: 'url' },
  'grouping-window': { type: 'duration' },
  'quiet-period': { type: 'duration' },
  'dead-letter': { type: 'string' },
};

/** "AS64500", "as64500" or 64500 → 64500; null when not a 32-bit ASN. */
export function asnOf(value: unknown): number | null {
  return typeof value === 'number' || typeof value === 'string' ? parseAsn(String(value)) : null;
}

/** Reads and validates an alerts file; throws AlertsConfigError listing every problem. */
export function loadAlertsConfig(path: string): AlertsConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new AlertsConfigError(path, [{ line: 0, col: 0, message: `cannot read: ${(err as Error).message}` }]);
  }
  return parseAlertsConfig(text, path);
}

/** Parses and validates alerts.yml text (`source` names it in errors). */
export function parseAlertsConfig(text: string, source = 'alerts.yml'): AlertsConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  const check = new Checker(lines);
  for (const e of doc.errors) {
    const { line, col } = lines.linePos(e.pos[0]);
    check.problems.push({ line, col, message: `YAML syntax: ${e.message.split('\n')[0]}` });
  }
  if (check.problems.length) throw new AlertsConfigError(source, check.problems);

  const config: AlertsConfig = {
    source,
    dashboardUrl: null,
    groupingWindowSeconds: DEFAULTS.groupingWindowSeconds,
    quietPeriodSeconds: DEFAULTS.quietPeriodSeconds,
    deadLetter: null,
    channels: [],
    rules: [],
  };
  const root = doc.contents as Node | null;
  if (root === null || (isScalar(root) && root.value === null)) {
    throw new AlertsConfigError(source, [{ line: 1, col: 1, message: 'the file is empty: expected "channels:" and "rules:"' }]);
  }
  const top = check.map(root, 'the file');
  if (!top) throw new AlertsConfigError(source, check.problems);

  const entries = check.entries(top, TOP_KEYS, 'the file');
  const values = check.fields(top, TOP_SPECS, '', entries);
  if (values['dashboard-url'] !== undefined) config.dashboardUrl = values['dashboard-url'] as string;
  if (values['grouping-window'] !== undefined) config.groupingWindowSeconds = values['grouping-window'] as number;
  if (values['quiet-period'] !== undefined) config.quietPeriodSeconds = values['quiet-period'] as number;
  if (values['dead-letter'] !== undefined) config.deadLetter = values['dead-letter'] as string;

  const channelsNode = entries.get('channels');
  if (!channelsNode) check.report(top, '"channels" is required (a mapping of channel names to their type and options)');
  else config.channels = parseChannels(check, channelsNode.value);
  const rulesNode = entries.get('rules');
  if (!rulesNode) check.report(top, '"rules" is required (a list of rules)');
  else config.rules = parseRules(check, rulesNode.value, new Set(config.channels.map((c) => c.name)), channelsNode !== undefined);

  if (check.problems.length) throw new AlertsConfigError(source, check.problems.sort((a, b) => a.line - b.line || a.col - b.col));
  return config;
}

function parseChannels(check: Checker, node: Node | null): ChannelConfig[] {
  const map = check.map(node, 'channels');
  if (!map) return [];
  const out: ChannelConfig[] = [];
  for (const pair of map.items) {
    const keyNode = pair.key as Node;
    const name = isScalar(keyNode) ? String(keyNode.value) : '';
    const where = `channel "${name}"`;
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) check.report(keyNode, `channel name "${name}" may use letters, digits, "-", "_" and "."`);
    if (out.some((c) => c.name === name)) check.report(keyNode, `duplicate channel name "${name}"`);
    const body = check.map((pair.value as Node | null) ?? null, where);
    if (!body) continue;
    const typeNode = body.items.find((p) => isScalar(p.key) && p.key.value === 'type')?.value as Node | undefined;
    const type = isScalar(typeNode) ? String(typeNode.value) : undefined;
    const plugin = type ? CHANNEL_PLUGINS.get(type) : undefined;
    if (!type) {
      check.report(body, `${where}: "type" is required (one of ${[...CHANNEL_PLUGINS.keys()].join(', ')})`);
      continue;
    }
    if (!plugin) {
      check.report(typeNode, `${where}: unknown channel type "${type}" (one of ${[...CHANNEL_PLUGINS.keys()].join(', ')})`);
      continue;
    }
    const common = check.entries(body, [...Object.keys(plugin.options), ...CHANNEL_COMMON], where);
    const options = check.fields(body, plugin.options, where, common);
    let rateLimit: ChannelConfig['rateLimit'] = null;
    const rl = common.get('rate-limit');
    if (rl) {
      const rlMap = check.map(rl.value, `${where}.rate-limit`);
      if (rlMap) {
        const v = check.fields(rlMap, { max: { type: 'integer', min: 1, required: true }, per: { type: 'duration', required: true } }, `${where}.rate-limit`);
        if (v.max !== undefined && v.per !== undefined) {
          if ((v.per as number) <= 0) check.report(rlMap, `${where}.rate-limit.per must be longer than 0s`);
          else rateLimit = { max: v.max as number, periodSeconds: v.per as number };
        }
      }
    }
    const retry = { ...DEFAULTS.retry };
    const rt = common.get('retry');
    if (rt) {
      const rtMap = check.map(rt.value, `${where}.retry`);
      if (rtMap) {
        const v = check.fields(rtMap, { attempts: { type: 'integer', min: 1, max: 100 }, 'initial-delay': { type: 'duration' }, 'max-delay': { type: 'duration' } }, `${where}.retry`);
        if (v.attempts !== undefined) retry.attempts = v.attempts as number;
        if (v['initial-delay'] !== undefined) retry.initialDelayMs = (v['initial-delay'] as number) * 1000;
        if (v['max-delay'] !== undefined) retry.maxDelayMs = (v['max-delay'] as number) * 1000;
      }
    }
    out.push({ name, type, options, rateLimit, retry, line: check.lineOf(keyNode) });
  }
  return out;
}

function parseRules(check: Checker, node: Node | null, channelNames: Set<string>, channelsGiven: boolean): RuleConfig[] {
  if (!isSeq(node)) {
    check.report(node, 'rules must be a list of rules (each starting with "- name: ...")');
    return [];
  }
  const out: RuleConfig[] = [];
  node.items.forEach((item, index) => {
    const map = check.map(item as Node, `rule #${index + 1}`);
    if (!map) return;
    const e = check.entries(map, RULE_KEYS, `rule #${index + 1}`);
    const nameNode = e.get('name')?.value ?? null;
    const name = isScalar(nameNode) && typeof nameNode.value === 'string' && nameNode.value.trim() ? nameNode.value.trim() : null;
    if (!name) check.report(nameNode ?? map, `rule #${index + 1}: "name" is required (a non-empty string)`);
    const where = `rule "${name ?? `#${index + 1}`}"`;
    if (name && out.some((r) => r.name === name)) check.report(nameNode, `duplicate rule name "${name}"`);

    const rule: RuleConfig = {
      name: name ?? `#${index + 1}`,
      kind: 'finding',
      prefixes: [], originAsns: [], rirs: [], usageRegions: [], countries: [], kinds: [],
      minSeverity: null, minAddresses: 0, rov: [], ignoreRpkiValid: false, events: [...EVENT_TYPES],
      changeKinds: [], holders: [], routed: null, transfer: null, channels: [],
      line: check.lineOf(map),
    };
    const kindNode = e.get('kind');
    if (kindNode) {
      const v = check.field(kindNode.value, { type: 'string', enum: RULE_KINDS }, `${where}.kind`);
      if (v !== undefined) rule.kind = v as RuleKind;
    }
    for (const key of rule.kind === 'finding' ? CHANGE_ONLY : FINDING_ONLY) {
      const entry = e.get(key);
      if (entry) check.report(entry.value ?? map, `${where}: "${key}" applies to ${rule.kind === 'finding' ? 'rules of kind: registry-change' : 'finding rules, not kind: registry-change'}`);
    }
    const each = <T>(key: string, convert: (v: unknown) => T | null, what: string): T[] => {
      const entry = e.get(key);
      if (!entry) return [];
      const out: T[] = [];
      for (const it of check.list(entry.value, `${where}.${key}`) ?? []) {
        const v = convert(it.value);
        if (v === null) check.report(it.node, `${where}.${key}: ${what} (got "${String(it.value)}")`);
        else out.push(v);
      }
      return out;
    };
    const oneOf = <T extends string>(values: readonly T[]) => (v: unknown): T | null => (values.includes(v as T) ? (v as T) : null);

    rule.prefixes = each('prefixes', (v) => (typeof v === 'string' ? parsePrefix(v.trim()) : null), 'not a valid prefix (address/length with no host bits set)');
    rule.originAsns = each('origin-asns', asnOf, 'not an AS number (64500 or AS64500)');
    rule.rirs = each('rirs', oneOf(RIRS), `not an RIR (one of ${RIRS.join(', ')})`);
    rule.usageRegions = each('usage-regions', oneOf(RIRS), `not an RIR region (one of ${RIRS.join(', ')})`);
    rule.countries = each('countries', (v) => (typeof v === 'string' && /^[A-Za-z]{2}$/.test(v) ? v.toUpperCase() : null), 'not a two-letter country code');
    rule.kinds = each('kinds', oneOf(MISMATCH_KINDS), `not a mismatch kind (one of ${MISMATCH_KINDS.join(', ')})`);
    rule.changeKinds = each('change-kinds', oneOf(CHANGE_KINDS), `not a registry change kind (one of ${CHANGE_KINDS.join(', ')})`);
    rule.holders = each('holders', (v) => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : null), 'not a holder opaque-id');
    const routed = e.get('routed');
    if (routed) {
      const v = check.field(routed.value, { type: 'boolean' }, `${where}.routed`);
      if (v !== undefined) rule.routed = v as boolean;
    }
    const transfer = e.get('transfer');
    if (transfer) {
      const v = check.field(transfer.value, { type: 'string', enum: ['logged', 'unlogged'] }, `${where}.transfer`);
      if (v !== undefined) rule.transfer = v as 'logged' | 'unlogged';
    }
    const events = each('events', oneOf(EVENT_TYPES), `not an event (one of ${EVENT_TYPES.join(', ')})`);
    if (e.has('events')) rule.events = events;
    const sev = e.get('min-severity');
    if (sev) {
      const v = check.field(sev.value, { type: 'string', enum: SEVERITIES }, `${where}.min-severity`);
      if (v !== undefined) rule.minSeverity = v as Severity;
    }
    const minAddr = e.get('min-addresses');
    if (minAddr) {
      const v = check.field(minAddr.value, { type: 'number', min: 0 }, `${where}.min-addresses`);
      if (v !== undefined) rule.minAddresses = v as number;
    }
    rule.rov = each('rov', oneOf(ROV_STATES), `not an RPKI state (one of ${ROV_STATES.join(', ')})`);
    const ignoreValid = e.get('ignore-rpki-valid');
    if (ignoreValid) {
      const v = check.field(ignoreValid.value, { type: 'boolean' }, `${where}.ignore-rpki-valid`);
      if (v !== undefined) rule.ignoreRpkiValid = v as boolean;
    }
    const ch = e.get('channels');
    if (!ch) check.report(map, `${where}: "channels" is required (names from the channels section)`);
    else {
      for (const it of check.list(ch.value, `${where}.channels`) ?? []) {
        const n = String(it.value);
        if (channelsGiven && !channelNames.has(n)) check.report(it.node, `${where}: unknown channel "${n}" (defined: ${[...channelNames].join(', ') || 'none'})`);
        else rule.channels.push(n);
      }
    }
    out.push(rule);
  });
  return out;
}

/** A human summary of a loaded config, for `portolan alerts check`. */
export function describeConfig(config: AlertsConfig): string {
  const lines = [
    `${config.source}: ${config.channels.length} channel(s), ${config.rules.length} rule(s)`,
    `grouping window ${config.groupingWindowSeconds}s, quiet period ${config.quietPeriodSeconds}s, dashboard ${config.dashboardUrl ?? '(default)'}, dead letter ${config.deadLetter ?? '(default)'}`,
    'channels:',
  ];
  for (const c of config.channels) {
    const rl = c.rateLimit ? `, at most ${c.rateLimit.max} per ${c.rateLimit.periodSeconds}s` : '';
    lines.push(`  ${c.name} (${c.type}${rl}, ${c.retry.attempts} attempts)`);
  }
  lines.push('rules:');
  for (const r of config.rules) {
    const crit: string[] = [];
    if (r.prefixes.length) crit.push(`prefixes ${r.prefixes.map(formatPrefix).join(' ')} (and more-specifics)`);
    if (r.originAsns.length) crit.push(`origin ${r.originAsns.map((a) => `AS${a}`).join(' ')}`);
    if (r.rirs.length) crit.push(`registered with ${r.rirs.join(' ')}`);
    if (r.usageRegions.length) crit.push(`used in ${r.usageRegions.join(' ')} region`);
    if (r.countries.length) crit.push(`country ${r.countries.join(' ')}`);
    if (r.kinds.length) crit.push(`kinds ${r.kinds.join(' ')}`);
    if (r.minSeverity) crit.push(`severity ≥ ${r.minSeverity}`);
    if (r.minAddresses) crit.push(`≥ ${r.minAddresses} addresses`);
    if (r.rov.length) crit.push(`RPKI ${r.rov.join(' ')}`);
    if (r.ignoreRpkiValid) crit.push('not RPKI-valid');
    if (r.kind === 'registry-change') {
      if (r.changeKinds.length) crit.push(`changes ${r.changeKinds.join(' ')}`);
      if (r.holders.length) crit.push(`holders ${r.holders.join(' ')}`);
      if (r.routed !== null) crit.push(r.routed ? 'routed space' : 'unrouted space');
      if (r.transfer) crit.push(`${r.transfer} transfers`);
      lines.push(`  ${r.name} (registry changes): ${crit.join('; ') || 'every registry change'}`);
      lines.push(`    → ${r.channels.join(', ')}`);
      continue;
    }
    lines.push(`  ${r.name}: ${crit.join('; ') || 'every finding'}`);
    lines.push(`    events ${r.events.join(', ')} → ${r.channels.join(', ')}`);
  }
  return lines.join('\n');
}
