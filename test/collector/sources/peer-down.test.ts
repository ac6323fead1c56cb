/**
 * A peer's session going down reaches the reader in its place among the events: from MRT state
 * changes (BGP4MP, written by the test encoder) and RIS Live RIS_PEER_STATE messages (a JSONL
 * capture, and the live client against the replay server), through every way a source is read.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PeerDown } from '../../../collector/models/peer-down.js';
import type { RouteEvent } from '../../../collector/models/route-event.js';
import { peerDownOf } from '../../../collector/mrt/index.js';
import { stateChangeToRis } from '../../../collector/replay/mrt-to-ris.js';
import { startReplayServer } from '../../../collector/replay/server.js';
import { withPeerStates } from '../../../collector/rislive/client.js';
import { peerDownOfRis } from '../../../collector/rislive/decode.js';
import type { RisMessageData } from '../../../collector/rislive/protocol.js';
import { FileSource, RisLiveSource } from '../../../collector/sources/index.js';
import * as enc from '../../helpers/mrt-encoder.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { syntheticMessages, writeCapture } from '../rislive/fixtures.js';

const dir = makeTmpDir('peer-down');
const P1 = { peerIp: '192.0.2.1', peerAsn: 65001, localIp: '192.0.2.254', localAsn: 65000 };
const P2 = { peerIp: '2001:db8::2', peerAsn: 65002, localIp: '2001:db8::fe', localAsn: 65000 };
const T = 1_700_000_000;

const announce = (peer: typeof P1, p: string, seconds: number) =>
  enc.bgp4mpMessage(peer, enc.update({ attrs: [enc.origin(0), enc.asPath([{ type: 2, asns: [peer.peerAsn, 64500] }]), enc.nextHop('192.0.2.1')], nlri: [enc.prefix(p)] }), 4, { seconds });

/**
 * rrc03: P1 announces, its session goes down (6 → 1), other transitions that end no session
 * (1 → 2, 3 → 6, P2's 5 → 6), P1 again down, then an announcement after it.
 */
const mrtFile = join(dir, 'rrc03', 'updates.mrt');
mkdirSync(join(dir, 'rrc03'));
writeFileSync(
  mrtFile,
  Buffer.concat([
    announce(P1, '10.0.0.0/8', T),
    enc.bgp4mpStateChange(P1, 6, 1, true, undefined, T + 1),
    enc.bgp4mpStateChange(P1, 1, 2, true, undefined, T + 2),
    enc.bgp4mpStateChange(P1, 3, 6, true, undefined, T + 3),
    enc.bgp4mpStateChange(P2, 5, 6, false, 250_000, T + 3),
    announce(P1, '11.0.0.0/8', T + 4),
    enc.bgp4mpStateChange(P2, 6, 2, false, 500_000, T + 5),
    announce(P1, '12.0.0.0/8', T + 6),
  ]),
);
const EXPECTED = ['announce 10.0.0.0/8', `down rrc03 192.0.2.1 65001 ${T + 1}`, 'announce 11.0.0.0/8', `down rrc03 2001:db8::2 65002 ${T + 5.5}`, 'announce 12.0.0.0/8'];

const downText = (d: PeerDown) => `down ${d.collector} ${d.peer_ip} ${d.peer_asn} ${d.timestamp}`;

