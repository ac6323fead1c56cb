import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { RouteEvent } from '../../../collector/models/route-event.js';
import { PrefixState, SnapshotError, type PairView } from '../../../analyzer/state/index.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { makeClassifier } from './classifier.js';

const dir = makeTmpDir('state-snapshot');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A deterministic pseudo-random stream of events over 40 peers (so bitsets span two words). */
function* events(seed: number, count: number, from: number): Generator<RouteEvent> {
  let x = seed | 0 || 1;
  const rnd = (n: number): number => {
    // xorshift32
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
  for (let k = 0; k < count; k++) {
    const peer = rnd(40);
    const prefix = rnd(5) === 0 ? `2001:db8:${rnd(30).toString(16)}::/48` : `10.${rnd(60)}.0.0/16`;
    const base = { collector: `rrc0${peer % 3}`, peer_ip: `192.0.2.${peer}`, peer_asn: 64500 + peer, timestamp: from + k, prefix, atomic: false };
    const addPath = peer === 7 ? { path_id: rnd(2) } : {};
    if (rnd(4) === 0) yield { ...base, ...addPath, elem_type: 'withdraw' };
    else {
      const origin = 65000 + rnd(3);
      const tail = rnd(10) === 0 ? [{ type: 'AS_SET' as const, asns: [origin, 65100] }] : [];
      yield { ...base, ...addPath, elem_type: 'announce', as_path: [{ type: 'AS_SEQUENCE', asns: [64500 + peer, origin] }, ...tail] };
    }
  }
}

const dump = (s: PrefixState): [string, PairView][] => {
  const out: [string, PairView][] = [];
  s.forEachPair((prefix, pair) => out.push([prefix, pair]));
  return out.sort((a, b) => (a[0] + a[1].originAsns.join()).localeCompare(b[0] + b[1].originAsns.join()));
};

describe('PrefixState snapshot', () => {
  it('restore gives identical state and identical subsequent events', async () => {
    const classify = makeClassifier([65001]);
    const s = new PrefixState({ maxPairs: 100_000 });
    let started = 0;
    for (const e of events(1, 5000, 1000)) started += s.apply(e, classify).length;
    classify.flagged = new Set([65002]);
    s.reclassifyAll(classify, 7000);
    expect(started).toBeGreaterThan(0);
    const path = join(dir, 'state.bin.gz');
    await s.snapshot(path);
    expect(readdirSync(dir)).toEqual(['state.bin.gz']);

    const r = await PrefixState.restore(path);
    expect(r.size()).toEqual(s.size());
    expect(r.size().peers).toBe(40);
    expect(dump(r)).toEqual(dump(s));
    expect(r.counters).toEqual(s.counters);
    expect(r.maxPairs).toBe(100_000);

    const a: unknown[] = [];
    const b: unknown[] = [];
    for (const e of events(2, 3000, 8000)) {
      a.push(s.apply(e, classify));
      b.push(r.apply(e, classify));
    }
    a.push(s.peerDown({ collector: 'rrc01', peer_ip: '192.0.2.7', peer_asn: 64507, timestamp: 20_000 }, classify));
    b.push(r.peerDown({ collector: 'rrc01', peer_ip: '192.0.2.7', peer_asn: 64507, timestamp: 20_000 }, classify));
    expect(a.flat().length).toBeGreaterThan(10);
    expect(JSON.stringify(b)).toEqual(JSON.stringify(a));
    expect(dump(r)).toEqual(dump(s));
  });

  it('an empty state round-trips, and a new snapshot replaces the old file', async () => {
    const path = join(dir, 'empty.bin.gz');
    await new PrefixState().snapshot(path);
    const first = readFileSync(path);
    const r = await PrefixState.restore(path);
    expect(r.size()).toEqual({ prefixes: 0, pairs: 0, peers: 0 });
    r.apply({ collector: 'c', peer_ip: '::1', peer_asn: 1, timestamp: 1, elem_type: 'announce', prefix: '::/0', as_path: [{ type: 'AS_SEQUENCE', asns: [1] }], atomic: false }, makeClassifier());
    await r.snapshot(path);
    expect(readFileSync(path).equals(first)).toBe(false);
    expect((await PrefixState.restore(path)).get('::/0')).toHaveLength(1);
  });

  describe('corrupt snapshots give a clear error', () => {
    const good = join(dir, 'good.bin.gz');
    const write = (name: string, bytes: Buffer): string => {
      const p = join(dir, name);
      writeFileSync(p, bytes);
      return p;
    };
    const setup = async (): Promise<Buffer> => {
      const s = new PrefixState();
      for (const e of events(3, 500, 0)) s.apply(e, makeClassifier());
      await s.snapshot(good);
      return readFileSync(good);
    };

    it.each([
      ['truncated gzip', (b: Buffer) => b.subarray(0, Math.floor(b.length / 2)), /not a gzip stream or truncated/],
      ['not gzip at all', () => Buffer.from('hello, world'), /not a gzip stream/],
      ['another gzip file', () => gzipSync('PTLSTAT0 something else entirely, long enough to hold a digest'), /wrong magic/],
      [
        'flipped byte inside',
        (b: Buffer) => {
          const raw = gunzipSync(b);
          raw[raw.length >> 1] ^= 0xff;
          return gzipSync(raw);
        },
        /checksum mismatch/,
      ],
    ])('%s', async (name, mutate, message) => {
      const bytes = await setup();
      const path = write(`${name.replace(/ /g, '-')}.bin.gz`, mutate(bytes));
      const err = await PrefixState.restore(path).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(SnapshotError);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).toContain(path);
      expect((err as Error).message).toMatch(/rebuild/);
    });

    it('missing file', async () => {
      await expect(PrefixState.restore(join(dir, 'nope.bin.gz'))).rejects.toThrow(/cannot read it.*ENOENT/);
    });
  });
});
