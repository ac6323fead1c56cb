import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { readMrtElems } from '../../../collector/mrt/index.js';
import type { BgpElem, RouteEvent } from '../../../collector/models/route-event.js';
import { RisLiveClient, type RisLiveClientOptions } from '../../../collector/rislive/client.js';
import type { RisMessageData, RisSubscription } from '../../../collector/rislive/protocol.js';
import { readJsonlCapture } from '../../../collector/replay/jsonl.js';
import { startReplayServer, type ReplayServer } from '../../../collector/replay/server.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../../helpers/shared-data.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { syntheticMessages, writeCapture } from '../rislive/fixtures.js';

const OPTS: RisLiveClientOptions = { lagThresholdSec: 0, overflow: 'pause', idleTimeoutMs: 5_000, backoffInitialMs: 20, backoffMaxMs: 100 };
const servers: ReplayServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

async function serve(files: string[], extra: Partial<Parameters<typeof startReplayServer>[0]> = {}): Promise<ReplayServer> {
  const s = await startReplayServer({ files, speed: 0, ...extra });
  servers.push(s);
  return s;
}

/** Reads events until `count` arrive, then closes; bounded by a deadline. */
async function events(url: string, count: number, subscriptions?: RisSubscription[], ms = 15_000): Promise<{ got: RouteEvent[]; client: RisLiveClient }> {
  const client = new RisLiveClient({ ...OPTS, url, subscriptions });
  const got: RouteEvent[] = [];
  const timer = setTimeout(() => void client.close(), ms);
  for await (const e of client.events()) {
    got.push(e);
    if (got.length >= count) break;
  }
  clearTimeout(timer);
  await client.close();
  return { got, client };
}

/** Messages until none has arrived for `quietMs` (used where the expected count is what we test). */
async function messagesUntilQuiet(url: string, subscriptions: RisSubscription[], quietMs = 1_000, firstMs = 3_000): Promise<RisMessageData[]> {
  const client = new RisLiveClient({ ...OPTS, url, subscriptions });
  const got: RisMessageData[] = [];
  const it = client.messages()[Symbol.asyncIterator]();
  for (let i = 0; i < 1_000_000; i++) {
    const r = await Promise.race([it.next(), new Promise<'quiet'>((res) => setTimeout(() => res('quiet'), i === 0 ? firstMs : quietMs))]);
    if (r === 'quiet' || r.done) break;
    got.push(r.value);
  }
  await client.close();
  return got;
}

const key = (e: BgpElem) => `${e.elem_type} ${e.peer_ip} ${e.prefix} ${(e.as_path ?? []).map((s) => s.asns.join(' ')).join(' | ')}`;

function ws(url: string): Promise<{ socket: WebSocket; next: (ms?: number) => Promise<{ type: string; data?: unknown }> }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const inbox: string[] = [];
    const waiters: Array<(s: string) => void> = [];
    socket.on('message', (d) => {
      const w = waiters.shift();
      if (w) w(d.toString());
      else inbox.push(d.toString());
    });
    socket.once('error', reject);
    socket.once('open', () =>
      resolve({
        socket,
        next: (ms = 3_000) =>
          new Promise((res, rej) => {
            const t = setTimeout(() => rej(new Error(`no frame within ${ms} ms`)), ms);
            const take = (s: string) => {
              clearTimeout(t);
              res(JSON.parse(s) as { type: string; data?: unknown });
            };
            const queued = inbox.shift();
            if (queued !== undefined) take(queued);
            else waiters.push(take);
          }),
      }),
    );
  });
}

describe('replay server protocol (self-contained capture)', () => {
  const dir = makeTmpDir('replay-proto');
  const file = writeCapture(dir, 'syn.jsonl', syntheticMessages(12));

  it('ping, request_rrc_list, acknowledge, bad input and unsubscribe', async () => {
    const s = await serve([file], { speed: 1_000_000 });
    const { socket, next } = await ws(s.url);
    socket.send(JSON.stringify({ type: 'ping' }));
    expect((await next()).type).toBe('pong');
    socket.send(JSON.stringify({ type: 'request_rrc_list' }));
    expect(await next()).toEqual({ type: 'ris_rrc_list', data: ['rrc00', 'rrc01', 'rrc02'] });
    socket.send('not json');
    expect((await next()).type).toBe('ris_error');
    socket.send(JSON.stringify({ type: 'bogus' }));
    expect((await next()).type).toBe('ris_error');
    socket.send(JSON.stringify({ type: 'ris_subscribe', data: { path: 'AS12' } }));
    const err = await next();
    expect(err.type).toBe('ris_error');
    expect(JSON.stringify(err.data)).toMatch(/path/);
    socket.send(JSON.stringify({ type: 'ris_subscribe', data: { host: 'rrc02', socketOptions: { acknowledge: true } } }));
    const ok = await next();
    expect(ok).toEqual({ type: 'ris_subscribe_ok', data: { subscription: { host: 'rrc02', socketOptions: { acknowledge: true } }, socketOptions: { includeRaw: false, acknowledge: true } } });
    const first = await next();
    expect(first.type).toBe('ris_message');
    expect((first.data as RisMessageData).host).toBe('rrc02');
    expect((first.data as RisMessageData).raw).toBeUndefined();
    socket.send(JSON.stringify({ type: 'ris_unsubscribe', data: { host: 'rrc02' } }));
    // Everything after the acknowledgement of the unsubscribe is silence.
    for (let i = 0; i < 10; i++) if ((await next()).type === 'ris_subscribe_ok') break;
    await expect(next(300)).rejects.toThrow(/no frame/);
    socket.terminate();
  });

  it('pre-encoded mode sends what the streaming mode sends (repeated files, host filter, raw off), and only after its gate opens', async () => {
    const msgs = syntheticMessages(40).map((m, i) => (i % 3 ? { ...m, raw: 'FFFF' } : m));
    const f = writeCapture(dir, 'pre.jsonl', msgs);
    const subs: RisSubscription[] = [{ host: 'rrc01' }];
    const plain = await serve([f, f]);
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const pre = await serve([f, f], { preEncoded: true, gate });
    const held = await messagesUntilQuiet(pre.url, subs, 300, 500);
    expect(held).toEqual([]);
    expect(pre.stats().firstSentAt).toBe(0);
    open();
    const expected = await messagesUntilQuiet(plain.url, subs);
    const got = await messagesUntilQuiet(pre.url, subs);
    expect(got.length).toBe(2 * msgs.filter((m) => m.host === 'rrc01').length);
    expect(got).toEqual(expected);
    expect(got.every((m) => m.raw === undefined)).toBe(true);
    const withRaw = await messagesUntilQuiet(pre.url, [{ socketOptions: { includeRaw: true } }]);
    expect(withRaw.length).toBe(80);
    expect(withRaw.filter((m) => m.raw === 'FFFF').length).toBe(2 * msgs.filter((m) => m.raw).length);
    expect(pre.stats().firstSentAt).toBeGreaterThan(0);
  });

  it('refuses missing files and bad speeds up front', async () => {
    await expect(startReplayServer({ files: ['/nonexistent/file.gz'] })).rejects.toThrow(/no such file/);
    await expect(startReplayServer({ files: [file], speed: -1 })).rejects.toThrow(/speed/);
  });
});

