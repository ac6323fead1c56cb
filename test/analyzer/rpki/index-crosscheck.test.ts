/**
 * The sorted-interval index against the RFC 6811 definition applied by brute force (every VRP
 * tested for coverage), on random nested VRPs and queries, IPv4 and IPv6; and on real routed
 * prefixes from shared data (RouteViews prefix2as), with VRPs made from the same table.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { formatPrefix, prefixContains, type Prefix } from '../../../common/ip.js';
import type { Vrp, VrpLoadStats } from '../../../analyzer/models/rpki.js';
import { VrpIndex } from '../../../analyzer/rpki/index.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../../helpers/shared-data.js';

const STATS: VrpLoadStats = { source: 'test', format: 'rpki-client', rows: 0, vrps: 0, malformed: 0, expired: 0, notYetValid: 0, builtAt: null, loadedAt: 0 };

/** RFC 6811 section 2, literally. */
function bruteForce(vrps: Vrp[], q: Prefix, origin: number | null): { state: string; tas: string[] } {
  const covering = vrps.filter((v) => v.family === q.family && prefixContains({ family: v.family, start: v.start, length: v.length }, q));
  if (!covering.length) return { state: 'not-found', tas: [] };
  const tas = [...new Set(covering.map((v) => v.ta))].sort();
  if (covering.some((v) => origin !== null && v.asn === origin && v.asn !== 0 && q.length <= v.maxLength)) return { state: 'valid', tas };
  if (covering.some((v) => origin !== null && v.asn === origin && v.asn !== 0)) return { state: 'invalid-length', tas };
  return { state: 'invalid-origin', tas };
}

/** A small deterministic generator (tests must be repeatable). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** VRPs in three /8s (or /32s) and queries in four, so that some queries are not covered; IPv6 is IPv4 shifted by 24 bits. */
function randomPrefix(r: () => number, family: 4 | 6, blocks: number, minLength: number): Prefix {
  const bits = family === 4 ? 32 : 128;
  // A small address space so that VRPs nest and queries hit them.
  const length = family === 4 ? minLength + Math.floor(r() * (29 - minLength)) : minLength + 24 + Math.floor(r() * (29 - minLength));
  const block = BigInt(Math.floor(r() * blocks));
  const top = family === 4 ? (10n + block) << 24n : (0x2001_0db8n + block) << 96n;
  const span = 16;
  const offset = BigInt(Math.floor(r() * 2 ** span)) << BigInt(bits - (family === 4 ? 8 : 32) - span);
  const raw = top + offset;
  const mask = ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - length)) - 1n);
  return { family, start: raw & mask, length };
}

describe('VrpIndex against brute-force RFC 6811', () => {
  it.each([4, 6] as const)('IPv%i: 3,000 random queries over 400 random VRPs', (family) => {
    const r = rng(family * 7919);
    const tas = ['ripe', 'apnic', 'arin', 'lacnic-as0'];
    const vrps: Vrp[] = [];
    for (let i = 0; i < 400; i++) {
      const p = randomPrefix(r, family, 3, 12);
      const max = Math.min(family === 4 ? 32 : 128, p.length + Math.floor(r() * 6));
      const asn = r() < 0.1 ? 0 : 64500 + Math.floor(r() * 8);
      vrps.push({ family, start: p.start, length: p.length, maxLength: max, asn, ta: tas[Math.floor(r() * tas.length)], notBefore: null, notAfter: null });
    }
    const index = new VrpIndex(vrps, STATS);
    const seen = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const q = randomPrefix(r, family, 4, 8);
      const origin = r() < 0.05 ? null : 64500 + Math.floor(r() * 9);
      const got = index.validate(formatPrefix(q), origin);
      const want = bruteForce(vrps, q, origin);
      expect({ q: formatPrefix(q), origin, state: got.state, tas: got.tas }).toEqual({ q: formatPrefix(q), origin, ...want });
      seen.add(want.state);
    }
    // The data exercises every state.
    expect([...seen].sort()).toEqual(['invalid-length', 'invalid-origin', 'not-found', 'valid']);
  });
});

describe.skipIf(!hasSharedData)(`VrpIndex on real routed prefixes ${sharedDataSkipReason}`, () => {
  it('a ROA per routed prefix of every 50th line validates its own origin, and brute force agrees on the rest', async () => {
    const pairs: Array<{ p: Prefix; text: string; asn: number }> = [];
    const lines = createInterface({ input: createReadStream(sharedData('prefix2as', 'ipasn_20140513.dat.gz')).pipe(createGunzip()) });
    for await (const line of lines) {
      const [prefix, asnText] = line.split('\t');
      const asn = Number(asnText);
      if (!Number.isInteger(asn)) continue; // multi-origin rows (a_b) and sets
      const [addr, len] = prefix.split('/');
      const parts = addr.split('.').map(Number);
      const start = BigInt(((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0);
      pairs.push({ p: { family: 4, start, length: Number(len) }, text: prefix, asn });
    }
    expect(pairs.length).toBeGreaterThan(100_000);
    const vrps: Vrp[] = pairs.filter((_, i) => i % 50 === 0).map(({ p, asn }) => ({ family: 4, start: p.start, length: p.length, maxLength: p.length, asn, ta: 'ripe', notBefore: null, notAfter: null }));
    const index = new VrpIndex(vrps, STATS);
    for (let i = 0; i < pairs.length; i += 50) expect(index.validate(pairs[i].text, pairs[i].asn).state).toBe('valid');
    const counts: Record<string, number> = {};
    for (let i = 7; i < pairs.length; i += 997) {
      const got = index.validate(pairs[i].text, pairs[i].asn);
      const want = bruteForce(vrps, pairs[i].p, pairs[i].asn);
      expect(got.state).toBe(want.state);
      counts[got.state] = (counts[got.state] ?? 0) + 1;
    }
    // Real tables nest: some more-specifics fall under another prefix's ROA.
    expect(counts['not-found']).toBeGreaterThan(0);
    expect((counts['invalid-length'] ?? 0) + (counts['invalid-origin'] ?? 0)).toBeGreaterThan(0);
  }, 120_000);
});
