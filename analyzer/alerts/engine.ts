import { parsePrefix, type Prefix } from '../../common/ip.js';
import type { Finding } from '../models/finding.js';
import type { LifecycleEvent } from '../models/lifecycle.js';
import { buildAlert, dashboardLink, type Alert, type AlertItem } from './alert.js';
import { DueQueue } from './due-queue.js';
import { ruleMatchesEvent, ruleMatchesFinding } from './match.js';
import type { RuleConfig } from './rules.js';
import type { AsNameLookup } from '../models/asnames.js';
import type { RoutedChange } from '../models/change-routing.js';
import { registryChangeAlerts } from './registry-change.js';

export interface EngineSettings {
  groupingWindowSeconds: number;
  quietPeriodSeconds: number;
  dashboardUrl: string | null;
  /** AS names put into each alert (text and fields); none: numbers only. */
  asNames?: AsNameLookup | null;
}

/** What one rule has told operators about one (prefix, origin) pair. */
interface PairState {
  rule: string;
  active: boolean;
  startedAt: number;
  /** Event time of the pair's last start or end (0 in a snapshot from before it was kept). */
  changedAt: number;
  start: Finding | null;
  /** The current start was announced (so its end will be). */
  startAlerted: boolean;
  /** Event time of the last alert for this pair; the quiet period runs from it. */
  lastAlertAt: number | null;
  /** Starts held back by the quiet period since the last alert. */
  flaps: number;
  /** The start's item while its group is still open, so an end within the window can fold into it. */
  pendingStart: { group: string; item: AlertItem } | null;
}

/** Items waiting to become one alert: same rule, event type (and reason) and origin AS. */
interface Group {
  rule: string;
  event: LifecycleEvent['type'];
  reason?: 'restored' | 'withdrawn';
  firstTime: number;
  openedAtMs: number;
  items: Map<string, AlertItem>;
}

export interface EngineCounters {
  events: number;
  /** Events some rule wanted. */
  matched: number;
  alerts: number;
  /** Repeated events (a start for an active pair, an end for an ended one, the same item twice in a group). */
  deduped: number;
  /** Starts held back by the quiet period. */
  quieted: number;
  /** Starts announced late because a pair was mismatched again when its quiet period ended. */
  catchUps: number;
}

const SWEEP_EVERY_SECONDS = 300;
/**
 * After a restore, events older than the saved clock by more than this were seen before the
 * restart (a replay that starts its file again): skipped, as repeats. Within it, events may be
 * late arrivals of a live feed (collectors' clocks and queues differ by seconds), so they count.
 */
const RESTORED_SKEW_SECONDS = 60;

/** A pair as a snapshot keeps it: an open group's start item is named by its group and item key. */
type SavedPair = Omit<PairState, 'pendingStart'> & { pendingStart?: { group: string; item: string } };

/** An open group as a snapshot keeps it. */
interface SavedGroup {
  rule: string;
  event: LifecycleEvent['type'];
  reason?: 'restored' | 'withdrawn';
  firstTime: number;
  openedAtMs: number;
  items: AlertItem[];
}

/**
 * What the engine knows that must outlive a restart: the pairs (active, or ended within their
 * quiet period), the origin-change quiet periods, and (version 2) what has not gone out yet:
 * the open groups and the pairs waiting for a catch-up. Without it a restarted `run` would
 * announce every active finding again, could not tell how long a restored one lasted, and would
 * lose the alerts a crash caught inside their grouping window.
 */
export interface EngineSnapshot {
  version: 1 | 2;
  clock: number;
  pairs: Array<[string, SavedPair]>;
  originAlerts: Array<[string, number]>;
  /** Version 2. */
  groups?: Array<[string, SavedGroup]>;
  /** Version 2: pairs whose held-back start is announced when their quiet period ends. */
  catchUps?: string[];
}

/**
 * Turns lifecycle events into alerts: rules matching, dedupe, grouping within a window, a quiet
 * period per (rule, prefix, origin) against flapping, and restores paired with their start.
 * Time is the events' own time (so a replay of an old file behaves like the live feed); a group
 * also closes after the window has passed on the wall clock, so a quiet feed does not hold it.
 */