describe('peer downs from MRT state changes', () => {
  it('eventBatches and events call the hook in order, once the events before are taken, and wait for it', async () => {
    for (const read of ['eventBatches', 'events'] as const) {
      const seen: string[] = [];
      let pending = 0;
      const hooks = {
        peerDown: async (d: PeerDown) => {
          seen.push(downText(d));
          // The source must wait for the reader's withdrawals before its next event.
          pending++;
          await new Promise((r) => setTimeout(r, 5));
          pending--;
        },
      };
      const source = new FileSource([mrtFile]);
      const take = (e: RouteEvent) => {
        expect(pending).toBe(0);
        seen.push(`${e.elem_type} ${e.prefix}`);
      };
      if (read === 'eventBatches') for await (const batch of source.eventBatches(hooks)) batch.forEach(take);
      else for await (const e of source.events(hooks)) take(e);
      expect(seen, read).toEqual(EXPECTED);
      // A state change is a record, not an element; the downs are counted.
      expect(source.stats()).toMatchObject({ messages: 8, elements: 3, errors: 0, peerDowns: 2 });
    }
  });

  it('without a hook the events are the same', async () => {
    const events: string[] = [];
    for await (const e of new FileSource([mrtFile]).events()) events.push(`${e.elem_type} ${e.prefix}`);
    expect(events).toEqual(EXPECTED.filter((s) => s.startsWith('announce')));
  });

  it('readRoutes hands them to the visitor in the same place', async () => {
    const seen: string[] = [];
    const source = new FileSource([mrtFile]);
    await source.readRoutes({
      ribEntry: () => seen.push('rib entry'),
      event: (e) => seen.push(`${e.elem_type} ${e.prefix}`),
      peerDown: (d) => seen.push(downText(d)),
    });
    expect(seen).toEqual(EXPECTED);
    expect(source.stats().peerDowns).toBe(2);
  });

  it('peerDownOf: only a change out of Established, in either MRT state-change type', () => {
    const base = { timestamp: T, peerAsn: 65001, peerIp: '192.0.2.1' };
    const bgp4mp = { ...base, kind: 'bgp4mp-state-change' as const, localAsn: 0, afi: 1, localIp: '192.0.2.254' };
    expect(peerDownOf({ ...bgp4mp, oldState: 6, newState: 1 } as never)).toEqual({ timestamp: T, peer_ip: '192.0.2.1', peer_asn: 65001 });
    expect(peerDownOf({ ...bgp4mp, oldState: 1, newState: 6 } as never)).toBeNull();
    expect(peerDownOf({ ...bgp4mp, oldState: 2, newState: 1 } as never)).toBeNull();
    expect(peerDownOf({ ...base, kind: 'bgp-legacy-state-change', oldState: 6, newState: 3 } as never)).toEqual({ timestamp: T, peer_ip: '192.0.2.1', peer_asn: 65001 });
    expect(peerDownOf({ ...base, kind: 'other', description: 'x' } as never)).toBeNull();
  });
});

/** A RIS_PEER_STATE message (as RIS Live sends it: the peer's ASN as a string). */
const peerState = (state: string, timestamp: number, host = 'rrc21.ripe.net', peer_asn = '65001'): RisMessageData => ({
  timestamp,
  peer: '192.0.2.1',
  peer_asn,
  id: `192.0.2.1-${timestamp}`,
  host,
  type: 'RIS_PEER_STATE',
  state,
});

