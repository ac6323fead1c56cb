import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { RisLiveClient, type RisLiveClientOptions } from '../../../collector/rislive/client.js';
import type { RisMessageData } from '../../../collector/rislive/protocol.js';
import { startReplayServer, type ReplayServer } from '../../../collector/replay/server.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { syntheticElements, syntheticMessages, writeCapture } from './fixtures.js';

const dir = makeTmpDir('rislive-client');
const MSGS = syntheticMessages(300);
const capture = writeCapture(dir, 'synthetic.jsonl', MSGS);

/** Fast timings so that every recovery happens within a second or two. */
const FAST: RisLiveClientOptions = { idleTimeoutMs: 400, pingIntervalMs: 100, backoffInitialMs: 20, backoffMaxMs: 100, lagThresholdSec: 0, subscribeSpacingMs: 5 };

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function server(opts: Partial<Parameters<typeof startReplayServer>[0]> = {}): Promise<ReplayServer> {
  const s = await startReplayServer({ files: [capture], speed: 0, ...opts });
  cleanup.push(() => s.close());
  return s;
}

function client(opts: RisLiveClientOptions): RisLiveClient {
  const c = new RisLiveClient({ ...FAST, ...opts });
  cleanup.push(() => c.close());
  return c;
}

/**
 * Reads messages until `until` says stop (the event the test waits for), or a generous deadline
 * passes so a broken client cannot hang the suite (bounded in time and count).
 */
async function read(c: RisLiveClient, until: (got: RisMessageData[]) => boolean, ms = 30_000, delayMs = 0): Promise<RisMessageData[]> {
  const got: RisMessageData[] = [];
  const deadline = Date.now() + ms;
  const it = c.messages()[Symbol.asyncIterator]();
  while (!until(got) && Date.now() < deadline && got.length < 100_000) {
    const r = await Promise.race([it.next(), new Promise<'timeout'>((res) => setTimeout(() => res('timeout'), Math.max(1, deadline - Date.now())))]);
    if (r === 'timeout' || r.done) break;
    got.push(r.value);
    if (delayMs) await new Promise((res) => setTimeout(res, delayMs));
  }
  return got;
}

/** Waits for a condition (checked every 10 ms), with a generous deadline: a busy machine only makes it slower. */
const waitFor = async (cond: () => boolean, ms = 30_000): Promise<boolean> => {
  const deadline = Date.now() + ms;
  while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  return cond();
};