export class AlertEngine {
  private rules: RuleConfig[] = [];
  private settings: EngineSettings;
  private readonly pairs = new Map<string, PairState>();
  private readonly originAlerts = new Map<string, number>();
  private readonly groups = new Map<string, Group>();
  /** Pairs whose start was held back while they had been reported restored. */
  private readonly pendingCatchUp = new Set<string>();
  private readonly catchUpQueue = new DueQueue();
  private clock = 0;
  /** Earliest event time at which a group closes or a catch-up is due (so most events skip the scan). */
  private nextDue = Infinity;
  private parsed: Prefix | null | undefined;
  private lastSweep = 0;
  /** Events before this time (set by restore) are repeats of what the saved state already holds. */
  private seenBefore = -Infinity;
  /** The restored snapshot's clock: the latest event time seen, kept while the replayed minute moves the clock up to it again. */
  private restoredClock = -Infinity;
  readonly counters: EngineCounters = { events: 0, matched: 0, alerts: 0, deduped: 0, quieted: 0, catchUps: 0 };

  constructor(rules: RuleConfig[], settings: EngineSettings) {
    this.settings = settings;
    this.configure(rules, settings);
  }

  /** New rules (hot reload). State of rules that keep their name survives; pending groups keep their rule. */
  configure(rules: RuleConfig[], settings: EngineSettings): void {
    this.rules = rules;
    this.settings = settings;
    const names = new Set(rules.map((r) => r.name));
    for (const [key, st] of this.pairs) if (!names.has(st.rule)) this.pairs.delete(key);
  }

  handle(events: LifecycleEvent[], nowMs = Date.now()): Alert[] {
    const out: Alert[] = [];
    for (const event of events) {
      this.counters.events++;
      if (event.time < this.seenBefore) {
        this.counters.deduped++;
        continue;
      }
      if (event.time > this.clock) {
        this.clock = event.time;
        if (this.clock >= this.nextDue) out.push(...this.closeDue(nowMs));
      }
      // Parsed once per event for every rule with prefixes.
      this.parsed = undefined;
      let matched = false;
      for (const rule of this.rules) {
        if (rule.kind === 'registry-change') continue;
        // Starts and ends both go to every rule that wants either, so pairs stay in step.
        const pairEvent = event.type !== 'origin-changed';
        const wanted = pairEvent ? rule.events.includes('finding-started') || rule.events.includes('finding-ended') : rule.events.includes(event.type);
        if (!wanted) continue;
        if (event.type === 'finding-started') matched = this.onStart(rule, event) || matched;
        else if (event.type === 'finding-ended') matched = this.onEnd(rule, event) || matched;
        else matched = this.onOriginChange(rule, event) || matched;
      }
      if (matched) this.counters.matched++;
    }
    if (this.clock >= this.nextDue) out.push(...this.closeDue(nowMs));
    return out;
  }

  /**
   * The change events of one registry diff: one alert per registry-change rule they match, at
   * once (a diff comes once a day: no grouping window or quiet period applies).
   */
  handleRegistryChanges(changes: readonly RoutedChange[]): Alert[] {
    this.counters.events += changes.length;
    const out = registryChangeAlerts(this.rules, changes, { dashboardUrl: this.settings.dashboardUrl, asNames: this.settings.asNames });
    for (const o of out) this.counters.matched += o.matched;
    this.counters.alerts += out.length;
    return out.map((o) => o.alert);
  }

  /** Closes groups whose window has passed and announces due catch-ups. */
  expire(nowMs = Date.now()): Alert[] {
    return this.closeDue(nowMs);
  }

  /** Closes every open group now (keeps quiet-period state). */
  flush(): Alert[] {
    const out = [...this.groups.keys()].map((key) => this.close(key));
    this.groups.clear();
    return out;
  }

  /** At shutdown: announce pairs that came back during their quiet period, then flush. */
  finish(): Alert[] {
    for (const key of [...this.pendingCatchUp]) this.catchUp(key);
    return this.flush();
  }

  pending(): number {
    return this.groups.size;
  }

