/**
 * The long-running RIS Live client: connects, subscribes, watches liveness and lag,
 * reconnects with capped, jittered exponential backoff, and hands ris_messages to the
 * consumer through a bounded queue. It never throws at the consumer for network trouble:
 * problems are logged, counted and retried.
 */
import WebSocket from 'ws';
import { log } from '../../common/log.js';
import type { SourceHooks } from '../models/peer-down.js';
import type { RouteEvent } from '../models/route-event.js';
import { newCounters, snapshotCounters, type RisLiveCounters } from './counters.js';
import { decodeRisMessage, peerDownOfRis, RAW_CHECK_EVERY } from './decode.js';
import { DEFAULT_RIS_LIVE_URL } from '../../common/defaults.js';
import type { RisMessageData, RisSubscription } from './protocol.js';
import { BoundedQueue } from './queue.js';

/** What the client does when the consumer falls behind (see `overflow`). */
export type OverflowMode = 'drop' | 'pause' | 'shed';
export const OVERFLOW_MODES: readonly OverflowMode[] = ['pause', 'drop', 'shed'];

export interface RisLiveClientOptions {
  url?: string;
  /** Default: one subscription to every collector, type UPDATE, with raw (peer states are added: withPeerStates). */
  subscriptions?: RisSubscription[];
  /** Messages held between socket and consumer. */
  queueCapacity?: number;
  /**
   * `drop` (live default): a full queue drops new messages (never a peer's state) and counts them, so the socket is
   * always read and RIS Live never cuts us off as a slow client. `pause`: stop reading the
   * socket instead (lossless; for replays, where the server waits for us). `shed`: as `drop`,
   * and `underPressure()` tells the consumer to skip work it can spare while the queue is over half full.
   */
  overflow?: OverflowMode;
  /** Reconnect when no frame at all (data or JSON pong) arrives for this long. */
  idleTimeoutMs?: number;
  /** JSON ping and WebSocket ping interval. */
  pingIntervalMs?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Fraction of each delay that is randomised (0..1), so many clients do not retry in step. */
  backoffJitter?: number;
  /** Delay between the ris_subscribe messages sent after each (re)connect. */
  subscribeSpacingMs?: number;
  /** Lag (now − message timestamp) above this many seconds is "high"; 0 disables the lag watch. */
  lagThresholdSec?: number;
  /** Reconnect when lag stays high this long (another RIS Live backend may be current). */
  lagGraceMs?: number;
  /** After a ris_error, reconnect unless a ris_message arrives within this time. */
  errorGraceMs?: number;
  connectTimeoutMs?: number;
  /** Decode `raw` when present, instead of the JSON projection. */
  useRaw?: boolean;
  /**
   * With `useRaw`: decode the JSON projection too and compare, for one message in this many
   * (1: every message). The others are decoded once, from `raw` alone.
   */
  checkEvery?: number;
  /** Called with the text of every ris_message frame received (the JSONL recorder). */
  onFrame?: (text: string) => void;
  /** Minimum time between two warnings of the same kind (drops, malformed frames). */
  warnIntervalMs?: number;
}

const DEFAULTS = {
  url: DEFAULT_RIS_LIVE_URL,
  queueCapacity: 20_000,
  overflow: 'drop' as OverflowMode,
  idleTimeoutMs: 60_000,
  pingIntervalMs: 15_000,
  backoffInitialMs: 1_000,
  backoffMaxMs: 60_000,
  backoffJitter: 0.3,
  subscribeSpacingMs: 250,
  lagThresholdSec: 300,
  lagGraceMs: 120_000,
  errorGraceMs: 5_000,
  connectTimeoutMs: 15_000,
  useRaw: true,
  checkEvery: RAW_CHECK_EVERY,
  warnIntervalMs: 10_000,
};

export const DEFAULT_SUBSCRIPTION: RisSubscription = { type: 'UPDATE', socketOptions: { includeRaw: true } };

/**
 * The subscriptions sent, in groups sent together: each given one, and after one that selects
 * UPDATEs only, the same collector's and peer's RIS_PEER_STATE (unless an earlier group asked
 * for it), so that a session going down reaches the consumer (its routes went with it) from the
 * moment its UPDATEs do. A prefix or path filter does not apply to a peer's state.
 */
export function withPeerStates(subs: RisSubscription[]): RisSubscription[][] {
  const states = new Set<string>();
  return subs.map((given) => {
    if (given.type !== 'UPDATE') return [given];
    const { host, peer } = given;
    const state: RisSubscription = { type: 'RIS_PEER_STATE', ...(host ? { host } : {}), ...(peer ? { peer } : {}) };
    const key = JSON.stringify(state);
    if (states.has(key)) return [given];
    states.add(key);
    return [given, state];
  });
}

