/**
 * The replay server against the exact subscription messages real RIS Live clients send
 * (BGPalerter 2.0.1's shipped configuration, the RIS Live manual's examples, bgpkit's
 * `"data": null`), and RIS Live's rules for null, empty and unknown fields. Real WebSockets on
 * 127.0.0.1 with the `ws` client; every wait is bounded.
 */
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RisMessageData } from '../../../collector/rislive/protocol.js';
import { startReplayServer, type ReplayServer } from '../../../collector/replay/server.js';
import { parsePathExpression, parseSubscription, pathExpressionMatches, RisProtocolError } from '../../../collector/replay/subscription.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { REAL_UPDATE, syntheticMessages, writeCapture } from '../rislive/fixtures.js';

const servers: ReplayServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

const dir = makeTmpDir('ris-live-compat');
// 24 synthetic UPDATEs from rrc21 (as "rrc21.ripe.net", as newer streams say), rrc00 and rrc01,
// then a real UPDATE with its raw message, from rrc21.
const HOSTS = ['rrc21.ripe.net', 'rrc00', 'rrc01'];
const MESSAGES: RisMessageData[] = [...syntheticMessages(24).map((m, i) => ({ ...m, host: HOSTS[i % 3] })), { ...REAL_UPDATE, host: 'rrc21' }];
const FILE = writeCapture(dir, 'compat.jsonl', MESSAGES);

async function serve(): Promise<ReplayServer> {
  const s = await startReplayServer({ files: [FILE], speed: 0 });
  servers.push(s);
  return s;
}

interface Frame {
  type: string;
  data?: unknown;
}

/**
 * Opens a socket, sends the frames (one write each, back to back, as clients do after `open`),
 * and collects what comes back until nothing has arrived for `quietMs`.
 */
async function exchange(url: string, frames: Array<string | object>, quietMs = 400): Promise<Frame[]> {
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const got: Frame[] = [];
  let last = 0;
  const done = new Promise<void>((resolve) => {
    const check = () => {
      if (last === got.length) return resolve();
      last = got.length;
      setTimeout(check, quietMs);
    };
    socket.on('message', (d) => got.push(JSON.parse(d.toString()) as Frame));
    setTimeout(check, quietMs * 2);
  });
  for (const f of frames) socket.send(typeof f === 'string' ? f : JSON.stringify(f));
  await done;
  socket.terminate();
  return got;
}

const messagesOf = (frames: Frame[]) => frames.filter((f) => f.type === 'ris_message').map((f) => f.data as RisMessageData);
const errorsOf = (frames: Frame[]) => frames.filter((f) => f.type === 'ris_error');
const ids = (msgs: RisMessageData[]) => msgs.map((m) => m.id).sort();
const prefixesOf = (m: RisMessageData) => [...(m.announcements ?? []).flatMap((a) => a.prefixes), ...(m.withdrawals ?? [])];

/** BGPalerter's default connector parameters (config.yml.example / src/config): the subscription it copies into every message. */
const BGPALERTER_SUBSCRIPTION = { moreSpecific: true, type: 'UPDATE', host: null, socketOptions: { includeRaw: false } };

describe('BGPalerter 2.0.1 (shipped configuration, carefulSubscription)', () => {
  it('one subscription per monitored prefix and per monitored ASN, all with "host": null, receive their messages', async () => {
    const s = await serve();
    // connectorRIS._subscribeToPrefixes: the default params plus `prefix` (one frame per prefix).
    const perPrefix = ['10.3.0.0/24', '10.0.0.0/14'].map((prefix) => ({ type: 'ris_subscribe', data: { ...BGPALERTER_SUBSCRIPTION, prefix } }));
    // connectorRIS._subscribeToASns: the default params plus `path: "<asn>$"`.
    const perAsn = [{ type: 'ris_subscribe', data: { ...BGPALERTER_SUBSCRIPTION, path: '103$' } }];
    const frames = await exchange(s.url, [...perPrefix, ...perAsn]);
    expect(errorsOf(frames)).toEqual([]);
    const got = messagesOf(frames);
    const want = MESSAGES.filter(
      (m) => prefixesOf(m).some((p) => p === '10.3.0.0/24' || /^10\.[0-3]\.0\.0\/24$/.test(p)) || m.path?.at(-1) === 103,
    );
    expect(want.length).toBeGreaterThan(4);
    expect(ids(got)).toEqual(ids(want));
    // includeRaw: false — and every host, since host is null.
    expect(got.every((m) => m.raw === undefined)).toBe(true);
    expect(new Set(got.map((m) => m.host)).size).toBe(3);
  });

  it('monitoring everything (prefix deleted from the params) receives every UPDATE', async () => {
    const s = await serve();
    const frames = await exchange(s.url, [{ type: 'ris_subscribe', data: BGPALERTER_SUBSCRIPTION }]);
    expect(errorsOf(frames)).toEqual([]);
    expect(ids(messagesOf(frames))).toEqual(ids(MESSAGES));
  });

  it('its canary subscriptions (beacon prefixes, acknowledge false) are accepted silently', async () => {
    const s = await serve();
    const canary = (prefix: string) => ({
      type: 'ris_subscribe',
      data: { moreSpecific: false, lessSpecific: false, prefix, type: 'UPDATE', socketOptions: { includeRaw: false, acknowledge: false } },
    });
    const frames = await exchange(s.url, [canary('84.205.64.0/24'), canary('2001:7FB:FE00::/48'), { type: 'ris_subscribe', data: { ...BGPALERTER_SUBSCRIPTION, prefix: '10.5.0.0/24' } }]);
    expect(errorsOf(frames)).toEqual([]);
    expect(ids(messagesOf(frames))).toEqual(ids(MESSAGES.filter((m) => prefixesOf(m).includes('10.5.0.0/24'))));
  });
});

