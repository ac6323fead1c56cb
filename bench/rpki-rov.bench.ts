/**
 * Route-origin validation throughput on 700,000 synthetic VRPs (520,000 IPv4, 180,000 IPv6;
 * the size of the global VRP set in 2024), 1,000,000 queries (85% IPv4; three in four inside a
 * ROA's space, a quarter elsewhere). Measured in the same run:
 * - VrpIndex (analyzer/rpki): state() alone, validate() with its result object and trust anchors;
 * - a per-length hash index (the other design considered: one Map probe per possible length);
 * - the npm rpki-validator package (external connector), when RPKI_VALIDATOR_DIR names a folder
 *   where it is installed (`npm install rpki-validator` there; it is not a dependency).
 * Aim: >= 1,000,000 lookups/s for VrpIndex.state. Rates are given per wall-clock second and per
 * CPU second, each the best of 3 passes (the reference hash: 1 pass); the comparisons use CPU time,
 * which other processes on a shared machine disturb less.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { formatPrefix, parsePrefix } from '../common/ip.js';
import type { Vrp, VrpLoadStats } from '../analyzer/models/rpki.js';
import { VrpIndex } from '../analyzer/rpki/index.js';
import { report } from './report.js';

let seed = 12345;
const rand = (): number => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const TAS = ['afrinic', 'apnic', 'arin', 'lacnic', 'ripe'];

function v4Prefix(): { start: bigint; length: number } {
  const r = rand();
  const length = r < 0.6 ? 24 : r < 0.8 ? 22 + Math.floor(rand() * 2) : 12 + Math.floor(rand() * 10);
  const addr = (1 + Math.floor(rand() * 222)) * 2 ** 24 + Math.floor(rand() * 2 ** 24);
  const size = 2 ** (32 - length);
  return { start: BigInt(addr - (addr % size)), length };
}
function v6Prefix(): { start: bigint; length: number } {
  const r = rand();
  const length = r < 0.5 ? 48 : r < 0.8 ? 32 : 29 + Math.floor(rand() * 19);
  const top = (0x2000n + BigInt(Math.floor(rand() * 0x1000))) << 112n;
  const mid = BigInt(Math.floor(rand() * 2 ** 32)) << 80n;
  const mask = ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - length)) - 1n);
  return { start: (top | mid) & mask, length };
}

const vrps: Vrp[] = [];
for (let i = 0; i < 700_000; i++) {
  const family = i < 520_000 ? 4 : 6;
  const p = family === 4 ? v4Prefix() : v6Prefix();
  const maxLength = Math.min(family === 4 ? 32 : 128, p.length + (rand() < 0.7 ? 0 : Math.floor(rand() * 4)));
  vrps.push({ family, start: p.start, length: p.length, maxLength, asn: 1 + Math.floor(rand() * 70_000), ta: TAS[Math.floor(rand() * 5)], notBefore: null, notAfter: null });
}
const stats: VrpLoadStats = { source: 'synthetic', format: 'rpki-client', rows: vrps.length, vrps: vrps.length, malformed: 0, expired: 0, notYetValid: 0, builtAt: null, loadedAt: 0 };

// Queries: a ROA's prefix or a more-specific of it, with its AS or another; or a random prefix.
const queries: Array<{ prefix: string; origin: number }> = [];
for (let i = 0; i < 1_000_000; i++) {
  const v4 = rand() < 0.85;
  if (rand() < 0.75) {
    const v = vrps[v4 ? Math.floor(rand() * 520_000) : 520_000 + Math.floor(rand() * 180_000)];
    const extra = Math.floor(rand() * 3);
    const length = Math.min(v.family === 4 ? 32 : 128, v.length + extra);
    queries.push({ prefix: formatPrefix({ family: v.family, start: v.start, length }), origin: rand() < 0.8 ? v.asn : 1 + Math.floor(rand() * 70_000) });
  } else {
    const p = v4 ? v4Prefix() : v6Prefix();
    queries.push({ prefix: formatPrefix({ family: v4 ? 4 : 6, ...p }), origin: 1 + Math.floor(rand() * 70_000) });
  }
}

let t = performance.now();
const index = new VrpIndex(vrps, stats);
report('rpki: VrpIndex build', { vrps: vrps.length, ms: performance.now() - t });

const counts: Record<string, number> = {};
for (const q of queries) {
  const s = index.state(q.prefix, q.origin);
  counts[s] = (counts[s] ?? 0) + 1;
}
/** Lookups per CPU second, the best of `passes` measured passes after an untimed one (min of N: the least disturbed by other processes). */
function timeIt(name: string, fn: (q: { prefix: string; origin: number }) => string, passes = 3): number {
  for (const q of queries) fn(q); // one untimed pass: every timed pass runs the same warmed-up code
  let bestCpu = Infinity;
  let bestWall = Infinity;
  let sink = 0;
  for (let p = 0; p < passes; p++) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    for (const q of queries) sink += fn(q).length;
    const used = process.cpuUsage(cpu);
    bestCpu = Math.min(bestCpu, (used.user + used.system) / 1e6);
    bestWall = Math.min(bestWall, (performance.now() - started) / 1000);
  }
  // Per CPU second too: on a shared machine the wall clock also counts time other processes ran.
  const perCpuSecond = queries.length / bestCpu;
  report(`rpki: ${name}`, { lookups: queries.length, per_s: Math.round(queries.length / bestWall), per_cpu_s: Math.round(perCpuSecond), passes: `best of ${passes}`, sink: sink > 0 ? 'ok' : '' });
  return perCpuSecond;
}