describe('peer downs from RIS Live RIS_PEER_STATE', () => {
  const updates = syntheticMessages(4, T);
  const msgs = [updates[0], updates[1], peerState('down', T + 1.5), peerState('connected', T + 1.6), updates[2], peerState('down', T + 2.5, 'rrc21', 'x'), updates[3]];
  const capture = writeCapture(dir, 'states.jsonl', msgs);
  const expected = ['announce 10.0.0.0/24', 'withdraw 192.0.2.0/24', 'announce 10.1.0.0/24', `down rrc21 192.0.2.1 65001 ${T + 1.5}`, 'announce 10.2.0.0/24', 'announce 10.3.0.0/24'];

  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  it('peerDownOfRis: `down` only, with a valid ASN; the collector without .ripe.net', () => {
    expect(peerDownOfRis(peerState('down', T))).toEqual({ timestamp: T, collector: 'rrc21', peer_ip: '192.0.2.1', peer_asn: 65001 });
    expect(peerDownOfRis(peerState('connected', T))).toBeNull();
    expect(peerDownOfRis(peerState('down', T, 'rrc21', 'AS1'))).toBeNull();
    expect(peerDownOfRis(updates[0])).toBeNull();
  });

  it('a JSONL capture calls the hook in its place', async () => {
    const seen: string[] = [];
    const source = new FileSource([capture]);
    for await (const e of source.events({ peerDown: (d) => void seen.push(downText(d)) })) seen.push(`${e.elem_type} ${e.prefix}`);
    expect(seen).toEqual(expected);
    expect(source.stats().peerDowns).toBe(1);
  });

  /** What the live client reads of `file` from the replay server, up to `count` events and downs, and the downs it counted. */
  async function readLive(file: string, count: number): Promise<{ seen: string[]; peerDowns: number | undefined }> {
    const server = await startReplayServer({ files: [file], speed: 0 });
    cleanup.push(() => server.close());
    // One subscription to everything: the replay starts with it, so nothing precedes it.
    const source = new RisLiveSource({ url: server.url, subscriptions: [{}], overflow: 'pause', lagThresholdSec: 0 });
    cleanup.push(() => source.close());
    const seen: string[] = [];
    for await (const e of source.events({ peerDown: (d) => void seen.push(downText(d)) })) {
      seen.push(`${e.elem_type} ${e.prefix}`);
      if (seen.length >= count) break;
    }
    return { seen, peerDowns: source.stats().peerDowns };
  }

  it('the live client calls the hook in its place (against the replay server)', async () => {
    expect(await readLive(capture, expected.length)).toEqual({ seen: expected, peerDowns: 1 });
  });

  it('an MRT file replayed by the replay server (state changes as RIS_PEER_STATE) gives them in the same places', async () => {
    expect(await readLive(mrtFile, EXPECTED.length)).toEqual({ seen: EXPECTED, peerDowns: 2 });
  });

  it('stateChangeToRis: up into Established, down out of it, nothing else', () => {
    const record = { kind: 'bgp4mp-state-change' as const, offset: 0, seconds: T, microseconds: 0, timestamp: T, mrtType: 16, mrtSubtype: 5, peerAsn: 65001, localAsn: 65000, afi: 1, peerIp: '192.0.2.1', localIp: '192.0.2.254' };
    const state = (oldState: number, newState: number) => stateChangeToRis({ ...record, oldState, newState }, 'rrc03', 1)?.state ?? null;
    expect([state(5, 6), state(6, 1), state(6, 2), state(1, 2), state(3, 4)]).toEqual(['up', 'down', 'down', null, null]);
  });

  it('UPDATE-only subscriptions get their collectors\' and peers\' RIS_PEER_STATE too, sent with them', async () => {
    expect(withPeerStates([{ type: 'UPDATE', socketOptions: { includeRaw: true } }])).toEqual([[{ type: 'UPDATE', socketOptions: { includeRaw: true } }, { type: 'RIS_PEER_STATE' }]]);
    expect(
      withPeerStates([
        { type: 'UPDATE', host: 'rrc01', prefix: '10.0.0.0/8' },
        { type: 'UPDATE', host: 'rrc01', path: 3333 },
        { type: 'UPDATE', host: 'rrc02', peer: '192.0.2.1' },
        { host: 'rrc03' },
      ]),
    ).toEqual([
      [{ type: 'UPDATE', host: 'rrc01', prefix: '10.0.0.0/8' }, { type: 'RIS_PEER_STATE', host: 'rrc01' }],
      [{ type: 'UPDATE', host: 'rrc01', path: 3333 }],
      [{ type: 'UPDATE', host: 'rrc02', peer: '192.0.2.1' }, { type: 'RIS_PEER_STATE', host: 'rrc02', peer: '192.0.2.1' }],
      [{ host: 'rrc03' }],
    ]);
    // The default subscription goes out with its peer states, at once: the server hears both,
    // though the next group of subscriptions would wait a minute.
    const server = await startReplayServer({ files: [capture], speed: 0 });
    cleanup.push(() => server.close());
    const source = new RisLiveSource({ url: server.url, subscribeSpacingMs: 60_000, lagThresholdSec: 0 });
    cleanup.push(() => source.close());
    const it = source.events()[Symbol.asyncIterator]();
    await it.next();
    const deadline = Date.now() + 30_000;
    while (server.stats().subscriptions < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(server.stats().subscriptions).toBe(2);
  });
});
