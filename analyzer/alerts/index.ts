import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../common/atomic-file.js';
import { log } from '../../common/log.js';
import type { LifecycleEvent } from '../models/lifecycle.js';
import type { RoutedChange } from '../models/change-routing.js';
import { buildAlert, type Alert } from './alert.js';
import { CHANNEL_PLUGINS, type AlertChannel } from './channels/registry.js';
import { appendDeadLetter, DeliveryQueue, type QueueStats } from './delivery.js';
import { AlertEngine, type EngineCounters, type EngineSettings, type EngineSnapshot } from './engine.js';
import { RateLimiter } from './rate-limit.js';
import { watchRules, type RulesWatcher } from './reload.js';
import { parseAlertsConfig, type AlertsConfig, type ChannelConfig } from './rules.js';
import { DEFAULT_DEAD_LETTER, DEFAULT_HOST, DEFAULT_PORT, httpLink } from '../../common/defaults.js';
import type { AsNameLookup } from '../models/asnames.js';

export const DEFAULT_DASHBOARD_URL = httpLink(DEFAULT_HOST, DEFAULT_PORT);
export { DEFAULT_DEAD_LETTER }; // one default, in common/defaults.ts (the CLI flags read it without loading alerting)

export interface AlertingOptions {
  /** alerts.yml; watched and reloaded on change unless `watch: false`. */
  file?: string;
  /** An already parsed config instead of a file. */
  config?: AlertsConfig;
  /** Base URL of the dashboard for links; overrides the file's `dashboard-url`. */
  dashboardUrl?: string;
  /** AS names for the alerts' text and fields (`--as-names` / asn.txt in the cache). */
  asNames?: AsNameLookup | null;
  /** Overrides the file's `dead-letter`. */
  deadLetterPath?: string;
  watch?: boolean;
  pollMs?: number;
  debounceMs?: number;
  /** How often open groups and rate-limit summaries are checked against the wall clock. */
  tickMs?: number;
  /** Clock of the rate limits (ms). */
  now?: () => number;
  /**
   * File of the engine's pairs, quiet periods, open groups and catch-ups, and of the alerts
   * handed to a channel but not yet delivered or dead-lettered (the outbox): read at start when
   * present, written as they change (at most once per `saveIntervalMs`) and at close, each time
   * atomically (temp file, fsync, rename), so a restart, even after `kill -9`, neither
   * re-announces active findings nor loses how long they lasted, nor loses an alert held in its
   * grouping window or waiting for delivery. Outbox alerts are sent again after a restart (with
   * their ids): one delivered in the last `saveIntervalMs` before a crash may arrive twice.
   */
  statePath?: string;
  /** Least time between two writes of `statePath`; default 1000 ms. */
  saveIntervalMs?: number;
}

export interface ChannelStats extends QueueStats {
  type: string;
  queued: number;
  /** Alerts held back by the rate limit and not yet summarised in a sent alert. */
  held: number;
}

export interface AlertingStats extends EngineCounters {
  rateLimited: number;
  reloads: number;
  reloadErrors: number;
  channels: Record<string, ChannelStats>;
}

export interface Alerting {
  /** Feeds lifecycle events; alerts go out in the background. */
  handle(events: LifecycleEvent[]): void;
  /** Feeds one registry diff's change events (rules of kind registry-change); alerts go out in the background. */
  handleRegistryChanges(changes: readonly RoutedChange[]): void;
  /** Closes open groups and waits until every alert so far is delivered or dead-lettered. */
  flush(): Promise<void>;
  /** Flushes (announcing pending catch-ups and rate-limit summaries) and closes the channels. */
  close(): Promise<void>;
  stats(): AlertingStats;
  /** Re-reads the file now; true when new rules were applied. */
  reload(): Promise<boolean>;
  config(): AlertsConfig;
}

interface LiveChannel {
  config: ChannelConfig;
  key: string;
  channel: AlertChannel;
  queue: DeliveryQueue;
  limiter: RateLimiter;
}

/** Builds a channel from its config through the plug-in registry. */
export function createChannel(config: ChannelConfig): AlertChannel {
  const plugin = CHANNEL_PLUGINS.get(config.type);
  if (!plugin) throw new Error(`channel "${config.name}": unknown type "${config.type}"`);
  return plugin.create(config.name, config.options);
}

