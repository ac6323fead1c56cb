/**
 * An RPKI refresh in `run`, before and after: how long the event loop is held, with 700,000
 * synthetic VRPs (an rpki-client JSON file, as a refresh reads it) and 150,000 real routes
 * (RouteViews prefix2as 2014-05-13, 2014-07-01 RIR files) to reclassify.
 * - before: the VRPs loaded on the main thread (read, JSON.parse, index), a new classifier, every
 *   route reclassified with it (cold: registry and geo again);
 * - after: the VRPs loaded on a worker thread (analyzer/rpki/load-worker.ts), the classifier's
 *   VRPs swapped (setRpki: registry and geo caches kept), every route reclassified (warm).
 * Stall = the longest gap seen by a 5 ms timer during the refresh (wall clock: it is the stall
 * itself); also for the load alone. The reclassification is also given in main-thread CPU time
 * (the loop over the routes runs on the main thread alone). Min of 3, interleaved.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { createClassifier, type Classifier } from '../analyzer/classify/index.js';
import { openGeo } from '../analyzer/geo/index.js';
import { loadRegistry } from '../analyzer/registry/index.js';
import { loadVrps } from '../analyzer/rpki/index.js';
import { loadVrpsInWorker } from '../analyzer/rpki/load-worker.js';
import { formatPrefix } from '../common/ip.js';
import { hasSharedData, sharedData } from '../test/helpers/shared-data.js';
import { report } from './report.js';

if (!hasSharedData) {
  process.stdout.write('rpki-refresh bench skipped: real data folder not found (set PORTOLAN_SHARED_DATA)\n');
  process.exit(0);
}

const registry = await loadRegistry({
  files: [
    ...['afrinic', 'apnic', 'lacnic', 'ripencc'].map((r) => sharedData('rir/2014-07-01', `delegated-${r}-latest.gz`)),
    sharedData('rir/2013-08-13/delegated-arin-latest.gz'),
    sharedData('iana/ipv4-address-space.csv'),
    sharedData('iana/ipv6-unicast-address-assignments.csv'),
  ],
});
const geo = await openGeo();
const routes: Array<{ prefix: string; asn: number }> = [];
for await (const line of createInterface({ input: createReadStream(sharedData('prefix2as', 'ipasn_20140513.dat.gz')).pipe(createGunzip()) })) {
  if (line.startsWith(';') || !line) continue;
  const tab = line.indexOf('\t');
  routes.push({ prefix: line.slice(0, tab), asn: Number(line.slice(tab + 1).split(/[_,]/)[0]) });
  if (routes.length >= 150_000) break;
}

// 700k VRPs: a ROA for every third route (its prefix, origin, maxLength +0..2) and random others.
let seed = 7;
const rand = (): number => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const TAS = ['afrinic', 'apnic', 'arin', 'lacnic', 'ripe'];
const roas: Array<{ asn: number; prefix: string; maxLength: number; ta: string }> = [];
for (let i = 0; i < routes.length; i += 3) {
  const r = routes[i];
  const length = Number(r.prefix.split('/')[1]);
  roas.push({ asn: r.asn, prefix: r.prefix, maxLength: Math.min(r.prefix.includes(':') ? 128 : 32, length + Math.floor(rand() * 3)), ta: TAS[i % 5] });
}
while (roas.length < 700_000) {
  const v4 = roas.length < 520_000;
  const length = v4 ? 16 + Math.floor(rand() * 9) : 32 + Math.floor(rand() * 17);
  const start = v4 ? BigInt(((1 + Math.floor(rand() * 222)) * 2 ** 24 + Math.floor(rand() * 2 ** 24)) >>> (32 - length)) << BigInt(32 - length) : ((0x2000n + BigInt(Math.floor(rand() * 0x1000))) << 112n | (BigInt(Math.floor(rand() * 2 ** 32)) << 80n)) & (((1n << 128n) - 1n) ^ ((1n << BigInt(128 - length)) - 1n));
  roas.push({ asn: 1 + Math.floor(rand() * 70_000), prefix: formatPrefix({ family: v4 ? 4 : 6, start, length }), maxLength: length, ta: TAS[Math.floor(rand() * 5)] });
}
const dir = mkdtempSync(join(tmpdir(), 'portolan-rpki-refresh-'));
const file = join(dir, 'vrps.json');
writeFileSync(file, JSON.stringify({ metadata: { buildtime: '2024-05-01T00:00:00Z' }, roas }));

let sink = 0;
const reclassify = (c: Classifier): number => {
  const c0 = process.cpuUsage();
  for (const r of routes) sink += c.classify({ prefix: r.prefix, originAsns: [r.asn], time: 0 }).kinds.length;
  const used = process.cpuUsage(c0);
  return (used.user + used.system) / 1000;
};

/** Runs `refresh` while a 5 ms timer watches the loop; the longest gap between its ticks, in ms. */
async function stallOf(refresh: () => Promise<number>): Promise<{ stall: number; reclassifyCpuMs: number; ms: number }> {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 5);
  const started = performance.now();
  const reclassifyCpuMs = await refresh();
  const ms = performance.now() - started;
  await new Promise((r) => setTimeout(r, 20));
  clearInterval(timer);
  return { stall: worst, reclassifyCpuMs, ms };
}

const first = await loadVrps(file);
const running = createClassifier({ registry, geo, rpki: first });
reclassify(running); // the job's warm state before a refresh

const before = async (): Promise<number> => {
  const vrps = await loadVrps(file);
  const next = createClassifier({ registry, geo, rpki: vrps });
  return reclassify(next);
};
const after = async (): Promise<number> => {
  const vrps = await loadVrpsInWorker([file]);
  running.setRpki(vrps);
  return reclassify(running);
};

// The load alone: on the main thread, and on a worker.
const loadBefore = async (): Promise<number> => ((await loadVrps(file)).size > 0 ? 0 : 0);
const loadAfter = async (): Promise<number> => ((await loadVrpsInWorker([file])).size > 0 ? 0 : 0);

type Result = Awaited<ReturnType<typeof stallOf>>;
const results: Record<'before' | 'after' | 'load before' | 'load after', Result[]> = { before: [], after: [], 'load before': [], 'load after': [] };
for (let i = 0; i < 3; i++) {
  results.before.push(await stallOf(before));
  results.after.push(await stallOf(after));
  results['load before'].push(await stallOf(loadBefore));
  results['load after'].push(await stallOf(loadAfter));
}
const min = (xs: number[]) => Math.min(...xs);
for (const k of ['before', 'after', 'load before', 'load after'] as const) {
  report(`rpki refresh: ${k}`, {
    vrps: roas.length,
    routes: routes.length,
    stall_ms_min: Math.round(min(results[k].map((r) => r.stall))),
    stall_ms_all: results[k].map((r) => Math.round(r.stall)).join('/'),
    reclassify_cpu_ms_min: Math.round(min(results[k].map((r) => r.reclassifyCpuMs))),
    refresh_ms_min: Math.round(min(results[k].map((r) => r.ms))),
  });
}
rmSync(dir, { recursive: true, force: true });
if (sink < 0) process.stdout.write('');
