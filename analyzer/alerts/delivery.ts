import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { log } from '../../common/log.js';
import type { Alert } from './alert.js';
import type { AlertChannel } from './channels/channel.js';
import { retry, type RetryPolicy } from '../../common/retry.js';

/** One alert a channel could not deliver, as a line of the dead-letter file. */
export interface DeadLetter {
  failedAt: string;
  channel: string;
  channelType: string;
  error: string;
  attempts: number;
  alert: Alert;
}

export type SendResult = { ok: true; attempts: number } | { ok: false; attempts: number; error: string };

/** Sends with retries and exponential backoff; never throws. */
export async function sendWithRetry(channel: AlertChannel, alert: Alert, policy: RetryPolicy, onRetry?: () => void): Promise<SendResult> {
  const result = await retry(() => channel.send(alert), policy, {
    onFailure(err, attempt, delayMs) {
      if (delayMs === null) return;
      log.warn({ channel: channel.name, alert: alert.id, attempt, delayMs, error: errorText(err) }, 'alert delivery failed, retrying');
      onRetry?.();
    },
  });
  return result.ok ? { ok: true, attempts: result.attempts } : { ok: false, attempts: result.attempts, error: result.attempts > 0 ? errorText(result.error) : '' };
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Appends one line to the dead-letter file (creating its folder). */
export async function appendDeadLetter(path: string, entry: DeadLetter): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await appendFile(path, `${JSON.stringify(entry)}\n`);
}

export interface QueueStats {
  sent: number;
  retries: number;
  deadLettered: number;
  /** Failed and could not even be written to the dead-letter file (logged with the alert). */
  lost: number;
}

/** A channel's delivery queue: one alert at a time in order, retries, then the dead-letter file. */
export class DeliveryQueue {
  readonly stats: QueueStats = { sent: 0, retries: 0, deadLettered: 0, lost: 0 };
  private tail: Promise<void> = Promise.resolve();
  private waiting = 0;

  constructor(readonly channel: AlertChannel, private readonly policy: RetryPolicy, private readonly deadLetterPath: string) {}

  /** `onDone` is told once the alert is delivered or dead-lettered (the alerting's outbox drops it then). */
  enqueue(alert: Alert, onDone?: () => void): void {
    this.waiting++;
    this.tail = this.tail
      .then(() => this.deliver(alert))
      .finally(() => {
        this.waiting--;
        onDone?.();
      });
  }

  queued(): number {
    return this.waiting;
  }

  /** Resolves when every alert enqueued so far is delivered or dead-lettered. */
  idle(): Promise<void> {
    return this.tail;
  }

  private async deliver(alert: Alert): Promise<void> {
    const result = await sendWithRetry(this.channel, alert, this.policy, () => this.stats.retries++);
    if (result.ok) {
      this.stats.sent++;
      return;
    }
    const entry: DeadLetter = {
      failedAt: new Date().toISOString(),
      channel: this.channel.name,
      channelType: this.channel.type,
      error: result.error,
      attempts: result.attempts,
      alert,
    };
    try {
      await appendDeadLetter(this.deadLetterPath, entry);
      this.stats.deadLettered++;
      log.error({ channel: this.channel.name, alert: alert.id, file: this.deadLetterPath, error: result.error }, 'alert undeliverable, written to the dead-letter file');
    } catch (err) {
      this.stats.lost++;
      // Last resort: the whole alert goes into the log so an operator can still recover it.
      log.fatal({ channel: this.channel.name, file: this.deadLetterPath, err, entry }, 'cannot write the dead-letter file');
    }
  }
}

export interface ReplayResult {
  delivered: number;
  failed: number;
  /** Lines that are not dead-letter entries (kept as they are). */
  invalid: number;
  /** Entries for channels no longer configured (kept). */
  unknownChannel: number;
  perChannel: Record<string, { delivered: number; failed: number; lastError?: string }>;
}

/**
 * Resends every dead-lettered alert through its channel. Delivered entries leave the file; the
 * rest (failures, unknown channels, unreadable lines) stay, so nothing is lost. Lines appended
 * by a running process while the replay runs are kept too.
 */
export async function replayDeadLetters(path: string, channels: Map<string, { channel: AlertChannel; retry: RetryPolicy }>): Promise<ReplayResult> {
  const result: ReplayResult = { delivered: 0, failed: 0, invalid: 0, unknownChannel: 0, perChannel: {} };
  const original = await readFile(path);
  const keep: string[] = [];
  const lines = original.toString('utf8').split('\n');
  for (const [index, line] of lines.entries()) {
    if (!line.trim()) continue;
    let entry: DeadLetter;
    try {
      entry = JSON.parse(line) as DeadLetter;
      if (!entry || typeof entry.channel !== 'string' || typeof entry.alert !== 'object' || entry.alert === null) throw new Error('not a dead-letter entry');
    } catch (err) {
      result.invalid++;
      log.warn({ file: path, line: index + 1, error: (err as Error).message }, 'dead-letter line kept: cannot be read');
      keep.push(line);
      continue;
    }
    const target = channels.get(entry.channel);
    const stats = (result.perChannel[entry.channel] ??= { delivered: 0, failed: 0 });
    if (!target) {
      result.unknownChannel++;
      stats.failed++;
      stats.lastError = 'channel not configured';
      log.warn({ file: path, line: index + 1, channel: entry.channel }, 'dead-letter entry kept: its channel is not configured');
      keep.push(line);
      continue;
    }
    const sent = await sendWithRetry(target.channel, entry.alert, target.retry);
    if (sent.ok) {
      result.delivered++;
      stats.delivered++;
    } else {
      result.failed++;
      stats.failed++;
      stats.lastError = sent.error;
      keep.push(JSON.stringify({ ...entry, failedAt: new Date().toISOString(), error: sent.error, attempts: entry.attempts + sent.attempts }));
    }
  }
  // Keep whatever was appended meanwhile, then swap the file in one rename.
  const now = await readFile(path);
  const appended = now.length > original.length ? now.subarray(original.length).toString('utf8') : '';
  const text = keep.map((l) => `${l}\n`).join('') + appended;
  const tmp = `${path}.replay-${process.pid}`;
  await writeFile(tmp, text);
  await rename(tmp, path);
  return result;
}