/** Logs at most once per interval per kind, with how many occurrences it stands for. */
class RateLimitedWarn {
  private last = new Map<string, { at: number; suppressed: number }>();
  constructor(private readonly intervalMs: number) {}
  warn(kind: string, fields: Record<string, unknown>, message: string): void {
    const now = Date.now();
    const entry = this.last.get(kind);
    if (entry && now - entry.at < this.intervalMs) {
      entry.suppressed++;
      return;
    }
    log.warn({ ...fields, suppressedSinceLastWarning: entry?.suppressed ?? 0 }, message);
    this.last.set(kind, { at: now, suppressed: 0 });
  }
}

function isRisMessageData(d: unknown): d is RisMessageData {
  if (!d || typeof d !== 'object') return false;
  const o = d as Record<string, unknown>;
  return typeof o.timestamp === 'number' && typeof o.peer === 'string' && typeof o.type === 'string' && typeof o.host === 'string';
}

export class RisLiveClient {
  private readonly opts: typeof DEFAULTS & RisLiveClientOptions;
  private readonly counters: RisLiveCounters;
  private readonly queue: BoundedQueue<RisMessageData>;
  private readonly warner: RateLimitedWarn;
  private ws: WebSocket | undefined;
  private started = false;
  private stopped = false;
  private attempts = 0;
  private everTried = false;
  private timers = new Set<NodeJS.Timeout>();
  private watchdog: NodeJS.Timeout | undefined;
  private lastMessageAt = 0;
  private lastPingAt = 0;
  private lagHighSince = 0;
  private errorAt = 0;
  private sinceCheck = 0;
  private rrcListWaiters: Array<(list: string[]) => void> = [];

  constructor(options: RisLiveClientOptions = {}) {
    const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    this.opts = { ...DEFAULTS, ...defined };
    this.counters = newCounters(this.opts.queueCapacity, this.opts.lagThresholdSec);
    this.warner = new RateLimitedWarn(this.opts.warnIntervalMs);
    this.queue = new BoundedQueue<RisMessageData>(this.opts.queueCapacity, {
      lowMark: Math.floor(this.opts.queueCapacity / 4),
      onLow: () => {
        if (this.ws?.isPaused) this.ws.resume();
      },
    });
  }

  get overflow(): OverflowMode {
    return this.opts.overflow;
  }

  get url(): string {
    return this.opts.url;
  }

  /** Starts connecting (idempotent); `events()` and `messages()` call it. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.connect();
  }

  /** A snapshot of the counters. */
  stats(): RisLiveCounters {
    this.counters.queueLength = this.queue.length;
    this.counters.queueHighWater = this.queue.highWater;
    return snapshotCounters(this.counters);
  }

  /** True while the queue is over half full: a `shed` consumer skips the work it can spare. */
  underPressure(): boolean {
    return this.queue.length >= this.queue.capacity / 2;
  }

  /** The ris_message data objects, in arrival order. One consumer only. */
  async *messages(): AsyncGenerator<RisMessageData> {
    this.start();
    for await (const data of this.queue) {
      // Lag as the consumer sees it: what waits in the queue (or, paused, in the server) counts.
      const lag = Date.now() / 1000 - data.timestamp;
      this.counters.lagSeconds = lag > 0 ? lag : 0;
      yield data;
    }
  }

  /** Decoded RouteEvents, and peers going down through `hooks` (see SourceHooks). One consumer only (it shares the queue with `messages()`). */
  async *events(hooks: SourceHooks = {}): AsyncGenerator<RouteEvent> {
    for await (const data of this.messages()) {
      if (data.type === 'RIS_PEER_STATE') {
        const down = peerDownOfRis(data);
        if (!down) continue;
        this.counters.peerDowns++;
        await hooks.peerDown?.(down);
        continue;
      }
      const check = ++this.sinceCheck >= this.opts.checkEvery;
      if (check) this.sinceCheck = 0;
      const r = decodeRisMessage(data, { useRaw: this.opts.useRaw, check });
      if (check && r.source === 'raw') this.counters.rawChecked++;
      if (r.source === 'raw') this.counters.rawDecoded++;
      else if (r.source === 'json') this.counters.jsonDecoded++;
      if (r.rawFailed) {
        this.counters.rawErrors++;
        this.warner.warn('raw', { url: this.opts.url, id: data.id, rawErrors: this.counters.rawErrors }, 'RIS Live raw BGP message could not be decoded; used the JSON projection');
      }
      if (r.disagreement) {
        this.counters.disagreements++;
        this.warner.warn('disagree', { id: data.id, disagreements: this.counters.disagreements }, 'RIS Live raw BGP message and JSON projection disagree; used raw');
      }
      if (r.problems.length) {
        this.counters.decodeErrors++;
        this.warner.warn('decode', { id: data.id, host: data.host, problems: r.problems, decodeErrors: this.counters.decodeErrors }, 'RIS Live message partly undecodable; skipped the bad parts');
      }
      for (const e of r.events) {
        this.counters.elements++;
        yield e;
      }
    }
  }

