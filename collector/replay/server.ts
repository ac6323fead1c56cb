/**
 * A WebSocket server that speaks the RIS Live protocol from capture files (MRT updates or
 * RIS Live JSONL). Each connection gets its own replay from the start of the capture once it
 * subscribes; ris_subscribe filters, socketOptions (includeRaw, acknowledge), ping,
 * request_rrc_list and ris_unsubscribe behave as on RIS Live. Optional faults (abrupt close,
 * stall, malformed frames) let tests exercise a client's recovery.
 */
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';
import { log } from '../../common/log.js';
import { collectorName, type RisMessageData, type RisSocketOptions, type ServerMessage } from '../rislive/protocol.js';
import { newCaptureStats, readCapture } from './capture.js';
import { openByContent, readJsonlCapture } from './jsonl.js';
import { collectorFromPath } from '../mrt/collector-name.js';
import { compileFilter, filterKey, parseSubscription, RisProtocolError, withoutNulls, type MessagePredicate, type ParsedSubscription } from './subscription.js';

export interface ReplayFaults {
  /** Terminate each connection abruptly after this many ris_messages. */
  closeAfter?: number;
  /** Stop sending anything (data and pongs) after this many ris_messages; the socket stays open. */
  stallAfter?: number;
  /** After every N ris_messages, also send one frame that is not valid JSON. */
  malformedEvery?: number;
}

export interface ReplayServerOptions {
  files: string[];
  /** Address to bind; default 127.0.0.1. */
  host?: string;
  /** Port; 0 (default) picks a free one. */
  port?: number;
  /** 1 keeps the capture's timing, 2 is twice as fast, 0 sends as fast as the client reads. */
  speed?: number;
  /** Start again at the end of the capture. */
  loop?: boolean;
  /** Collector name for MRT files (default: from the file's path, e.g. rrc06; else `unknown`). */
  collector?: string;
  faults?: ReplayFaults;
  /**
   * Read every capture into memory once, each message encoded once as its frame, and send
   * those frames: the server's own cost per message is then a filter test and a socket write
   * (benchmarks, where the server shares the machine with the client it measures).
   */
  preEncoded?: boolean;
  /** Streams start only once this resolves (a benchmark measures the client before the first message). */
  gate?: Promise<void>;
}

export interface ReplayServerStats {
  connections: number;
  subscriptions: number;
  messagesSent: number;
  malformedSent: number;
  errorsSent: number;
  faultCloses: number;
  faultStalls: number;
  /** Wall-clock ms when the first ris_message was sent (0: none yet); with a capture's first timestamp it gives a replay's time offset. */
  firstSentAt: number;
}

/** A message with its frame, encoded once (pre-encoded mode). */
export interface EncodedMessage {
  data: RisMessageData;
  frame: string;
}

export interface ReplayServer {
  /** e.g. `ws://127.0.0.1:40123/v1/ws/` */
  url: string;
  port: number;
  stats(): ReplayServerStats;
  close(): Promise<void>;
}

/** Above this many buffered bytes the sender waits for the socket to drain. */
const HIGH_WATER_BYTES = 1 << 20;