  /**
   * The state to restore after a restart, complete at any moment: the state file is written as
   * it changes, so a `kill -9` loses at most the changes since the last write (not the alerts
   * waiting in their grouping window, nor the starts waiting for a catch-up).
   */
  snapshot(): EngineSnapshot {
    const pairs: Array<[string, SavedPair]> = [];
    for (const [key, st] of this.pairs) {
      const { pendingStart, ...saved } = st;
      const open = pendingStart && this.groups.get(pendingStart.group)?.items.has(itemKey(pendingStart.item));
      pairs.push([key, open ? { ...saved, pendingStart: { group: pendingStart.group, item: itemKey(pendingStart.item) } } : saved]);
    }
    const groups: Array<[string, SavedGroup]> = [...this.groups].map(([key, g]) => [key, { rule: g.rule, event: g.event, ...(g.reason ? { reason: g.reason } : {}), firstTime: g.firstTime, openedAtMs: g.openedAtMs, items: [...g.items.values()] }]);
    return { version: 2, clock: Math.max(this.clock, this.restoredClock), pairs, originAlerts: [...this.originAlerts], groups, catchUps: [...this.pendingCatchUp] };
  }

  /**
   * Takes back a snapshot's pairs, open groups and catch-ups (of rules that still exist) and
   * quiet periods. A restored group keeps its opening time, so it closes when it would have.
   */
  restore(snapshot: EngineSnapshot): void {
    if (snapshot.version !== 1 && snapshot.version !== 2) throw new Error(`alert state version ${String(snapshot.version)} is not supported`);
    const names = new Set(this.rules.map((r) => r.name));
    const window = this.settings.groupingWindowSeconds;
    for (const [key, g] of snapshot.groups ?? []) {
      if (!names.has(g.rule)) continue;
      this.groups.set(key, { rule: g.rule, event: g.event, ...(g.reason ? { reason: g.reason } : {}), firstTime: g.firstTime, openedAtMs: g.openedAtMs, items: new Map(g.items.map((item) => [itemKey(item), item])) });
      this.nextDue = Math.min(this.nextDue, g.firstTime + window);
    }
    for (const [key, saved] of snapshot.pairs) {
      if (!names.has(saved.rule)) continue;
      const { pendingStart: link, ...rest } = saved;
      // The start item is the very object in its restored group, so an end can still fold into it.
      const item = link ? this.groups.get(link.group)?.items.get(link.item) : undefined;
      this.pairs.set(key, { ...rest, changedAt: rest.changedAt ?? 0, pendingStart: link && item ? { group: link.group, item } : null });
    }
    for (const [key, time] of snapshot.originAlerts) this.originAlerts.set(key, time);
    // The clock restarts where the events that still count begin: the minute before the saved
    // clock is replayed as the run saw it, so a catch-up falls due at the same event as before
    // the kill (not at once, before a replayed end that had cancelled it).
    this.seenBefore = snapshot.clock - RESTORED_SKEW_SECONDS;
    this.restoredClock = Math.max(this.restoredClock, snapshot.clock);
    this.clock = Math.max(this.clock, this.seenBefore);
    this.lastSweep = this.clock;
    const quiet = this.settings.quietPeriodSeconds;
    for (const key of snapshot.catchUps ?? []) {
      const st = this.pairs.get(key);
      if (!st || !st.active || st.startAlerted || st.lastAlertAt === null || this.pendingCatchUp.has(key)) continue;
      this.pendingCatchUp.add(key);
      this.catchUpQueue.push(st.lastAlertAt + quiet, key);
      this.nextDue = Math.min(this.nextDue, st.lastAlertAt + quiet);
    }
  }

  private onStart(rule: RuleConfig, event: Extract<LifecycleEvent, { type: 'finding-started' }>): boolean {
    if (!ruleMatchesFinding(rule, event.finding, [], this.prefixOf(rule, event.finding))) return false;
    const key = pairKey(rule.name, event.finding);
    let st = this.pairs.get(key);
    if (st?.active || (st && this.replayedBefore(st, event.time))) {
      this.counters.deduped++;
      return true;
    }
    st ??= { rule: rule.name, active: false, startedAt: 0, changedAt: 0, start: null, startAlerted: false, lastAlertAt: null, flaps: 0, pendingStart: null };
    this.pairs.set(key, st);
    st.active = true;
    st.startedAt = st.changedAt = event.time;
    st.start = event.finding;
    if (!rule.events.includes('finding-started')) {
      // The rule only wants ends: remember the start silently so the end can say how long it lasted.
      st.startAlerted = true;
      return true;
    }
    if (st.lastAlertAt !== null && event.time - st.lastAlertAt < this.settings.quietPeriodSeconds) {
      st.startAlerted = false;
      st.flaps++;
      this.counters.quieted++;
      if (!this.pendingCatchUp.has(key)) {
        this.pendingCatchUp.add(key);
        this.catchUpQueue.push(st.lastAlertAt + this.settings.quietPeriodSeconds, key);
      }
      this.nextDue = Math.min(this.nextDue, st.lastAlertAt + this.settings.quietPeriodSeconds);
      return true;
    }
    this.announceStart(rule.name, st, event.time, event.finding, false);
    return true;
  }