  /** Asks for the list of collectors (ris_rrc_list); rejects after `timeoutMs`. */
  requestRrcList(timeoutMs = 10_000): Promise<string[]> {
    return new Promise((resolve, reject) => {
      if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return reject(new Error('RIS Live is not connected'));
      const timer = setTimeout(() => reject(new Error('no ris_rrc_list within ' + timeoutMs + ' ms')), timeoutMs);
      this.rrcListWaiters.push((list) => {
        clearTimeout(timer);
        resolve(list);
      });
      this.ws.send(JSON.stringify({ type: 'request_rrc_list' }));
    });
  }

  /** Stops for good: closes the socket, ends `events()` after what is queued. */
  async close(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.watchdog) clearInterval(this.watchdog);
    const ws = this.ws;
    this.ws = undefined;
    this.queue.close();
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          ws.terminate();
          resolve();
        }, 1_000);
        ws.once('close', () => {
          clearTimeout(t);
          resolve();
        });
        if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
        else ws.close(1000, 'client closing');
      });
    }
    this.counters.connected = false;
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private connect(): void {
    if (this.stopped) return;
    if (this.everTried) this.counters.reconnects++;
    this.everTried = true;
    let opened = false;
    const ws = new WebSocket(this.opts.url, { handshakeTimeout: this.opts.connectTimeoutMs });
    this.ws = ws;
    ws.on('open', () => {
      opened = true;
      this.counters.connects++;
      this.counters.connected = true;
      this.counters.lastFrameAt = Date.now();
      this.lagHighSince = 0;
      this.errorAt = 0;
      log.info({ url: this.opts.url, connects: this.counters.connects }, 'RIS Live connected');
      this.subscribe(ws);
      this.startWatchdog(ws);
    });
    ws.on('message', (data, isBinary) => {
      if (ws !== this.ws) return;
      this.onFrame(isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString(), ws);
    });
    ws.on('pong', () => this.counters.pongs++);
    ws.on('error', (err) => {
      this.counters.lastError = err.message;
      if (!opened) {
        this.counters.connectFailures++;
        log.warn({ url: this.opts.url, err: err.message, attempt: this.attempts + 1 }, 'RIS Live is unreachable; will retry with backoff');
      } else {
        log.warn({ url: this.opts.url, err: err.message }, 'RIS Live connection error');
      }
    });
    ws.on('close', (code, reason) => {
      if (this.watchdog) clearInterval(this.watchdog);
      this.watchdog = undefined;
      if (this.ws === ws) this.counters.connected = false;
      if (this.stopped || this.ws !== ws) return;
      if (opened) log.warn({ url: this.opts.url, code, reason: reason.toString() }, 'RIS Live connection closed; reconnecting');
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    const base = Math.min(this.opts.backoffMaxMs, this.opts.backoffInitialMs * 2 ** Math.min(this.attempts, 30));
    const jitter = this.opts.backoffJitter;
    const delay = Math.min(this.opts.backoffMaxMs, Math.round(base * (1 - jitter + 2 * jitter * Math.random())));
    this.attempts++;
    log.info({ url: this.opts.url, delayMs: delay, attempt: this.attempts }, 'RIS Live reconnect scheduled');
    this.later(delay, () => this.connect());
  }

  /** Ends the current connection; its close handler schedules the reconnect. */
  private dropConnection(ws: WebSocket, reason: string, fields: Record<string, unknown> = {}): void {
    log.warn({ url: this.opts.url, ...fields }, `RIS Live: ${reason}; reconnecting`);
    this.counters.lastError = reason;
    ws.terminate();
  }

  /** Sends every subscription, the groups spaced out so a reconnect storm does not flood the server. */
  private subscribe(ws: WebSocket): void {
    const groups = withPeerStates(this.opts.subscriptions?.length ? this.opts.subscriptions : [DEFAULT_SUBSCRIPTION]);
    groups.forEach((group, i) => {
      const send = () => {
        for (const sub of group) if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'ris_subscribe', data: sub }));
      };
      if (i === 0) send();
      else this.later(i * this.opts.subscribeSpacingMs, send);
    });
  }

  private startWatchdog(ws: WebSocket): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.lastPingAt = Date.now();
    const tick = Math.max(10, Math.min(this.opts.pingIntervalMs, this.opts.idleTimeoutMs / 4, 1_000));
    this.watchdog = setInterval(() => {
      if (ws !== this.ws || ws.readyState !== WebSocket.OPEN) return;
      const now = Date.now();
      // A socket we paused ourselves (lossless mode, slow consumer) is not idle.
      if (ws.isPaused) this.counters.lastFrameAt = now;
      if (now - this.counters.lastFrameAt > this.opts.idleTimeoutMs) {
        this.counters.idleReconnects++;
        this.dropConnection(ws, 'nothing received within the idle timeout', { idleTimeoutMs: this.opts.idleTimeoutMs });
        return;
      }
      if (this.errorAt && this.lastMessageAt < this.errorAt && now - this.errorAt > this.opts.errorGraceMs) {
        this.errorAt = 0;
        this.dropConnection(ws, 'no data after ris_error');
        return;
      }
      if (now - this.lastPingAt >= this.opts.pingIntervalMs) {
        this.lastPingAt = now;
        ws.send(JSON.stringify({ type: 'ping' }));
        ws.ping();
      }
    }, tick);
  }

  private onFrame(text: string, ws: WebSocket): void {
    const now = Date.now();
    this.counters.frames++;
    this.counters.lastFrameAt = now;
    let msg: { type?: unknown; data?: unknown };
    try {
      msg = JSON.parse(text) as { type?: unknown; data?: unknown };
    } catch (err) {
      this.malformed(text, (err as Error).message);
      return;
    }
    if (!msg || typeof msg !== 'object' || typeof msg.type !== 'string') return this.malformed(text, 'no "type"');
    switch (msg.type) {
      case 'ris_message':
        if (!isRisMessageData(msg.data)) return this.malformed(text, 'ris_message without timestamp/peer/host/type');
        return this.onRisMessage(msg.data, text, now, ws);
      case 'pong':
        this.counters.pongs++;
        return;
      case 'ris_error': {
        this.counters.risErrors++;
        this.errorAt = now;
        const message = (msg.data as { message?: unknown } | undefined)?.message;
        log.error({ url: this.opts.url, message, risErrors: this.counters.risErrors }, 'RIS Live sent ris_error');
        return;
      }
      case 'ris_subscribe_ok':
        log.info({ url: this.opts.url, data: msg.data }, 'RIS Live subscription acknowledged');
        return;
      case 'ris_rrc_list': {
        const waiters = this.rrcListWaiters;
        this.rrcListWaiters = [];
        for (const w of waiters) w(Array.isArray(msg.data) ? (msg.data as string[]) : []);
        return;
      }
      default:
        log.debug({ url: this.opts.url, type: msg.type }, 'RIS Live: ignored message type');
    }
  }

  private malformed(text: string, why: string): void {
    this.counters.malformed++;
    this.warner.warn('malformed', { url: this.opts.url, why, frame: text.slice(0, 200), malformed: this.counters.malformed }, 'RIS Live frame is malformed; skipped');
  }

  private onRisMessage(data: RisMessageData, text: string, now: number, ws: WebSocket): void {
    this.counters.messages++;
    this.lastMessageAt = now;
    this.attempts = 0; // data flows: the next outage starts from the shortest backoff
    this.opts.onFrame?.(text);
    this.watchLag(data.timestamp, now, ws);
    // Lossless mode: once paused, frames already in flight are still admitted (bounded by one socket read).
    // A peer's state is never dropped: a lost `down` would keep every route of the peer up for
    // good. There are few (one per session change), so they cannot grow the queue by much.
    if (!this.queue.push(data, data.type === 'RIS_PEER_STATE' || (this.opts.overflow === 'pause' && ws.isPaused))) {
      this.counters.dropped++;
      this.warner.warn('drop', { url: this.opts.url, dropped: this.counters.dropped, queueCapacity: this.queue.capacity }, 'RIS Live consumer is behind; queue full, messages dropped');
    } else if (this.opts.overflow === 'pause' && this.queue.length >= this.queue.capacity / 2 && !ws.isPaused) {
      ws.pause();
    }
  }

  private watchLag(timestamp: number, now: number, ws: WebSocket): void {
    // Lag on arrival: how far the server is behind (the consumer's lag is set as it reads).
    const lag = Math.max(0, now / 1000 - timestamp);
    if (lag > this.counters.maxLagSeconds) this.counters.maxLagSeconds = lag;
    if (!this.opts.lagThresholdSec || lag <= this.opts.lagThresholdSec) {
      this.lagHighSince = 0;
      return;
    }
    if (!this.lagHighSince) this.lagHighSince = now;
    else if (now - this.lagHighSince >= this.opts.lagGraceMs) {
      this.lagHighSince = 0;
      this.counters.lagReconnects++;
      this.dropConnection(ws, 'lag stayed above the threshold', { lagSeconds: Math.round(lag), lagThresholdSec: this.opts.lagThresholdSec });
    }
  }
}
