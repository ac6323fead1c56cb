import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { log, setLogger, type Logger } from '../../../common/log.js';
import type { RouteEvent } from '../../../collector/models/route-event.js';
import type { LifecycleEvent } from '../../../analyzer/models/lifecycle.js';
import { PrefixState } from '../../../analyzer/state/index.js';
import { makeClassifier } from './classifier.js';

const P1 = { collector: 'rrc00', peer_ip: '192.0.2.1', peer_asn: 64500 };
const P2 = { collector: 'rrc00', peer_ip: '192.0.2.2', peer_asn: 64501 };
const P3 = { collector: 'rrc01', peer_ip: '2001:db8::3', peer_asn: 64502 };

const announce = (peer: typeof P1, time: number, prefix: string, path: number[], extra: Partial<RouteEvent> = {}): RouteEvent => ({
  ...peer,
  timestamp: time,
  elem_type: 'announce',
  prefix,
  as_path: [{ type: 'AS_SEQUENCE', asns: path }],
  atomic: false,
  ...extra,
});
const withdraw = (peer: typeof P1, time: number, prefix: string, extra: Partial<RouteEvent> = {}): RouteEvent => ({
  ...peer,
  timestamp: time,
  elem_type: 'withdraw',
  prefix,
  atomic: false,
  ...extra,
});

/** Lifecycle events reduced to what the tests compare. */
const brief = (events: LifecycleEvent[]) =>
  events.map((e) =>
    e.type === 'finding-started'
      ? { type: e.type, time: e.time, prefix: e.finding.prefix, origins: e.finding.originAsns }
      : e.type === 'finding-ended'
        ? { type: e.type, time: e.time, reason: e.reason, prefix: e.finding.prefix, origins: e.finding.originAsns }
        : { type: e.type, time: e.time, prefix: e.prefix, previous: e.previousOriginAsns, origins: e.finding.originAsns },
  );

/** Captures what the state logs (structured JSON lines). */
function captureLog(): { lines: Record<string, unknown>[]; restore: () => void } {
  const lines: Record<string, unknown>[] = [];
  const previous: Logger = log;
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l));
      done();
    },
  });
  setLogger(pino({ level: 'debug' }, sink));
  return { lines, restore: () => setLogger(previous) };
}

