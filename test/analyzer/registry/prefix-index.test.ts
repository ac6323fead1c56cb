import { describe, expect, it } from 'vitest';
import { forEachIpv4Cidr, Uint32RangeIndex } from '../../../analyzer/registry/prefix-index.js';

/** A small seeded generator (mulberry32): the same cases on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const TOP = 2 ** 32 - 1;

describe('forEachIpv4Cidr', () => {
  const blocksOf = (first: number, last: number) => {
    const out: Array<{ start: number; length: number; size: number }> = [];
    forEachIpv4Cidr(first, last, (start, length, size) => out.push({ start, length, size }));
    return out;
  };

  it('tiles the range with aligned blocks, each of 2^(32 - length) addresses, as few as possible', () => {
    const next = random(7);
    const cases: Array<[number, number]> = [[0, TOP], [0, 0], [TOP, TOP], [1, TOP], [0, TOP - 1], [10, 10 + 2 ** 24 - 1]];
    for (let i = 0; i < 300; i++) {
      const a = Math.floor(next() * 2 ** 32);
      const span = Math.floor(next() ** 4 * (TOP - a + 1));
      cases.push([a, a + span]);
    }
    for (const [first, last] of cases) {
      const blocks = blocksOf(first, last);
      let cur = first;
      for (const b of blocks) {
        expect(b.start).toBe(cur);
        expect(b.size).toBe(2 ** (32 - b.length));
        expect(b.start % b.size).toBe(0);
        cur += b.size;
      }
      expect(cur).toBe(last + 1);
      // Greedy by hand: the largest aligned block that fits, from the start.
      let expected = 0;
      for (let c = first; c <= last; expected++) {
        let size = 1;
        while (size < 2 ** 32 && c % (size * 2) === 0 && c + size * 2 - 1 <= last) size *= 2;
        c += size;
      }
      expect(blocks.length).toBe(expected);
    }
  });
});

describe('Uint32RangeIndex', () => {
  /** Every entry covering `key`, smallest first, then by position: what the index lists. */
  const coveringByHand = (first: number[], last: number[], key: number) =>
    first
      .map((_, i) => i)
      .filter((i) => first[i] <= key && key <= last[i])
      .sort((x, y) => last[x] - first[x] - (last[y] - first[y]) || x - y);

  const listed = (index: Uint32RangeIndex, key: number) => {
    const s = index.segmentOf(key);
    if (s < 0) return [];
    const out: number[] = [];
    for (let c = index.coverFrom(s); c < index.coverTo(s); c++) out.push(index.payload[index.coverAt(c)]);
    return out;
  };

  it('lists the entries covering any key, most specific first, over nested, overlapping and disjoint ranges', () => {
    const next = random(11);
    const first: number[] = [];
    const last: number[] = [];
    // Deep nesting (many covers per segment, past the builder's first guess of their number) ...
    for (let i = 0; i < 60; i++) {
      first.push(1000 + i * 10);
      last.push(5000 - i * 10);
    }
    // ... the two ends of the space, identical extents, and random ranges.
    first.push(0, TOP - 99, 2000, 2000);
    last.push(99, TOP, 2999, 2999);
    for (let i = 0; i < 200; i++) {
      const a = Math.floor(next() * 20_000);
      first.push(a);
      last.push(a + Math.floor(next() * 3_000));
    }
    const index = new Uint32RangeIndex(first, last, first.map((_, i) => i));
    const keys = [0, 99, 100, 999, 1000, 2000, 2999, 3000, 4999, 5000, 25_000, TOP - 100, TOP - 99, TOP];
    for (let i = 0; i < 2000; i++) keys.push(Math.floor(next() * 25_000));
    for (const key of keys) {
      const expected = coveringByHand(first, last, key);
      expect(listed(index, key), `key ${key}`).toEqual(expected);
      expect(index.first(key)).toBe(expected.length ? expected[0] : -1);
    }
  });

  it('takes typed columns as it takes arrays', () => {
    const first = [0, 10, 10, 300];
    const last = [99, 19, 49, 300];
    const fromArrays = new Uint32RangeIndex(first, last, [0, 1, 2, 3]);
    const fromTyped = new Uint32RangeIndex(Float64Array.from(first), Float64Array.from(last), Int32Array.from([0, 1, 2, 3]));
    for (const key of [0, 10, 19, 20, 49, 50, 299, 300, 301]) expect(listed(fromTyped, key)).toEqual(listed(fromArrays, key));
    expect(fromTyped.segments).toBe(fromArrays.segments);
  });
});