describe.skipIf(!hasSharedData)(`replay of real captures (${hasSharedData ? 'shared data' : sharedDataSkipReason})`, () => {
  const mrt = hasSharedData ? sharedData('mrt', 'bgpstream-testdata', 'ris.rrc06.updates.1427846400.gz') : '';
  const jsonl = hasSharedData ? sharedData('ris-live', 'morrowc-rislive', '1k-msgs.jsonl') : '';
  let expected: BgpElem[] = [];

  it('MRT updates → replay server → client: every element arrives, equal to the MRT reader (raw on and off)', async () => {
    for await (const e of readMrtElems(mrt)) expected.push(e);
    expect(expected.length).toBeGreaterThan(1_500);
    const s = await serve([mrt]);
    const withRaw = await events(s.url, expected.length);
    expect(withRaw.got).toHaveLength(expected.length);
    expect(withRaw.got.map(key)).toEqual(expected.map(key));
    expect(withRaw.got.every((e) => e.collector === 'rrc06')).toBe(true);
    const st = withRaw.client.stats();
    expect(st.dropped).toBe(0);
    expect(st.rawDecoded).toBe(st.messages);
    expect(st.disagreements).toBe(0);
    const jsonOnly = await events(s.url, expected.length, [{ type: 'UPDATE', socketOptions: { includeRaw: false } }]);
    expect(jsonOnly.client.stats().jsonDecoded).toBe(jsonOnly.client.stats().messages);
    expect(jsonOnly.got.map(key).sort()).toEqual(expected.map(key).sort());
  });

  it('honours prefix, peer, path and host filters on real data', async () => {
    const s = await serve([mrt]);
    const target = expected.find((e) => e.elem_type === 'announce')!;
    const viaPrefix = (await messagesUntilQuiet(s.url, [{ prefix: target.prefix, moreSpecific: false }])).flatMap((m) => [...(m.announcements ?? []).flatMap((a) => a.prefixes), ...(m.withdrawals ?? [])]);
    expect(viaPrefix.filter((p) => p === target.prefix)).toHaveLength(expected.filter((e) => e.prefix === target.prefix).length);

    const peer = target.peer_ip;
    const viaPeer = await messagesUntilQuiet(s.url, [{ peer, type: 'UPDATE' }]);
    expect(viaPeer.every((m) => m.peer === peer)).toBe(true);
    const peerElems = viaPeer.reduce((n, m) => n + (m.announcements?.[0]?.prefixes.length ?? 0) + (m.withdrawals?.length ?? 0), 0);
    expect(peerElems).toBe(expected.filter((e) => e.peer_ip === peer).length);

    const first = target.as_path![0].asns[0];
    const viaPath = await messagesUntilQuiet(s.url, [{ path: `^${first}`, require: 'announcements' }]);
    const announced = viaPath.reduce((n, m) => n + (m.announcements ?? []).reduce((k, a) => k + a.prefixes.length, 0), 0);
    expect(announced).toBe(expected.filter((e) => e.elem_type === 'announce' && e.as_path?.[0]?.asns[0] === first).length);

    expect(await messagesUntilQuiet(s.url, [{ host: 'rrc00' }])).toHaveLength(0);
  });

  it('JSONL capture round-trips: the client receives exactly the captured messages', async () => {
    const want: RisMessageData[] = [];
    for await (const d of readJsonlCapture(jsonl)) want.push(d);
    const s = await serve([jsonl]);
    const got = await messagesUntilQuiet(s.url, [{ socketOptions: { includeRaw: true } }]);
    expect(got).toEqual(want);
    const noKeepalive = await messagesUntilQuiet(s.url, [{ type: 'UPDATE' }]);
    expect(noKeepalive).toHaveLength(994);
    expect(noKeepalive.some((m) => m.raw !== undefined)).toBe(false);
  });
});