describe('PrefixState lifecycle', () => {
  const X = '154.80.0.0/16';
  let classify = makeClassifier([65001]);
  beforeEach(() => {
    classify = makeClassifier([65001]);
  });

  it('starts a finding on the first announcement, not on the second peer', () => {
    const s = new PrefixState();
    expect(brief(s.apply(announce(P1, 100, X, [64500, 65001]), classify))).toEqual([
      { type: 'finding-started', time: 100, prefix: X, origins: [65001] },
    ]);
    expect(s.apply(announce(P2, 101, X, [64501, 3356, 65001]), classify)).toEqual([]);
    expect(s.visibility(X, 65001)).toBe(2);
    expect(s.get(X)).toEqual([
      { origin: 65001, originAsns: [65001], firstSeen: 100, lastSeen: 101, peers: 2, severity: 'medium', kinds: ['origin-out-of-region', 'legacy'] },
    ]);
    expect(s.size()).toEqual({ prefixes: 1, pairs: 1, peers: 2 });
    // Classified once, when the pair appeared, with visibility 1.
    expect(classify.calls).toEqual([{ prefix: X, originAsns: [65001], visibility: 1 }]);
  });

  it('a repeated announcement only moves lastSeen', () => {
    const s = new PrefixState();
    s.apply(announce(P1, 100, X, [64500, 65001]), classify);
    expect(s.apply(announce(P1, 150, X, [64500, 174, 65001]), classify)).toEqual([]);
    expect(s.get(X)[0]).toMatchObject({ firstSeen: 100, lastSeen: 150, peers: 1 });
    expect(classify.calls).toHaveLength(1);
  });

  it('implicit withdraw by re-announcement with another origin from the only peer', () => {
    const s = new PrefixState();
    s.apply(announce(P1, 100, X, [64500, 65001]), classify);
    const ev = s.apply(announce(P1, 200, X, [64500, 65002]), classify);
    expect(brief(ev)).toEqual([
      { type: 'finding-ended', time: 200, reason: 'withdrawn', prefix: X, origins: [65001] },
      { type: 'origin-changed', time: 200, prefix: X, previous: [65001], origins: [65002] },
    ]);
    expect(s.visibility(X, 65001)).toBe(0);
    expect(s.visibility(X, 65002)).toBe(1);
    expect(s.get(X).map((p) => [p.origin, p.peers, p.lastSeen, p.severity])).toEqual([
      [65001, 0, 200, 'medium'],
      [65002, 1, 200, 'none'],
    ]);
    // And back: the flagged pair is revived, its finding starts again.
    expect(brief(s.apply(announce(P1, 300, X, [64500, 65001]), classify))).toEqual([
      { type: 'finding-started', time: 300, prefix: X, origins: [65001] },
      { type: 'origin-changed', time: 300, prefix: X, previous: [65002], origins: [65001] },
    ]);
    expect(s.get(X)[0].firstSeen).toBe(100);
  });

  it('origin move seen by two peers: MOAS addition, then removal', () => {
    const s = new PrefixState();
    s.apply(announce(P1, 100, X, [64500, 65002]), classify);
    s.apply(announce(P2, 100, X, [64501, 65002]), classify);
    expect(brief(s.apply(announce(P1, 110, X, [64500, 65001]), classify))).toEqual([
      { type: 'finding-started', time: 110, prefix: X, origins: [65001] },
      { type: 'origin-changed', time: 110, prefix: X, previous: [65002], origins: [65001] },
    ]);
    expect(brief(s.apply(announce(P2, 120, X, [64501, 65001]), classify))).toEqual([
      { type: 'origin-changed', time: 120, prefix: X, previous: [65001, 65002], origins: [65001] },
    ]);
    expect(s.visibility(X, 65001)).toBe(2);
    expect(s.visibility(X, 65002)).toBe(0);
  });

  it('MOAS: two origins visible at once, each with its own visibility', () => {
    const s = new PrefixState();
    const Y = '2001:db8::/32';
    expect(s.apply(announce(P1, 1, Y, [64500, 65010]), classify)).toEqual([]);
    expect(brief(s.apply(announce(P2, 2, Y, [64501, 65011]), classify))).toEqual([
      { type: 'origin-changed', time: 2, prefix: Y, previous: [65010], origins: [65011] },
    ]);
    s.apply(announce(P3, 3, Y, [64502, 65011]), classify);
    expect(s.get(Y).map((p) => [p.origin, p.peers])).toEqual([
      [65010, 1],
      [65011, 2],
    ]);
    expect(s.size()).toEqual({ prefixes: 1, pairs: 2, peers: 3 });
  });

  it('last peer withdrawing ends the finding as withdrawn; unknown withdrawals are only counted', () => {
    const s = new PrefixState();
    s.apply(announce(P1, 100, X, [64500, 65001]), classify);
    s.apply(announce(P2, 100, X, [64501, 65001]), classify);
    expect(s.apply(withdraw(P1, 150, X), classify)).toEqual([]);
    expect(s.visibility(X, 65001)).toBe(1);
    expect(brief(s.apply(withdraw(P2, 160, X), classify))).toEqual([
      { type: 'finding-ended', time: 160, reason: 'withdrawn', prefix: X, origins: [65001] },
    ]);
    expect(s.get(X)[0]).toMatchObject({ peers: 0, lastSeen: 160, firstSeen: 100 });
    expect(s.apply(withdraw(P2, 170, X), classify)).toEqual([]);
    expect(s.apply(withdraw(P3, 170, '10.0.0.0/8'), classify)).toEqual([]);
    expect(s.counters.withdrawsUnknown).toBe(2);
    expect(s.size().pairs).toBe(1);
  });

  it('reclassification ends findings as restored and starts new ones; withdrawn pairs wait until they return', () => {
    const s = new PrefixState();
    const Z = '41.0.0.0/16';
    s.apply(announce(P1, 100, X, [64500, 65001]), classify);
    s.apply(announce(P1, 100, Z, [64500, 65003]), classify);
    s.apply(announce(P2, 100, '41.1.0.0/16', [64501, 65003]), classify);
    s.apply(withdraw(P2, 101, '41.1.0.0/16'), classify);
    classify.flagged = new Set([65003]);
    classify.calls.length = 0;
    expect(brief(s.reclassifyAll(classify, 500))).toEqual([
      { type: 'finding-ended', time: 500, reason: 'restored', prefix: X, origins: [65001] },
      { type: 'finding-started', time: 500, prefix: Z, origins: [65003] },
    ]);
    // Two visible pairs reclassified, with their current visibility; the withdrawn one skipped.
    expect(classify.calls).toEqual([
      { prefix: X, originAsns: [65001], visibility: 1 },
      { prefix: Z, originAsns: [65003], visibility: 1 },
    ]);
    expect(s.get(X)[0].severity).toBe('none');
    expect(brief(s.apply(announce(P2, 600, '41.1.0.0/16', [64501, 65003]), classify))).toEqual([
      { type: 'finding-started', time: 600, prefix: '41.1.0.0/16', origins: [65003] },
    ]);
  });

  it('peerDown withdraws everything the peer announced', () => {
    const s = new PrefixState();
    const Y = '196.0.0.0/16';
    s.apply(announce(P1, 1, X, [64500, 65001]), classify);
    s.apply(announce(P2, 1, X, [64501, 65001]), classify);
    s.apply(announce(P1, 1, Y, [64500, 65001]), classify);
    s.apply(announce(P1, 1, '2001:db8::/32', [64500, 65002]), classify);
    s.apply(announce(P2, 1, '2001:db8::/32', [64501, 65003]), classify);
    const ev = s.peerDown({ ...P1, timestamp: 50 }, classify);
    expect(brief(ev)).toEqual([
      { type: 'finding-ended', time: 50, reason: 'withdrawn', prefix: Y, origins: [65001] },
      { type: 'origin-changed', time: 50, prefix: '2001:db8::/32', previous: [65002, 65003], origins: [65003] },
    ]);
    expect(s.visibility(X, 65001)).toBe(1);
    expect(s.visibility(Y, 65001)).toBe(0);
    expect(s.peerDown({ ...P1, peer_asn: 1, timestamp: 60 }, classify)).toEqual([]);
    // The peer comes back: its announcements count again.
    expect(brief(s.apply(announce(P1, 70, Y, [64500, 65001]), classify))).toEqual([
      { type: 'finding-started', time: 70, prefix: Y, origins: [65001] },
    ]);
  });

  it('AS_SET origins and origin_asns', () => {
    const s = new PrefixState();
    const e = announce(P1, 1, '20.137.0.0/21', []);
    e.as_path = [
      { type: 'AS_SEQUENCE', asns: [64500, 21877] },
      { type: 'AS_SET', asns: [4237, 65001, 4237] },
    ];
    expect(brief(s.apply(e, classify))).toEqual([{ type: 'finding-started', time: 1, prefix: '20.137.0.0/21', origins: [4237, 65001] }]);
    expect(s.get('20.137.0.0/21')[0]).toMatchObject({ origin: 4237, originAsns: [4237, 65001] });
    // origin_asns, when the collector gives it, wins over the path.
    s.apply({ ...announce(P2, 2, '20.137.0.0/21', [64501, 9]), origin_asns: [65001, 4237] }, classify);
    expect(s.get('20.137.0.0/21')).toHaveLength(1);
    expect(s.visibility('20.137.0.0/21', 4237)).toBe(2);
  });

  it('ADD-PATH: paths of one peer are separate sources; peerDown removes them all', () => {
    const s = new PrefixState();
    s.apply(announce(P1, 1, X, [64500, 65002], { path_id: 1 }), classify);
    s.apply(announce(P1, 1, X, [64500, 174, 65002], { path_id: 2 }), classify);
    s.apply(announce(P1, 1, X, [64500, 65003], { path_id: 3 }), classify);
    expect(s.visibility(X, 65002)).toBe(2);
    s.apply(withdraw(P1, 2, X, { path_id: 1 }), classify);
    expect(s.visibility(X, 65002)).toBe(1);
    expect(s.size().peers).toBe(1);
    s.peerDown({ ...P1, timestamp: 3 }, classify);
    expect(s.visibility(X, 65002) + s.visibility(X, 65003)).toBe(0);
  });

  it('many peers: bitsets widen and visibility stays exact', () => {
    const s = new PrefixState();
    const prefixes = Array.from({ length: 50 }, (_, i) => `10.${i}.0.0/16`);
    for (let peer = 0; peer < 300; peer++) {
      const p = { collector: 'rrc00', peer_ip: `192.0.2.${peer % 256}`, peer_asn: 64500 + peer };
      for (const [k, prefix] of prefixes.entries()) if ((peer + k) % 3 !== 0) s.apply(announce(p, peer, prefix, [p.peer_asn, 65000 + k]), classify);
    }
    for (const [k, prefix] of prefixes.entries()) {
      const expected = Array.from({ length: 300 }, (_, peer) => peer).filter((peer) => (peer + k) % 3 !== 0).length;
      expect(s.visibility(prefix, 65000 + k)).toBe(expected);
    }
    s.peerDown({ collector: 'rrc00', peer_ip: '192.0.2.44', peer_asn: 64544, timestamp: 1000 }, classify);
    expect(s.visibility('10.0.0.0/16', 65000)).toBe(199);
    expect(s.size()).toEqual({ prefixes: 50, pairs: 50, peers: 300 });
  });
});

