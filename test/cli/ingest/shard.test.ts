import { describe, expect, it } from 'vitest';
import { otherShardsFile, shardOf, stateFileName, WHOLE } from '../../../cli/ingest/shard.js';

/** FNV-1a (32 bits) over the UTF-8 bytes, in BigInt arithmetic: an independent computation of shardOf's hash. */
function fnv1a(text: string): bigint {
  let h = 0x811c9dc5n;
  for (const byte of Buffer.from(text, 'utf8')) h = ((h ^ BigInt(byte)) * 0x01000193n) & 0xffffffffn;
  return h;
}

const prefixes = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => (i % 5 === 4 ? `2001:db8:${(i % 65536).toString(16)}::/48` : `${10 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.0/24`));

describe('ingest shards', () => {
  it('a prefix\'s shard is FNV-1a of its text modulo the count: the same on every run, so saved shard states stay valid', () => {
    for (const p of prefixes(2000)) {
      for (const count of [2, 3, 7]) expect(shardOf(p, count), `${p} of ${count}`).toBe(Number(fnv1a(p) % BigInt(count)));
    }
    expect(shardOf('192.0.2.0/24', 1)).toBe(0);
  });

  it('spreads prefixes evenly: each of 4 shards gets within 5% of a quarter of 40,000', () => {
    const sizes = [0, 0, 0, 0];
    for (const p of prefixes(40_000)) sizes[shardOf(p, 4)]++;
    for (const n of sizes) expect(Math.abs(n - 10_000)).toBeLessThan(500);
  });

  it('names a shard\'s state by the chain and the shard, and tells another shard\'s files (and their temporary files) from its own', () => {
    expect(stateFileName('abc', WHOLE)).toBe('abc');
    const shard = { index: 1, count: 3 };
    expect(stateFileName('abc', shard)).toBe('abc.shard-1-of-3');
    expect(otherShardsFile('abc.shard-0-of-3', shard)).toBe(true);
    expect(otherShardsFile('old.shard-2-of-3.tmp-123-ab12cd34', shard)).toBe(true);
    // Its own older files, another run's shards and a one-job state are this shard's to remove.
    expect(otherShardsFile('old.shard-1-of-3', shard)).toBe(false);
    expect(otherShardsFile('abc.shard-0-of-2', shard)).toBe(false);
    expect(otherShardsFile('abc', shard)).toBe(false);
  });
});