describe('RisLiveClient against the replay server', () => {
  it('receives every message and element of a capture, in order', async () => {
    const s = await server();
    const c = client({ url: s.url, overflow: 'pause', queueCapacity: 50 });
    let elements = 0;
    const ids: string[] = [];
    for await (const _ of c.events()) {
      elements++;
      if (elements >= syntheticElements(MSGS)) break;
      void ids;
    }
    const st = c.stats();
    expect(elements).toBe(syntheticElements(MSGS));
    expect(st.messages).toBe(MSGS.length);
    expect(st.dropped).toBe(0);
    expect(st.jsonDecoded).toBe(MSGS.length);
    expect(st.connects).toBe(1);
  });

  it('sends its subscriptions (spaced) and gets only what they select, with acknowledgements', async () => {
    const s = await server();
    const c = client({
      url: s.url,
      subscriptions: [
        { host: 'rrc01', socketOptions: { acknowledge: true } },
        { prefix: '10.7.0.0/16', moreSpecific: true },
      ],
    });
    const want = MSGS.filter((m) => m.host === 'rrc01' || m.announcements![0].prefixes[0].startsWith('10.7.')).length;
    const rrc01 = MSGS.filter((m) => m.host === 'rrc01').length;
    const got = await read(c, (g) => g.length >= want || g.filter((m) => m.host === 'rrc01').length >= rrc01);
    // Both subscriptions were received; the replay started with the first, so a few of the
    // second's messages may precede it; none outside both may ever arrive.
    expect(got.every((m) => m.host === 'rrc01' || m.announcements![0].prefixes[0].startsWith('10.7.'))).toBe(true);
    expect(got.filter((m) => m.host === 'rrc01')).toHaveLength(MSGS.filter((m) => m.host === 'rrc01').length);
    // The second goes out a spacing after the first: a quick machine can have read every rrc01
    // message by then.
    await waitFor(() => s.stats().subscriptions >= 2);
    expect(s.stats().subscriptions).toBe(2);
  });

  it('survives a server restart on the same port and says so', async () => {
    const first = await startReplayServer({ files: [capture], speed: 0 });
    const c = client({ url: first.url });
    const before = await read(c, (g) => g.length >= MSGS.length);
    expect(before).toHaveLength(MSGS.length);
    await first.close();
    expect(await waitFor(() => !c.stats().connected)).toBe(true);
    const second = await server({ port: first.port });
    const after = await read(c, (g) => g.length >= MSGS.length);
    expect(after).toHaveLength(MSGS.length);
    const st = c.stats();
    expect(st.connects).toBe(2);
    expect(st.reconnects).toBeGreaterThanOrEqual(1);
    expect(second.stats().connections).toBe(1);
  });

  it('reconnects when the server drops the connection (close after N)', async () => {
    const s = await server({ faults: { closeAfter: 100 } });
    const c = client({ url: s.url });
    const got = await read(c, (g) => g.length >= 250);
    expect(got.length).toBeGreaterThanOrEqual(250);
    expect(c.stats().connects).toBeGreaterThanOrEqual(3);
    expect(s.stats().faultCloses).toBeGreaterThanOrEqual(2);
  });

  it('detects a stalled server (nothing arrives) and reconnects', async () => {
    const s = await server({ faults: { stallAfter: 50 } });
    const c = client({ url: s.url });
    const got = await read(c, (g) => g.length >= 120);
    expect(got.length).toBeGreaterThanOrEqual(120);
    const st = c.stats();
    expect(st.idleReconnects).toBeGreaterThanOrEqual(2);
    expect(st.connects).toBeGreaterThanOrEqual(3);
  });

  it('counts malformed frames and keeps the stream going', async () => {
    const s = await server({ faults: { malformedEvery: 30 } });
    const c = client({ url: s.url, overflow: 'pause' });
    const got = await read(c, (g) => g.length >= MSGS.length);
    expect(got.map((m) => m.id)).toEqual(MSGS.map((m) => m.id));
    expect(await waitFor(() => c.stats().malformed === MSGS.length / 30)).toBe(true);
    expect(c.stats().connects).toBe(1);
  });

  it('keeps memory bounded with a slow consumer: the queue never exceeds its bound, drops are counted', async () => {
    const s = await server();
    const c = client({ url: s.url, queueCapacity: 20 });
    let maxLen = 0;
    const got = await read(
      c,
      () => {
        maxLen = Math.max(maxLen, c.stats().queueLength);
        return c.stats().messages >= MSGS.length && c.stats().queueLength === 0;
      },
      30_000,
      2,
    );
    const st = c.stats();
    expect(st.messages).toBe(MSGS.length);
    expect(st.queueHighWater).toBeLessThanOrEqual(20);
    expect(maxLen).toBeLessThanOrEqual(20);
    expect(st.dropped).toBeGreaterThan(0);
    expect(got.length + st.dropped).toBe(MSGS.length);
  });

  it('drops UPDATEs, never a peer\'s state, when the queue is full: a lost `down` would keep the peer\'s routes up', async () => {
    // Every 25th message a peer's session going down, among 300 UPDATEs.
    const msgs = syntheticMessages(300).flatMap((m, i) => (i % 25 === 24 ? [m, { ...m, id: `down-${i}`, type: 'RIS_PEER_STATE' as const, state: 'down', announcements: undefined, withdrawals: undefined, path: undefined }] : [m]));
    const downs = msgs.filter((m) => m.type === 'RIS_PEER_STATE').map((m) => m.id);
    expect(downs).toHaveLength(12);
    const s = await server({ files: [writeCapture(dir, 'states.jsonl', msgs)] });
    // One subscription to everything: the replay starts with it, so nothing precedes it.
    const c = client({ url: s.url, queueCapacity: 20, subscriptions: [{}] });
    const got = await read(c, () => c.stats().messages >= msgs.length && c.stats().queueLength === 0, 30_000, 2);
    const st = c.stats();
    expect(st.messages).toBe(msgs.length);
    expect(st.dropped).toBeGreaterThan(0);
    expect(got.length + st.dropped).toBe(msgs.length);
    expect(got.filter((m) => m.type === 'RIS_PEER_STATE').map((m) => m.id)).toEqual(downs);
    // In their places: what was kept comes in the capture's order.
    const at = got.map((m) => msgs.findIndex((x) => x.id === m.id));
    expect(at).toEqual([...at].sort((a, b) => a - b));
    expect(st.queueHighWater).toBeLessThanOrEqual(20 + downs.length);
  });

  it('reconnects when lag stays above the threshold', async () => {
    // The synthetic capture is from 2023: every message lags by far more than 1 s.
    const s = await server();
    const c = client({ url: s.url, lagThresholdSec: 1, lagGraceMs: 0, overflow: 'pause' });
    await read(c, () => c.stats().lagReconnects >= 2);
    expect(c.stats().lagReconnects).toBeGreaterThanOrEqual(2);
    expect(c.stats().maxLagSeconds).toBeGreaterThan(1);
  });

  it('answers ping with pong and lists collectors', async () => {
    const s = await server();
    const c = client({ url: s.url });
    await read(c, (g) => g.length >= 1);
    expect(await c.requestRrcList()).toEqual(['rrc00', 'rrc01', 'rrc02']);
    expect(await waitFor(() => c.stats().pongs >= 2)).toBe(true);
  });
});

describe('RisLiveClient without a RIS Live server', () => {
  it('keeps retrying with backoff when the endpoint is unreachable, never throws', async () => {
    // A port that was free a moment ago: connections are refused.
    const probe: Server = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const c = client({ url: `ws://127.0.0.1:${port}/v1/ws/` });
    c.start();
    expect(await waitFor(() => c.stats().connectFailures >= 3)).toBe(true);
    const st = c.stats();
    expect(st.connected).toBe(false);
    expect(st.reconnects).toBeGreaterThanOrEqual(2);
    expect(st.lastError).toMatch(/ECONNREFUSED/);
  });

  it('logs ris_error, counts it, and reconnects when no data follows', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => wss.once('listening', () => r()));
    cleanup.push(() => new Promise<void>((r) => wss.close(() => r())));
    let connections = 0;
    wss.on('connection', (ws) => {
      connections++;
      ws.on('message', () => ws.send(JSON.stringify({ type: 'ris_error', data: { message: 'subscription rejected' } })));
    });
    const c = client({ url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}/`, errorGraceMs: 50, idleTimeoutMs: 10_000 });
    c.start();
    expect(await waitFor(() => connections >= 2)).toBe(true);
    for (const ws of wss.clients) ws.terminate();
    expect(c.stats().risErrors).toBeGreaterThanOrEqual(1);
  });
});