  private onEnd(rule: RuleConfig, event: Extract<LifecycleEvent, { type: 'finding-ended' }>): boolean {
    const key = pairKey(rule.name, event.finding);
    const st = this.pairs.get(key);
    if (st && (!st.active || this.replayedBefore(st, event.time))) {
      // An end for a pair that is not active: a repeat, unless this rule has never seen the start.
      if (st.start) this.counters.deduped++;
      return st.start !== null;
    }
    if (!st) {
      // The start happened before we were running: report the end when the finding itself matches.
      if (!ruleMatchesEvent(rule, event, this.prefixOf(rule, event.finding))) return false;
      this.add(rule.name, event, this.item(event.finding), event.time);
      this.pairs.set(key, { rule: rule.name, active: false, startedAt: 0, changedAt: event.time, start: null, startAlerted: false, lastAlertAt: event.time, flaps: 0, pendingStart: null });
      return true;
    }
    st.active = false;
    st.changedAt = event.time;
    this.pendingCatchUp.delete(key);
    if (!st.startAlerted) return true; // its start was held back by the quiet period: so is its end
    st.startAlerted = false;
    if (!rule.events.includes('finding-ended')) return true;
    const start = st.start!;
    const pending = st.pendingStart;
    st.pendingStart = null;
    if (pending && this.groups.get(pending.group)?.items.has(itemKey(pending.item))) {
      // The start has not gone out yet: one alert says both ("… withdrawn after 10 s"), in order.
      Object.assign(pending.item, { endedAt: event.time, endReason: event.reason, durationSeconds: Math.max(0, event.time - st.startedAt) });
      st.lastAlertAt = event.time;
      return true;
    }
    const item: AlertItem = {
      ...this.item(start),
      why: event.finding.why || start.why,
      startWhy: start.why,
      startedAt: st.startedAt,
      durationSeconds: Math.max(0, event.time - st.startedAt),
      ...(st.flaps ? { flaps: st.flaps } : {}),
    };
    st.flaps = 0;
    st.lastAlertAt = event.time;
    this.add(rule.name, event, item, event.time);
    return true;
  }

  private onOriginChange(rule: RuleConfig, event: Extract<LifecycleEvent, { type: 'origin-changed' }>): boolean {
    if (!ruleMatchesEvent(rule, event, this.prefixOf(rule, event.finding))) return false;
    const key = pairKey(rule.name, event.finding);
    const last = this.originAlerts.get(key);
    if (last !== undefined && event.time - last < this.settings.quietPeriodSeconds) {
      this.counters.quieted++;
      return true;
    }
    this.originAlerts.set(key, event.time);
    this.add(rule.name, event, { ...this.item(event.finding), previousOriginAsns: event.previousOriginAsns }, event.time);
    return true;
  }

  /**
   * In the minute replayed after a restore, an event older than the pair's last change was seen
   * before the kill: the saved pair already holds it (an end of an earlier start must not end,
   * or fold into, the start that came after it).
   */
  private replayedBefore(st: PairState, time: number): boolean {
    return time <= this.restoredClock && time < st.changedAt;
  }

  private announceStart(ruleName: string, st: PairState, time: number, finding: Finding, catchUp: boolean): void {
    const item: AlertItem = { ...this.item(finding), ...(st.flaps ? { flaps: st.flaps } : {}), ...(catchUp ? { catchUp: true } : {}) };
    st.flaps = 0;
    st.startAlerted = true;
    st.lastAlertAt = time;
    item.startedAt = time;
    st.pendingStart = { group: this.add(ruleName, { type: 'finding-started', time, finding }, item, time), item };
  }

  private catchUp(key: string): void {
    this.pendingCatchUp.delete(key);
    const st = this.pairs.get(key);
    if (!st || !st.active || st.startAlerted || !st.start) return;
    this.counters.catchUps++;
    this.announceStart(st.rule, st, Math.max(this.clock, st.startedAt), st.start, true);
  }