describe('the RIS Live manual and other clients', () => {
  it('manual, JavaScript example: {host: "rrc21"} gets rrc21 only, whatever suffix the capture uses', async () => {
    const s = await serve();
    const got = messagesOf(await exchange(s.url, [{ type: 'ris_subscribe', data: { host: 'rrc21' } }]));
    expect(ids(got)).toEqual(ids(MESSAGES.filter((m) => m.host.startsWith('rrc21'))));
  });

  it('manual, Python example: moreSpecific, host and socketOptions.includeRaw send raw', async () => {
    const s = await serve();
    const got = messagesOf(await exchange(s.url, [{ type: 'ris_subscribe', data: { moreSpecific: true, host: 'rrc21', socketOptions: { includeRaw: true } } }]));
    expect(got.find((m) => m.id === REAL_UPDATE.id)?.raw).toBe(REAL_UPDATE.raw);
  });

  it('bgpkit: "data": null and a message without data subscribe to everything', async () => {
    const s = await serve();
    expect(ids(messagesOf(await exchange(s.url, [{ type: 'ris_subscribe', data: null }])))).toEqual(ids(MESSAGES));
    expect(ids(messagesOf(await exchange(s.url, [{ type: 'ris_subscribe' }])))).toEqual(ids(MESSAGES));
  });

  it('ping → pong, request_rrc_list → ris_rrc_list, acknowledge → ris_subscribe_ok without nulls', async () => {
    const s = await serve();
    const frames = await exchange(s.url, [
      { type: 'ping' },
      { type: 'ping', data: null },
      { type: 'request_rrc_list' },
      { type: 'ris_subscribe', data: { host: null, prefix: '192.0.2.0/24', socketOptions: { acknowledge: true, includeRaw: null } } },
    ]);
    expect(frames.slice(0, 2)).toEqual([{ type: 'pong' }, { type: 'pong' }]);
    expect(frames.find((f) => f.type === 'ris_rrc_list')).toEqual({ type: 'ris_rrc_list', data: ['rrc00', 'rrc01', 'rrc21'] });
    expect(frames.find((f) => f.type === 'ris_subscribe_ok')).toEqual({
      type: 'ris_subscribe_ok',
      data: { subscription: { prefix: '192.0.2.0/24', socketOptions: { acknowledge: true } }, socketOptions: { includeRaw: false, acknowledge: true } },
    });
    expect(messagesOf(frames)).toHaveLength(MESSAGES.filter((m) => m.withdrawals).length);
  });
});