const ours = timeIt('VrpIndex.state', (q) => index.state(q.prefix, q.origin));
// Per family: IPv6 text is parsed to its top 64 bits as numbers, IPv4 text straight to one number.
const all = queries.splice(0);
for (const [name, family] of [['IPv4', false], ['IPv6', true]] as const) {
  for (const q of all) if (q.prefix.includes(':') === family) queries.push(q);
  timeIt(`VrpIndex.state ${name} only`, (q) => index.state(q.prefix, q.origin));
  queries.length = 0;
}
for (const q of all) queries.push(q);
timeIt('VrpIndex.validate', (q) => index.validate(q.prefix, q.origin).state);
report('rpki: states', counts);

// The per-length hash: key (family, masked start, length) → VRPs; probe every length up to the query's.
t = performance.now();
const byKey = new Map<string, Vrp[]>();
for (const v of vrps) {
  const k = `${v.family}|${v.start}|${v.length}`;
  const list = byKey.get(k);
  if (list) list.push(v);
  else byKey.set(k, [v]);
}
const lengths = { 4: [...new Set(vrps.filter((v) => v.family === 4).map((v) => v.length))].sort((a, b) => a - b), 6: [...new Set(vrps.filter((v) => v.family === 6).map((v) => v.length))].sort((a, b) => a - b) };
report('rpki: per-length hash build', { ms: performance.now() - t });
const hashRate = timeIt('per-length hash (reference)', (q) => {
  const p = parsePrefix(q.prefix)!;
  const bits = p.family === 4 ? 32 : 128;
  let covered = false;
  let sameAsn = false;
  for (const l of lengths[p.family]) {
    if (l > p.length) break;
    const masked = p.start & (((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - l)) - 1n));
    const list = byKey.get(`${p.family}|${masked}|${l}`);
    if (!list) continue;
    covered = true;
    for (const v of list) {
      if (v.asn === q.origin && v.asn !== 0) {
        if (p.length <= v.maxLength) return 'valid';
        sameAsn = true;
      }
    }
  }
  return !covered ? 'not-found' : sameAsn ? 'invalid-length' : 'invalid-origin';
}, 1);
report('rpki: VrpIndex vs per-length hash', { speedup: ours / hashRate });

const dir = process.env.RPKI_VALIDATOR_DIR;
if (!dir) {
  process.stdout.write('rpki: rpki-validator comparison skipped (set RPKI_VALIDATOR_DIR to a folder where `npm install rpki-validator` was run)\n');
} else {
  const mod = createRequire(join(dir, 'package.json'))('rpki-validator');
  const RpkiValidator = mod.default ?? mod;
  const rpki = new RpkiValidator({ connector: 'external' });
  t = performance.now();
  rpki.setVRPs(vrps.map((v) => ({ prefix: formatPrefix(v), maxLength: v.maxLength, asn: v.asn })));
  await rpki.preCache();
  report('rpki: rpki-validator load', { ms: performance.now() - t });
  // Its validate is asynchronous: a sample, awaited one by one as a caller would.
  const sample = queries.slice(0, 100_000);
  let agree = 0;
  const started = performance.now();
  const cpuAt = process.cpuUsage();
  for (const q of sample) {
    const r = await rpki.validate(q.prefix, q.origin, false);
    const mine = index.state(q.prefix, q.origin);
    if ((r === true) === (mine === 'valid') && (r === null) === (mine === 'not-found')) agree++;
  }
  const wall = sample.length / ((performance.now() - started) / 1000);
  const used = process.cpuUsage(cpuAt);
  const theirs = sample.length / ((used.user + used.system) / 1e6);
  report('rpki: rpki-validator validate', { lookups: sample.length, per_s: Math.round(wall), per_cpu_s: Math.round(theirs), agree_share: agree / sample.length });
  report('rpki: VrpIndex vs rpki-validator', { speedup: ours / theirs });
}