  private item(f: Finding): AlertItem {
    return {
      prefix: f.prefix,
      originAsns: f.originAsns.length ? f.originAsns : f.originAsn !== null ? [f.originAsn] : [],
      kinds: f.kinds,
      severity: f.severity,
      prefixRir: f.prefixRir,
      registeredCc: f.registeredCc,
      usageRegion: f.usageRegion,
      mainCountry: f.mainCountry,
      shareAbroad: f.shareAbroad,
      addresses: f.addresses,
      ...(f.rov ? { rov: f.rov, rpkiTas: f.rpkiTas ?? [] } : {}),
      why: f.why,
      link: dashboardLink(this.settings.dashboardUrl, f.prefix),
    };
  }

  /** Adds an item to its group (opening it) and returns the group's key. */
  private add(rule: string, event: LifecycleEvent, item: AlertItem, time: number): string {
    const reason = event.type === 'finding-ended' ? event.reason : undefined;
    const key = [rule, event.type, reason ?? '', event.finding.originAsn ?? 'none'].join('\0');
    let group = this.groups.get(key);
    if (!group) {
      group = { rule, event: event.type, ...(reason ? { reason } : {}), firstTime: time, openedAtMs: Date.now(), items: new Map() };
      this.groups.set(key, group);
      this.nextDue = Math.min(this.nextDue, time + this.settings.groupingWindowSeconds);
    }
    const k = itemKey(item);
    if (group.items.has(k)) this.counters.deduped++;
    else group.items.set(k, item);
    return key;
  }

  private closeDue(nowMs: number): Alert[] {
    const window = this.settings.groupingWindowSeconds;
    const quiet = this.settings.quietPeriodSeconds;
    let next = Infinity;
    // Entries whose pair ended (or was caught up) since are skipped; lastAlertAt only moves on an alert.
    while (this.catchUpQueue.peekDue() <= this.clock) {
      const { key } = this.catchUpQueue.pop()!;
      if (!this.pendingCatchUp.has(key)) continue;
      const st = this.pairs.get(key);
      if (!st || st.lastAlertAt === null || this.clock - st.lastAlertAt >= quiet) this.catchUp(key);
      else this.catchUpQueue.push(st.lastAlertAt + quiet, key);
    }
    next = this.catchUpQueue.peekDue();
    const out: Alert[] = [];
    for (const [key, group] of this.groups) {
      if (this.clock >= group.firstTime + window || nowMs >= group.openedAtMs + window * 1000) {
        out.push(this.close(key));
        this.groups.delete(key);
      } else next = Math.min(next, group.firstTime + window);
    }
    if (this.clock - this.lastSweep >= SWEEP_EVERY_SECONDS) this.sweep();
    this.nextDue = Math.min(next, this.lastSweep + SWEEP_EVERY_SECONDS);
    return out;
  }

  private prefixOf(rule: RuleConfig, f: Finding): Prefix | null | undefined {
    if (!rule.prefixes.length) return undefined;
    if (this.parsed === undefined) this.parsed = parsePrefix(f.prefix);
    return this.parsed;
  }

  private close(key: string): Alert {
    const group = this.groups.get(key)!;
    this.counters.alerts++;
    return buildAlert({
      rule: group.rule,
      event: group.event,
      ...(group.reason ? { reason: group.reason } : {}),
      time: group.firstTime,
      items: [...group.items.values()],
      dashboardUrl: this.settings.dashboardUrl,
      asNames: this.settings.asNames,
    });
  }

  /** Forgets ended pairs whose quiet period is over, so memory follows the active findings. */
  private sweep(): void {
    this.lastSweep = this.clock;
    const quiet = this.settings.quietPeriodSeconds;
    for (const [key, st] of this.pairs) {
      if (!st.active && st.flaps === 0 && (st.lastAlertAt === null || this.clock - st.lastAlertAt >= quiet)) this.pairs.delete(key);
    }
    for (const [key, last] of this.originAlerts) if (this.clock - last >= quiet) this.originAlerts.delete(key);
  }
}

/** A start or end is one item per pair and start time (a pair may start twice in one window); an origin change, one per pair. */
const itemKey = (item: AlertItem): string => `${item.prefix}|${item.originAsns.join(',')}|${item.startedAt ?? ''}`;

const pairKey = (rule: string, f: Finding): string => `${rule}\0${f.prefix}\0${f.originAsn ?? f.originAsns.join(',')}`;
