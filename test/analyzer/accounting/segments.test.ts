/**
 * innermostSegments and overlay, the interval arithmetic under the accounting, checked address
 * by address against plain loops on a small space (4,096 addresses), with number bounds (IPv4)
 * and bigint bounds (IPv6): random nested prefixes and random disjoint registered segments.
 */
import { describe, expect, it } from 'vitest';
import { innermostSegments, overlay, type Bound } from '../../../analyzer/accounting/segments.js';

const SPACE = 4096;

/** A seeded generator, so a failure names a reproducible case. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** Distinct prefixes of the space, sorted by start and then outermost first (as routedPrefixes gives them). */
function randomPrefixes(next: () => number, count: number): Array<[number, number]> {
  const seen = new Map<string, [number, number]>();
  for (let k = 0; k < count; k++) {
    const bits = Math.floor(next() * 13); // host bits: sizes 1..4096
    const size = 2 ** bits;
    const start = Math.floor((next() * SPACE) / size) * size;
    seen.set(`${start}/${size}`, [start, start + size - 1]);
  }
  return [...seen.values()].sort((a, b) => a[0] - b[0] || b[1] - a[1]);
}

/** Disjoint, sorted segments of the space, some adjacent. */
function randomSegments(next: () => number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let at = Math.floor(next() * 64); at < SPACE; ) {
    const last = Math.min(SPACE - 1, at + Math.floor(next() * 200));
    out.push([at, last]);
    at = last + 1 + (next() < 0.3 ? 0 : Math.floor(next() * 150));
  }
  return out;
}

describe.each([
  ['numbers', (n: number): Bound => n],
  ['bigints', (n: number): Bound => BigInt(n)],
])('segments with %s', (_kind, bound) => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('seed %i: every address once, under its innermost prefix and its segment', (seed) => {
    const next = rng(seed);
    const prefixes = randomPrefixes(next, 5 + Math.floor(next() * 60));
    const registered = randomSegments(next);
    const start = prefixes.map(([s]) => bound(s));
    const end = prefixes.map(([, e]) => bound(e));

    // Plain loops: the innermost prefix of each address (the smallest holding it) and the one around each prefix.
    const innermost = new Array<number>(SPACE).fill(-1);
    prefixes.forEach(([s, e], i) => {
      for (let a = s; a <= e; a++) if (innermost[a] < 0 || e - s < prefixes[innermost[a]][1] - prefixes[innermost[a]][0]) innermost[a] = i;
    });
    const around = prefixes.map(([s, e], i) => {
      let best = -1;
      prefixes.forEach(([s2, e2], j) => {
        if (j !== i && s2 <= s && e <= e2 && (best < 0 || e2 - s2 < prefixes[best][1] - prefixes[best][0])) best = j;
      });
      return best;
    });
    const segmentOf = new Array<number>(SPACE).fill(-1);
    registered.forEach(([s, e], k) => {
      for (let a = s; a <= e; a++) segmentOf[a] = k;
    });

    const { segments, outer } = innermostSegments(start, end);
    expect(Array.from(outer)).toEqual(around);
    const fromSegments = new Array<number>(SPACE).fill(-1);
    for (let i = 0; i < segments.count; i++) {
      if (i > 0) expect(segments.first[i] > segments.last[i - 1], 'disjoint and sorted').toBe(true);
      for (let a = Number(segments.first[i]); a <= Number(segments.last[i]); a++) fromSegments[a] = segments.item[i];
    }
    expect(fromSegments).toEqual(innermost);

    const pieces = overlay(segments, { first: registered.map(([s]) => bound(s)), last: registered.map(([, e]) => bound(e)) });
    const seen = new Array<number>(SPACE).fill(0);
    for (let p = 0; p < pieces.count; p++) {
      if (p > 0) expect(pieces.first[p] > pieces.last[p - 1], 'in address order').toBe(true);
      for (let a = Number(pieces.first[p]); a <= Number(pieces.last[p]); a++) {
        seen[a]++;
        expect([a, pieces.itemA[p], pieces.itemB[p]]).toEqual([a, innermost[a], segmentOf[a]]);
      }
    }
    expect(seen).toEqual(innermost.map((i) => (i < 0 ? 0 : 1)));
  });

  it('no prefixes, or no segments', () => {
    expect(innermostSegments([], []).segments.count).toBe(0);
    const { segments } = innermostSegments([bound(0)], [bound(255)]);
    expect(overlay(segments, { first: [], last: [] })).toMatchObject({ count: 1, itemA: Int32Array.from([0]), itemB: Int32Array.from([-1]) });
    expect(overlay({ count: 0, first: [], last: [], item: new Int32Array(0) }, { first: [bound(0)], last: [bound(9)] }).count).toBe(0);
  });
});