/** The alerting part of `portolan run`: rules → engine → rate limits → delivery queues. */
export function createAlerting(opts: AlertingOptions): Alerting {
  const text = opts.file ? readFileSync(opts.file, 'utf8') : '';
  let config = opts.config ?? (opts.file ? parseAlertsConfig(text, opts.file) : undefined);
  if (!config) throw new Error('createAlerting needs a file or a config');
  const now = opts.now ?? Date.now;
  const settingsOf = (c: AlertsConfig): EngineSettings => ({
    groupingWindowSeconds: c.groupingWindowSeconds,
    quietPeriodSeconds: c.quietPeriodSeconds,
    dashboardUrl: opts.dashboardUrl ?? c.dashboardUrl ?? DEFAULT_DASHBOARD_URL,
    asNames: opts.asNames ?? null,
  });
  const deadLetterPath = (c: AlertsConfig): string => opts.deadLetterPath ?? c.deadLetter ?? DEFAULT_DEAD_LETTER;

  const engine = new AlertEngine(config.rules, settingsOf(config));
  const outboxRestored = opts.statePath ? restoreEngine(engine, opts.statePath) : [];
  /** Alerts handed to a channel's queue and not yet delivered or dead-lettered, by a sequence number. */
  const outbox = new Map<number, OutboxEntry>();
  let outboxSeq = 0;
  const saver = opts.statePath ? new StateSaver(opts.statePath, () => JSON.stringify({ ...engine.snapshot(), outbox: [...outbox.values()] } satisfies SavedState), opts.saveIntervalMs ?? 1000) : undefined;
  /** Whether the engine's pairs or quiet periods may have changed since the last look. */
  let seen = '';
  const noteChanges = () => {
    if (!saver) return;
    const c = engine.counters;
    const now = `${c.matched} ${c.alerts} ${c.catchUps}`;
    if (now !== seen) {
      seen = now;
      saver.mark();
    }
  };
  let channels = new Map<string, LiveChannel>();
  const retired: LiveChannel[] = [];
  let rateLimited = 0;
  let reloads = 0;
  let reloadErrors = 0;
  /** Rule → channels, remembered past a reload so alerts of a removed rule still go somewhere. */
  const ruleChannels = new Map<string, string[]>();

  const build = (c: AlertsConfig): Map<string, LiveChannel> => {
    const next = new Map<string, LiveChannel>();
    for (const cc of c.channels) {
      const key = JSON.stringify([cc.type, cc.options, cc.rateLimit, cc.retry]);
      const old = channels.get(cc.name);
      if (old && old.key === key && deadLetterPath(c) === deadLetterPath(config!)) {
        next.set(cc.name, old);
        continue;
      }
      const channel = createChannel(cc);
      next.set(cc.name, { config: cc, key, channel, queue: new DeliveryQueue(channel, cc.retry, deadLetterPath(c)), limiter: new RateLimiter(cc.rateLimit, now) });
    }
    return next;
  };
  const apply = (c: AlertsConfig, next: Map<string, LiveChannel>) => {
    for (const [name, live] of channels) if (next.get(name) !== live) retired.push(live);
    channels = next;
    config = c;
    for (const r of c.rules) ruleChannels.set(r.name, r.channels);
    engine.configure(c.rules, settingsOf(c));
    saver?.mark(); // pairs of removed rules are gone
  };
  apply(config, build(config));

  const pendingWrites: Promise<void>[] = [];
  /** Into the channel's queue, and into the outbox until it is delivered or dead-lettered. */
  const send = (live: LiveChannel, name: string, alert: Alert) => {
    const seq = ++outboxSeq;
    outbox.set(seq, { channel: name, alert });
    saver?.mark();
    live.queue.enqueue(alert, () => {
      outbox.delete(seq);
      saver?.mark();
    });
  };
  const deadLetterUnrouted = (name: string, alert: Alert, error: string) =>
    pendingWrites.push(
      appendDeadLetter(deadLetterPath(config!), { failedAt: new Date().toISOString(), channel: name, channelType: 'unknown', error, attempts: 0, alert }).catch((err) =>
        log.fatal({ err, alert }, 'cannot write the dead-letter file'),
      ),
    );
  const dispatch = (alerts: Alert[]) => {
    for (const alert of alerts) {
      for (const name of ruleChannels.get(alert.rule) ?? []) {
        const live = channels.get(name);
        if (!live) {
          // The channel was removed by a reload while this alert was being grouped: keep it for replay.
          deadLetterUnrouted(name, alert, 'channel no longer configured');
          continue;
        }
        const admitted = live.limiter.admit(alert);
        if (admitted) send(live, name, admitted);
        else {
          rateLimited++;
          log.info({ channel: name, alert: alert.id, title: alert.title }, 'alert held back by the channel rate limit; summarised in the next one');
        }
      }
    }
  };
  const sendSummaries = (force: boolean) => {
    for (const live of channels.values()) {
      const summary = live.limiter.takeSummary(force);
      if (!summary) continue;
      const alert = buildAlert({
        rule: '(rate limit)',
        event: 'rate-limit-summary',
        time: Math.floor(now() / 1000),
        items: [],
        dashboardUrl: settingsOf(config!).dashboardUrl,
        title: `${summary.count} alert(s) held back by the rate limit of channel ${live.config.name}`,
        severity: 'info',
      });
      send(live, live.config.name, { ...alert, suppressed: summary });
    }
  };
  // What a crash left undelivered goes out first (it was admitted by the rate limit then).
  for (const { channel, alert } of outboxRestored) {
    const live = channels.get(channel);
    if (live) send(live, channel, alert);
    else deadLetterUnrouted(channel, alert, 'channel no longer configured after a restart');
  }
  if (outboxRestored.length) log.info({ alerts: outboxRestored.length }, 'undelivered alerts from the alert state sent again');
  const idle = async () => {
    await Promise.all([...channels.values(), ...retired].map((l) => l.queue.idle()));
    await Promise.all(pendingWrites.splice(0));
  };

  const tick = setInterval(() => {
    dispatch(engine.expire(Date.now()));
    noteChanges();
    sendSummaries(false);
  }, opts.tickMs ?? 1000);
  tick.unref();

  let watcher: RulesWatcher | undefined;
  if (opts.file && opts.watch !== false) {
    watcher = watchRules(opts.file, text, {
      debounceMs: opts.debounceMs,
      pollMs: opts.pollMs,
      onRules(next) {
        // Channels are built before anything changes: a channel that cannot be built rejects the reload.
        apply(next, build(next));
        reloads++;
      },
      onError() {
        reloadErrors++;
      },
    });
  }
  // Retired channels close once their queue is empty.
  const closeRetired = async () => {
    for (const live of retired.splice(0)) {
      await live.queue.idle();
      if (![...channels.values()].includes(live)) await live.channel.close?.();
    }
  };

  return {
    handle(events) {
      dispatch(engine.handle(events, Date.now()));
      noteChanges();
    },
    handleRegistryChanges(changes) {
      dispatch(engine.handleRegistryChanges(changes));
    },
    async flush() {
      dispatch(engine.flush());
      noteChanges();
      sendSummaries(false);
      await idle();
      await closeRetired();
    },
    async close() {
      watcher?.close();
      clearInterval(tick);
      dispatch(engine.finish());
      sendSummaries(true);
      await idle();
      await closeRetired();
      // Last: the outbox is empty now (a file written before would send its alerts again).
      await saver?.close();
      for (const live of channels.values()) await live.channel.close?.();
    },
    stats() {
      const perChannel: Record<string, ChannelStats> = {};
      for (const [name, live] of channels) perChannel[name] = { type: live.config.type, ...live.queue.stats, queued: live.queue.queued(), held: live.limiter.heldCount() };
      return { ...engine.counters, rateLimited, reloads, reloadErrors, channels: perChannel };
    },
    async reload() {
      if (!watcher) return false;
      return watcher.check();
    },
    config: () => config!,
  };
}