describe('null, empty and unknown fields', () => {
  it('every field null, empty strings and an empty prefix list mean "absent"', async () => {
    const s = await serve();
    const allNull = { host: null, type: null, require: null, peer: null, path: null, prefix: null, moreSpecific: null, lessSpecific: null, includeBody: null, socketOptions: null };
    for (const data of [allNull, { host: '', require: '', peer: '', path: '', prefix: '' }, { prefix: [] }, { socketOptions: { includeRaw: null, acknowledge: null } }]) {
      const frames = await exchange(s.url, [{ type: 'ris_subscribe', data }]);
      expect(errorsOf(frames), JSON.stringify(data)).toEqual([]);
      expect(ids(messagesOf(frames)), JSON.stringify(data)).toEqual(ids(MESSAGES));
    }
  });

  it('a prefix list is one subscription per prefix; ris_unsubscribe stops one of them', async () => {
    const s = await serve();
    const frames = await exchange(s.url, [
      { type: 'ris_subscribe', data: { prefix: ['10.1.0.0/24', '10.2.0.0/24'], moreSpecific: null } },
      { type: 'ris_unsubscribe', data: { prefix: '10.1.0.0/24', host: null } },
    ]);
    expect(errorsOf(frames)).toEqual([]);
    expect(messagesOf(frames).flatMap(prefixesOf)).toEqual(['10.2.0.0/24']);
  });

  it('unknown fields and bad values get a ris_error of RIS Live\'s shape, and subscribe nothing', async () => {
    const s = await serve();
    const bad: Array<[unknown, RegExp]> = [
      [{ hots: 'rrc00' }, /unknown field "hots"/],
      [{ host: 'rrc00', filter: 1, x: null }, /unknown fields "filter", "x"/],
      [{ socketOptions: { includeraw: true } }, /socketOptions: unknown field "includeraw"/],
      [{ socketOptions: true }, /socketOptions: expected an object/],
      [{ host: 21 }, /host: expected a string/],
      [{ host: 'rrc 00' }, /host: "rrc 00"/],
      [{ type: 'FOO' }, /type: "FOO" is not one of UPDATE/],
      [{ type: ['UPDATE'] }, /type: expected a string/],
      [{ require: 1 }, /require: expected a string/],
      [{ peer: '10.0.0' }, /peer: "10.0.0" is not an IP address/],
      [{ path: 'AS3356' }, /path: "AS3356"/],
      [{ path: '1,,2' }, /path/],
      [{ path: 4294967296 }, /path: 4294967296 is not an AS number/],
      [{ path: { asn: 1 } }, /path: expected an AS number or a pattern/],
      [{ prefix: 5 }, /prefix: expected a CIDR prefix string/],
      [{ prefix: ['10.0.0.0/8', 'x'] }, /prefix\[1\]: "x" is not a CIDR prefix/],
      [{ prefix: '10.0.0.1/8' }, /prefix: "10.0.0.1\/8"/],
      [{ moreSpecific: 'yes' }, /moreSpecific: expected a boolean/],
      [{ lessSpecific: 0 }, /lessSpecific: expected a boolean/],
      [{ includeBody: 'true' }, /includeBody: expected a boolean/],
      [[], /data: expected an object, got an array/],
      ['rrc00', /data: expected an object/],
    ];
    // One socket: a refused subscription leaves the connection open, and nothing gets subscribed.
    const answers = await exchange(s.url, bad.map(([data]) => ({ type: 'ris_subscribe', data })));
    expect(answers).toHaveLength(bad.length);
    answers.forEach((frame, i) => {
      expect(frame.type, JSON.stringify(bad[i][0])).toBe('ris_error');
      expect(Object.keys(frame.data as object)).toEqual(['message']);
      expect((frame.data as { message: string }).message, JSON.stringify(bad[i][0])).toMatch(bad[i][1]);
    });
    const frames = await exchange(s.url, ['[]', 'null', '{"type":"ris_unsubscribe","data":{"prefix":"nope"}}', '{"data":{}}', '{"type":"ris_subscribe","data":{"host":"rrc00"']);
    expect(frames.map((f) => f.type)).toEqual(['ris_error', 'ris_error', 'ris_error', 'ris_error', 'ris_error']);
    expect(frames.map((f) => (f.data as { message: string }).message)).toEqual([
      expect.stringMatching(/JSON object/),
      expect.stringMatching(/JSON object/),
      expect.stringMatching(/ris_unsubscribe: prefix: "nope"/),
      expect.stringMatching(/no "type"/),
      expect.stringMatching(/not valid JSON/),
    ]);
  });

  it('a bad subscription after a good one leaves the good one running', async () => {
    const s = await serve();
    const frames = await exchange(s.url, [
      { type: 'ris_subscribe', data: { host: 'rrc00' } },
      { type: 'ris_subscribe', data: { host: 'rrc01', type: 'update', hots: 1 } },
    ]);
    expect(errorsOf(frames)).toHaveLength(1);
    expect(ids(messagesOf(frames))).toEqual(ids(MESSAGES.filter((m) => m.host === 'rrc00')));
  });
});

describe('subscription parsing (no socket)', () => {
  it('path patterns: anchors, negation and AS_SETs', () => {
    const m = (p: number | string, path: Array<number | number[]>) => pathExpressionMatches(parsePathExpression(p), path);
    expect(m(3356, [1, 3356, 2])).toBe(true);
    expect(m('^1,3356', [1, 3356, 2])).toBe(true);
    expect(m('^3356', [1, 3356, 2])).toBe(false);
    expect(m('2$', [1, 3356, 2])).toBe(true);
    expect(m('!2$', [1, 3356, 2])).toBe(false);
    expect(m('!^3333', [1, 3356, 2])).toBe(true);
    expect(m('^123,456,789,[789,10111]$', [123, 456, 789, [10111, 789]])).toBe(true);
    expect(m('[789,10111]$', [123, [789]])).toBe(false);
    expect(m('789', [123, [789, 10111]])).toBe(true);
    expect(m('1,2,3', [1, 2])).toBe(false);
    for (const bad of ['', '!', '^$', '1,', ',1', '[1,]', '[]', '1 2', 'AS1', '1$2', '99999999999']) expect(() => parsePathExpression(bad), bad).toThrow(RisProtocolError);
  });

  it('defaults apply only with a prefix, and equal subscriptions have equal filters', () => {
    expect(parseSubscription({ prefix: '10.0.0.0/8' }).filters).toEqual([{ prefix: '10.0.0.0/8', moreSpecific: true, lessSpecific: false }]);
    expect(parseSubscription({ moreSpecific: false, host: 'RRC21.ripe.net' }).filters).toEqual([{ host: 'rrc21' }]);
    expect(parseSubscription({ type: 'update', socketOptions: { includeRaw: true } })).toEqual({ filters: [{ type: 'UPDATE' }], socketOptions: { includeRaw: true } });
    expect(parseSubscription({ prefix: ['10.0.0.0/8', '10.0.0.0/8'] }).filters).toHaveLength(1);
  });
});
