import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RouteEvent } from '../../../collector/models/route-event.js';
import { PrefixState } from '../../../analyzer/state/index.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../../helpers/shared-data.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { parseAsPath, readBgpdumpText } from './bgpdump-text.js';
import { makeClassifier } from './classifier.js';

const RIB = 'bgpdump-text/bview.20100701.0759.gz.bgp.gz';

/** The origin as the test reads it straight from the path text, independently of the state. */
function originKey(asPathText: string): string {
  const last = asPathText.trim().split(' ').pop()!;
  return last.startsWith('{') ? [...new Set(last.slice(1, -1).split(',').map(Number))].sort((a, b) => a - b).join(',') : last;
}

describe.skipIf(!hasSharedData)(`real RIB through the prefix state (${hasSharedData ? RIB : sharedDataSkipReason})`, () => {
  it('pairs, prefixes, peers and visibility match an independent count of the RIB lines', { timeout: 300_000 }, async () => {
    const classify = makeClassifier([4134, 4837]);
    const state = new PrefixState();
    const events: RouteEvent[] = [];
    for await (const e of readBgpdumpText(sharedData(RIB), 'rrc06')) events.push(e);
    expect(events.length).toBe(641_957);

    const pairs = new Set<string>();
    const prefixes = new Set<string>();
    const peerPrefix = new Set<string>();
    const perPeer = new Map<string, Set<string>>();
    const peers = new Set(events.map((e) => e.peer_ip));
    // Routes with an empty AS path (this RIB holds one: a RIS beacon from an iBGP peer) have no origin.
    const withoutOrigin = events.filter((e) => e.as_path!.length === 0).length;
    expect(withoutOrigin).toBe(1);
    for (const e of events) {
      if (e.as_path!.length === 0) continue;
      // Rebuild the path text to derive the origin without the state's origin code.
      const pathText = e.as_path!.map((s) => (s.type === 'AS_SET' ? `{${s.asns.join(',')}}` : s.asns.join(' '))).join(' ');
      pairs.add(`${e.prefix} ${originKey(pathText)}`);
      prefixes.add(e.prefix);
      peerPrefix.add(`${e.peer_ip} ${e.prefix}`);
      const set = perPeer.get(e.peer_ip) ?? new Set<string>();
      set.add(e.prefix);
      perPeer.set(e.peer_ip, set);
    }

    let started = 0;
    for (const e of events) started += state.apply(e, classify).filter((l) => l.type === 'finding-started').length;
    expect(state.size()).toEqual({ prefixes: prefixes.size, pairs: pairs.size, peers: peers.size });
    expect(state.counters.badEvents).toBe(0);
    expect(state.counters.announcesWithoutOrigin).toBe(withoutOrigin);

    let visibilitySum = 0;
    let flaggedPairs = 0;
    state.forEachPair((_prefix, pair) => {
      visibilitySum += pair.peers;
      if (pair.severity !== 'none') flaggedPairs++;
    });
    expect(visibilitySum).toBe(peerPrefix.size);
    expect(started).toBe(flaggedPairs);
    expect(flaggedPairs).toBeGreaterThan(0);
    // One classification per pair for a RIB load (plus those needed for MOAS origin-changed events).
    expect(state.counters.classifications).toBeGreaterThanOrEqual(pairs.size);

    // A peer going down removes exactly its routes.
    const [peerIp, peerPrefixes] = [...perPeer.entries()][0];
    const peerEvent = events.find((e) => e.peer_ip === peerIp)!;
    state.peerDown({ collector: 'rrc06', peer_ip: peerIp, peer_asn: peerEvent.peer_asn, timestamp: 1277971200 }, classify);
    let after = 0;
    state.forEachPair((_p, pair) => (after += pair.peers));
    expect(after).toBe(peerPrefix.size - peerPrefixes.size);

    // And the whole table survives a snapshot.
    const dir = makeTmpDir('state-real');
    const path = join(dir, 'rib.state.gz');
    await state.snapshot(path);
    const restored = await PrefixState.restore(path);
    rmSync(dir, { recursive: true, force: true });
    expect(restored.size()).toEqual(state.size());
    expect(restored.get('1.12.0.0/14')).toEqual(state.get('1.12.0.0/14'));
  });

  it('the path parser keeps AS_SETs', () => {
    expect(parseAsPath('4777 2516 3549 21877 {4237}')).toEqual([
      { type: 'AS_SEQUENCE', asns: [4777, 2516, 3549, 21877] },
      { type: 'AS_SET', asns: [4237] },
    ]);
  });
});