/** An alert on its way to a channel. */
interface OutboxEntry {
  channel: string;
  alert: Alert;
}

/** The state file: the engine's snapshot and the outbox. */
type SavedState = EngineSnapshot & { outbox?: OutboxEntry[] };

/** Restores the engine from the state file and returns its outbox (empty when there is none). */
function restoreEngine(engine: AlertEngine, path: string): OutboxEntry[] {
  if (!existsSync(path)) return [];
  try {
    const saved = JSON.parse(readFileSync(path, 'utf8')) as SavedState;
    engine.restore(saved);
    const outbox = Array.isArray(saved.outbox) ? saved.outbox.filter((e) => typeof e?.channel === 'string' && typeof e.alert === 'object' && e.alert !== null) : [];
    log.info({ file: path, pairs: saved.pairs.length, groups: saved.groups?.length ?? 0, outbox: outbox.length }, 'alert state restored');
    return outbox;
  } catch (err) {
    // A damaged file costs repeated alerts, not the run: start without it.
    log.warn({ file: path, err: (err as Error).message }, 'alert state not readable; starting without it');
    return [];
  }
}

/**
 * Writes the engine's state as it changes: `mark()` asks for a write, which happens at most once
 * per interval (the first at once); writes never overlap, and one whose text equals the last
 * written is skipped. Each write is atomic: a `kill -9` leaves the previous file or the new one.
 */
class StateSaver {
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private lastAt = 0;
  private lastText: string | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly path: string,
    private readonly take: () => string,
    private readonly intervalMs: number,
  ) {}

  mark(): void {
    this.dirty = true;
    if (this.timer) return;
    const wait = Math.max(0, this.lastAt + this.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.save();
    }, wait);
    this.timer.unref();
  }

  private save(): Promise<void> {
    this.writing = this.writing.then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      this.lastAt = Date.now();
      const text = this.take();
      if (text === this.lastText) return;
      try {
        await writeFileAtomic(this.path, text);
        this.lastText = text;
      } catch (err) {
        log.error({ file: this.path, err: (err as Error).message }, 'alert state not saved');
      }
    });
    return this.writing;
  }

  /** The last write, now. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.dirty = true;
    await this.save();
  }
}

export { parseAlertsConfig, loadAlertsConfig, AlertsConfigError, describeConfig } from './rules.js';
export type { AlertsConfig, RuleConfig, ChannelConfig } from './rules.js';
export type { Alert, AlertItem } from './alert.js';
export type { AlertChannel } from './channels/registry.js';
