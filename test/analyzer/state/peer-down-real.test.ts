/**
 * Real MRT files whose peers' sessions go down holding routes (RIS 2000 and 2010 updates, a
 * Quagga dump; mrtparse's BIRD dumps have such downs too, but bgpdump misreads their prefixes): the routing state `index build` and `ingest` keep must hold, at the end of
 * each file, exactly the routes an independent replay of `bgpdump -m`'s lines says, where a
 * STATE line out of Established (6) drops every route of that peer.
 */
import { describe, expect, it } from 'vitest';
import { tableFromSource } from '../../../analyzer/accounting/from-files.js';
import type { PrefixState } from '../../../analyzer/state/index.js';
import { FileSource } from '../../../collector/sources/index.js';
import { bgpdumpSkipReason, bgpdumpText, hasBgpdump } from '../../helpers/bgpdump.js';
import { elementsOnly } from '../../helpers/elements-only.js';
import { hasSharedData, sharedData } from '../../helpers/shared-data.js';

const FILES = [
  ['bgpkit-fixtures', 'rrc01', '2000.11', 'updates.20001104.0124.gz'],
  ['bgpkit-fixtures', 'rrc03', '2010.02', 'updates.20100227.1600.first-796-records.gz'],
  ['mrtparse-samples', 'quagga_bgp'],
  ['bgpdump-testdata', 'updates.20160811.1600.gz'],
];

/** Per `bgpdump -m`: the routes held at the end, the withdrawals the file holds, and the routes the downs took. */
function replayByHand(file: string): { held: number; withdrawals: number; withdrawnByDowns: number } {
  const text = bgpdumpText(file);
  const held = new Map<string, Set<string>>();
  let withdrawals = 0;
  let withdrawnByDowns = 0;
  for (const line of text.split('\n')) {
    // STATE lines: …|STATE|ip|asn|old state|new state, in the prefix and path places.
    const [, , kind, ip, asn, prefix, path] = line.split('|');
    const peer = `${ip} ${asn}`;
    const routes = held.get(peer) ?? held.set(peer, new Set()).get(peer)!;
    if (kind === 'W') withdrawals++;
    // An announcement without a path (no origin) replaces the peer's route and adds none.
    if (kind === 'A' || kind === 'B') path.trim() ? routes.add(prefix) : routes.delete(prefix);
    else if (kind === 'W') routes.delete(prefix);
    else if (kind === 'STATE' && prefix === '6' && path !== '6') {
      withdrawnByDowns += routes.size;
      held.delete(peer);
    }
  }
  return { held: [...held.values()].reduce((a, r) => a + r.size, 0), withdrawals, withdrawnByDowns };
}

const routesHeld = (state: PrefixState): number => {
  let n = 0;
  state.forEachPair((_prefix, pair) => (n += pair.peers));
  return n;
};

describe.skipIf(!hasSharedData || !hasBgpdump)(`peer downs in real files: the routes held at the end are bgpdump's replayed by hand ${bgpdumpSkipReason}`, () => {
  let withdrawnInAll = 0;
  it.each(FILES.map((parts) => [parts.join('/'), parts] as const))('%s', async (_name, parts) => {
    const file = sharedData('mrt', ...parts);
    const expected = replayByHand(file);
    withdrawnInAll += expected.withdrawnByDowns;
    // Both ways a reader takes them: RIB-style routes (index build) and the element stream (ingest, run).
    for (const { state } of [await tableFromSource(new FileSource([file])), await tableFromSource(elementsOnly([file]))]) {
      expect(routesHeld(state)).toBe(expected.held);
      // The file's withdrawals, and one for each route a down took.
      expect(state.counters.withdraws).toBe(expected.withdrawals + expected.withdrawnByDowns);
    }
  });

  it('the files exercise it: their downs took routes', () => {
    // 21 + 16 + 9 routes (the 2016 file's 22 downs are of peers that announced nothing in it).
    expect(withdrawnInAll).toBe(46);
  });
});