describe('PrefixState bad input and limits', () => {
  let captured: ReturnType<typeof captureLog>;
  beforeEach(() => {
    captured = captureLog();
  });
  afterEach(() => captured.restore());

  it('skips malformed events with a structured warning and keeps going', () => {
    const classify = makeClassifier();
    const s = new PrefixState();
    const bad = [
      { ...announce(P1, 1, 'nonsense', [1]) },
      { ...announce(P1, Number.NaN, '10.0.0.0/8', [1]) },
      { ...announce(P1, 1, '10.0.0.0/8', [1]), elem_type: 'update' } as unknown as RouteEvent,
      null as unknown as RouteEvent,
    ];
    for (const e of bad) expect(s.apply(e, classify)).toEqual([]);
    s.apply(announce(P1, 2, '10.0.0.0/8', [64500, 1]), classify);
    expect(s.counters.badEvents).toBe(4);
    expect(s.size()).toEqual({ prefixes: 1, pairs: 1, peers: 1 });
    const warnings = captured.lines.filter((l) => l.msg === 'prefix state: event skipped');
    expect(warnings).toHaveLength(4);
    expect(warnings[0]).toMatchObject({ level: 40, prefix: 'nonsense', peer_ip: P1.peer_ip });
  });

  it('an announcement without origin replaces the peer route and adds none', () => {
    const classify = makeClassifier([65001]);
    const s = new PrefixState();
    s.apply(announce(P1, 1, '10.0.0.0/8', [64500, 65001]), classify);
    const ev = s.apply({ ...announce(P1, 2, '10.0.0.0/8', []), as_path: [] }, classify);
    expect(brief(ev)).toEqual([{ type: 'finding-ended', time: 2, reason: 'withdrawn', prefix: '10.0.0.0/8', origins: [65001] }]);
    expect(s.counters.announcesWithoutOrigin).toBe(1);
    expect(s.visibility('10.0.0.0/8', 65001)).toBe(0);
  });

  it('a throwing classifier is counted and logged, and the pair is classified again later', () => {
    let fail = true;
    const inner = makeClassifier([65001]);
    const classify = (p: string, o: number[], v: number) => {
      if (fail) throw new Error('registry not loaded');
      return inner(p, o, v);
    };
    const s = new PrefixState();
    expect(s.apply(announce(P1, 1, '10.0.0.0/8', [64500, 65001]), classify)).toEqual([]);
    expect(s.counters.classifyErrors).toBe(1);
    expect(captured.lines.some((l) => l.prefix === '10.0.0.0/8' && String(l.err).includes('registry not loaded'))).toBe(true);
    fail = false;
    expect(brief(s.reclassifyAll(classify, 5))).toEqual([{ type: 'finding-started', time: 5, prefix: '10.0.0.0/8', origins: [65001] }]);
  });

  it('maxPairs evicts the oldest withdrawn pairs first, counted and logged', () => {
    const classify = makeClassifier();
    const s = new PrefixState({ maxPairs: 10 });
    for (let i = 0; i < 10; i++) s.apply(announce(P1, i, `10.${i}.0.0/16`, [64500, 65000 + i]), classify);
    // Withdraw 3, 1, 7 in that order: 3 is the oldest withdrawn.
    s.apply(withdraw(P1, 20, '10.3.0.0/16'), classify);
    s.apply(withdraw(P1, 21, '10.1.0.0/16'), classify);
    s.apply(withdraw(P1, 22, '10.7.0.0/16'), classify);
    s.apply(announce(P1, 30, '10.10.0.0/16', [64500, 65010]), classify);
    expect(s.counters.evictedWithdrawn).toBe(1);
    expect(s.get('10.3.0.0/16')).toEqual([]);
    expect(s.get('10.1.0.0/16')).toHaveLength(1);
    expect(s.size().pairs).toBe(10);
    expect(captured.lines.find((l) => l.msg === 'prefix state full: evicted the oldest withdrawn pairs')).toMatchObject({ evictedWithdrawn: 1, maxPairs: 10 });
    // All withdrawn gone and still full: visible pairs go, oldest first, with a louder warning.
    for (let i = 11; i < 16; i++) s.apply(announce(P1, 40 + i, `10.${i}.0.0/16`, [64500, 65000 + i]), classify);
    expect(s.size().pairs).toBeLessThanOrEqual(10);
    expect(s.counters.evictedWithdrawn).toBe(3);
    expect(s.counters.evictedVisible).toBeGreaterThan(0);
    expect(s.get('10.0.0.0/16')).toEqual([]);
    expect(s.visibility('10.15.0.0/16', 65015)).toBe(1);
    expect(captured.lines.some((l) => String(l.msg).includes('evicted visible pairs'))).toBe(true);
  });

  it('rejects a nonsensical maxPairs', () => {
    expect(() => new PrefixState({ maxPairs: 0 })).toThrow(/maxPairs/);
  });
});