export async function startReplayServer(options: ReplayServerOptions): Promise<ReplayServer> {
  if (!options.files.length) throw new Error('no capture files given');
  for (const f of options.files) if (!existsSync(f)) throw new Error(`${f}: no such file`);
  const speed = options.speed ?? 1;
  if (!Number.isFinite(speed) || speed < 0) throw new Error(`speed must be a number ≥ 0, got ${options.speed}`);
  const stats: ReplayServerStats = { connections: 0, subscriptions: 0, messagesSent: 0, malformedSent: 0, errorsSent: 0, faultCloses: 0, faultStalls: 0, firstSentAt: 0 };
  const bindHost = options.host ?? '127.0.0.1';
  const wss = new WebSocketServer({ host: bindHost, port: options.port ?? 0 });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  wss.on('error', (err) => log.error({ err: err.message }, 'replay server error'));
  const encoded = options.preEncoded ? await preEncode(options.files, options.collector) : undefined;
  let hosts: Promise<string[]> | undefined;
  const rrcList = () => (hosts ??= listHosts(options.files, options.collector));

  wss.on('connection', (ws) => {
    stats.connections++;
    new Session(ws, options, speed, stats, rrcList, encoded);
  });

  const port = (wss.address() as AddressInfo).port;
  const urlHost = bindHost.includes(':') ? `[${bindHost}]` : bindHost;
  return {
    url: `ws://${urlHost}:${port}/v1/ws/`,
    port,
    stats: () => ({ ...stats }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}

/** The collectors a capture holds: from MRT file names, from the `host` of JSONL messages. */
async function listHosts(files: string[], collector?: string): Promise<string[]> {
  const set = new Set<string>();
  for (const f of files) {
    const input = await openByContent(f);
    if (input.jsonl) {
      for await (const d of readJsonlCapture(input)) if (d.host) set.add(collectorName(d.host));
    } else {
      input.stream.destroy();
      set.add(collector ?? collectorFromPath(f));
    }
  }
  return [...set].sort();
}

/** Each distinct file read and encoded once (a file listed several times is sent several times). */
async function preEncode(files: string[], collector?: string): Promise<Map<string, EncodedMessage[]>> {
  const out = new Map<string, EncodedMessage[]>();
  for (const f of files) {
    if (out.has(f)) continue;
    const list: EncodedMessage[] = [];
    for await (const data of readCapture(f, { host: collector, stats: newCaptureStats() })) list.push({ data, frame: JSON.stringify({ type: 'ris_message', data }) });
    out.set(f, list);
  }
  return out;
}

async function* fromMemory(list: EncodedMessage[]): AsyncGenerator<EncodedMessage> {
  yield* list;
}

async function* fromFile(file: string, collector?: string): AsyncGenerator<EncodedMessage> {
  for await (const data of readCapture(file, { host: collector, stats: newCaptureStats() })) yield { data, frame: '' };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** One client connection: its subscriptions, socket options and replay. */
class Session {
  private subs: Array<{ key: string; predicate: MessagePredicate }> = [];
  private includeRaw = false;
  private acknowledge = false;
  private streaming = false;
  private stalled = false;
  private sent = 0;
  private read = 0;

  constructor(
    private readonly ws: WebSocket,
    private readonly opts: ReplayServerOptions,
    private readonly speed: number,
    private readonly stats: ReplayServerStats,
    private readonly rrcList: () => Promise<string[]>,
    private readonly encoded?: Map<string, EncodedMessage[]>,
  ) {
    ws.on('message', (data) => this.onClientFrame(data.toString()));
    ws.on('error', (err) => log.debug({ err: err.message }, 'replay client socket error'));
  }

  private get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  private send(msg: ServerMessage): void {
    if (this.open && !this.stalled) this.ws.send(JSON.stringify(msg));
  }

  private error(message: string): void {
    this.stats.errorsSent++;
    this.send({ type: 'ris_error', data: { message } });
  }

  private onClientFrame(text: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      return this.error('message is not valid JSON');
    }
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return this.error('message must be a JSON object with "type" and "data"');
    const { type, data } = msg as { type?: unknown; data?: unknown };
    switch (type) {
      case 'ping':
        return this.send({ type: 'pong' });
      case 'request_rrc_list':
        void this.rrcList().then(
          (list) => this.send({ type: 'ris_rrc_list', data: list }),
          (err: Error) => this.error(`cannot list collectors: ${err.message}`),
        );
        return;
      case 'ris_subscribe':
      case 'ris_unsubscribe': {
        let parsed: ParsedSubscription;
        try {
          parsed = parseSubscription(data);
        } catch (err) {
          if (err instanceof RisProtocolError) return this.error(`${type}: ${err.message}`);
          throw err;
        }
        return type === 'ris_subscribe' ? this.subscribe(parsed, data) : this.unsubscribe(parsed, data);
      }
      default:
        return this.error(type === undefined ? 'message has no "type"' : `unknown message type ${JSON.stringify(type)}`);
    }
  }

  private applySocketOptions(so: RisSocketOptions): void {
    if (so.includeRaw !== undefined) this.includeRaw = so.includeRaw;
    if (so.acknowledge !== undefined) this.acknowledge = so.acknowledge;
  }

  private ack(data: unknown): void {
    if (this.acknowledge) this.send({ type: 'ris_subscribe_ok', data: { subscription: withoutNulls(data), socketOptions: { includeRaw: this.includeRaw, acknowledge: this.acknowledge } } });
  }

  private subscribe(parsed: ParsedSubscription, data: unknown): void {
    this.applySocketOptions(parsed.socketOptions);
    for (const f of parsed.filters) {
      const key = filterKey(f);
      if (!this.subs.some((s) => s.key === key)) this.subs.push({ key, predicate: compileFilter(f) });
    }
    this.stats.subscriptions++;
    this.ack(data);
    if (!this.streaming) {
      this.streaming = true;
      this.stream().catch((err: Error) => {
        log.error({ err: err.message }, 'replay failed');
        this.error(`replay failed: ${err.message}`);
      });
    }
  }

  private unsubscribe(parsed: ParsedSubscription, data: unknown): void {
    const keys = new Set(parsed.filters.map(filterKey));
    this.subs = this.subs.filter((s) => !keys.has(s.key));
    this.applySocketOptions(parsed.socketOptions);
    this.ack(data);
  }

  private async stream(): Promise<void> {
    const faults = this.opts.faults ?? {};
    await this.opts.gate;
    do {
      for (const file of this.opts.files) {
        let base: { ts: number; wall: number } | undefined;
        const pre = this.encoded?.get(file);
        for await (const { data, frame } of pre ? fromMemory(pre) : fromFile(file, this.opts.collector)) {
          if (!this.open || this.stalled) return;
          // Let socket I/O run now and then: without it an already-buffered file would be sent in one burst.
          if (++this.read % 64 === 0) await new Promise<void>((r) => setImmediate(r));
          if (this.speed > 0) {
            base ??= { ts: data.timestamp, wall: Date.now() };
            const wait = base.wall + ((data.timestamp - base.ts) * 1000) / this.speed - Date.now();
            if (wait > 1) await sleep(wait);
            if (!this.open) return;
          }
          if (!this.subs.some((s) => s.predicate(data))) continue;
          if (!this.stats.firstSentAt) this.stats.firstSentAt = Date.now();
          await this.sendData(data, frame);
          this.sent++;
          this.stats.messagesSent++;
          if (faults.malformedEvery && this.sent % faults.malformedEvery === 0) {
            this.stats.malformedSent++;
            this.ws.send('{"type":"ris_message","data":{"timestamp":');
          }
          if (faults.closeAfter && this.sent >= faults.closeAfter) {
            this.stats.faultCloses++;
            this.ws.terminate();
            return;
          }
          if (faults.stallAfter && this.sent >= faults.stallAfter) {
            this.stats.faultStalls++;
            this.stalled = true;
            return;
          }
        }
      }
    } while (this.opts.loop && this.open);
  }

  /** `encoded` is the message's frame with everything (pre-encoded mode), or ''. */
  private async sendData(data: RisMessageData, encoded: string): Promise<void> {
    const whole = this.includeRaw || data.raw === undefined;
    const frame = whole && encoded ? encoded : JSON.stringify({ type: 'ris_message', data: whole ? data : withoutRaw(data) });
    if (this.ws.bufferedAmount < HIGH_WATER_BYTES) {
      this.ws.send(frame);
      return;
    }
    // The client reads slower than we produce: wait until this frame is handed to the OS.
    await new Promise<void>((resolve) => this.ws.send(frame, () => resolve()));
  }
}

function withoutRaw(data: RisMessageData): RisMessageData {
  const { raw: _raw, ...rest } = data;
  return rest;
}
