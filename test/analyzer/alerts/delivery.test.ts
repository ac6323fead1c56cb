import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAlert } from '../../../analyzer/alerts/alert.js';
import type { AlertChannel } from '../../../analyzer/alerts/channels/channel.js';
import { DeliveryQueue, replayDeadLetters, sendWithRetry, type DeadLetter } from '../../../analyzer/alerts/delivery.js';
import { backoffDelay } from '../../../common/retry.js';
import { RateLimiter } from '../../../analyzer/alerts/rate-limit.js';
import { makeTmpDir } from '../../helpers/tmp.js';

const tmp = makeTmpDir('alerts-delivery');
const policy = { attempts: 3, initialDelayMs: 20, maxDelayMs: 50 };
const alert = (n: number) => buildAlert({ rule: 'r', event: 'test', time: n, items: [], dashboardUrl: null, title: `alert ${n}` });

/** A channel that fails its first `failures` sends, recording attempt times. */
function flaky(failures: number): AlertChannel & { attempts: number[]; delivered: string[] } {
  const attempts: number[] = [];
  const delivered: string[] = [];
  return {
    name: 'flaky',
    type: 'test',
    attempts,
    delivered,
    async send(a) {
      attempts.push(Date.now());
      if (attempts.length <= failures) throw new Error(`refused #${attempts.length}`);
      delivered.push(a.id);
    },
  };
}

describe('delivery', () => {
  it('backs off exponentially up to the cap', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay({ attempts: 9, initialDelayMs: 1000, maxDelayMs: 5000 }, n))).toEqual([1000, 2000, 4000, 5000]);
  });

  it('retries with growing delays until the channel accepts', async () => {
    const ch = flaky(2);
    const r = await sendWithRetry(ch, alert(1), policy);
    expect(r).toEqual({ ok: true, attempts: 3 });
    expect(ch.attempts[1] - ch.attempts[0]).toBeGreaterThanOrEqual(18);
    expect(ch.attempts[2] - ch.attempts[1]).toBeGreaterThanOrEqual(38);
  });

  it('writes an alert that keeps failing to the dead-letter file with channel and error, in order', async () => {
    const path = join(tmp, 'dl-queue.jsonl');
    const ch = flaky(1000);
    const q = new DeliveryQueue(ch, policy, path);
    q.enqueue(alert(1));
    q.enqueue(alert(2));
    await q.idle();
    expect(q.stats).toMatchObject({ sent: 0, deadLettered: 2, retries: 4, lost: 0 });
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as DeadLetter);
    expect(lines.map((l) => l.alert.title)).toEqual(['alert 1', 'alert 2']);
    expect(lines[0]).toMatchObject({ channel: 'flaky', channelType: 'test', attempts: 3, error: 'refused #3' });
  });

  it('replays dead letters: delivered ones leave the file, failures, unknown channels and bad lines stay', async () => {
    const path = join(tmp, 'dl-replay.jsonl');
    const entry = (n: number, channel: string): string =>
      JSON.stringify({ failedAt: 'x', channel, channelType: 'test', error: 'e', attempts: 3, alert: alert(n) } satisfies DeadLetter);
    writeFileSync(path, [entry(1, 'good'), entry(2, 'bad'), 'not json', entry(3, 'gone'), entry(4, 'good')].join('\n') + '\n');
    const good = flaky(0);
    const bad = flaky(1000);
    const r = await replayDeadLetters(path, new Map([
      ['good', { channel: good, retry: { ...policy, attempts: 1 } }],
      ['bad', { channel: bad, retry: { ...policy, attempts: 2 } }],
    ]));
    expect(r).toMatchObject({ delivered: 2, failed: 1, invalid: 1, unknownChannel: 1 });
    expect(good.delivered).toHaveLength(2);
    const kept = readFileSync(path, 'utf8').trim().split('\n');
    expect(kept).toHaveLength(3);
    expect(kept[1]).toBe('not json');
    expect(JSON.parse(kept[0])).toMatchObject({ channel: 'bad', attempts: 5, error: 'refused #2' });
    expect(JSON.parse(kept[2]).channel).toBe('gone');
    // A second replay with everything working empties the file of deliverable entries.
    const again = await replayDeadLetters(path, new Map([['bad', { channel: flaky(0), retry: policy }]]));
    expect(again.delivered).toBe(1);
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('keeps lines appended to the dead-letter file while a replay runs', async () => {
    const path = join(tmp, 'dl-append.jsonl');
    writeFileSync(path, `${JSON.stringify({ failedAt: 'x', channel: 'slow', channelType: 't', error: 'e', attempts: 1, alert: alert(1) })}\n`);
    const slow: AlertChannel = {
      name: 'slow',
      type: 't',
      async send() {
        appendFileSync(path, '{"appended":true}\n');
      },
    };
    await replayDeadLetters(path, new Map([['slow', { channel: slow, retry: policy }]]));
    expect(readFileSync(path, 'utf8')).toBe('{"appended":true}\n');
    expect(existsSync(`${path}.replay-${process.pid}`)).toBe(false);
  });
});

describe('rate limit', () => {
  it('holds alerts over the limit and summarises them in the next alert let through', () => {
    let now = 1_000_000;
    const rl = new RateLimiter({ max: 2, periodSeconds: 60 }, () => now);
    expect(rl.admit(alert(1))).not.toBeNull();
    expect(rl.admit(alert(2))).not.toBeNull();
    expect(rl.admit(alert(3))).toBeNull();
    expect(rl.admit(alert(4))).toBeNull();
    expect(rl.heldCount()).toBe(2);
    expect(rl.takeSummary()).toBeNull(); // still no room
    now += 61_000;
    const next = rl.admit(alert(5))!;
    expect(next.title).toBe('alert 5');
    expect(next.suppressed).toMatchObject({ count: 2, samples: ['alert 3', 'alert 4'], rules: ['r'] });
    expect(rl.heldCount()).toBe(0);
  });

  it('gives the pending summary as a standalone alert when there is room, or when forced', () => {
    let now = 0;
    const rl = new RateLimiter({ max: 1, periodSeconds: 10 }, () => now);
    rl.admit(alert(1));
    rl.admit(alert(2));
    expect(rl.takeSummary()).toBeNull();
    expect(rl.takeSummary(true)).toMatchObject({ count: 1 });
    rl.admit(alert(3));
    now = 11_000;
    expect(rl.takeSummary()).toMatchObject({ count: 1, samples: ['alert 3'] });
  });

  it('lets everything through without a limit', () => {
    const rl = new RateLimiter(null);
    for (let i = 0; i < 100; i++) expect(rl.admit(alert(i))).not.toBeNull();
  });
});
