/**
 * Geolocation and classifier throughput: IP lookups (reference: mmdb-lib's Reader.get in the same
 * run), prefix distributions (uncached tree walks, then cached), and classifier events/s with warm
 * prefix context, on the bundled DB-IP database and real RouteViews prefixes (2014-05-13).
 */
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { Reader, type Response } from 'mmdb-lib';
import { createClassifier } from '../analyzer/classify/index.js';
import { defaultGeoPath, openGeo } from '../analyzer/geo/index.js';
import { loadRegistry } from '../analyzer/registry/index.js';
import { sharedData } from '../test/helpers/shared-data.js';
import { report } from './report.js';

const prefixFile = sharedData('prefix2as', 'ipasn_20140513.dat.gz');
const rows: Array<{ prefix: string; asn: number }> = [];
if (existsSync(prefixFile)) {
  for await (const line of createInterface({ input: createReadStream(prefixFile).pipe(createGunzip()) })) {
    if (line.startsWith(';') || !line) continue;
    const [prefix, asn] = line.split('\t');
    rows.push({ prefix, asn: Number(asn) });
  }
} else {
  process.stdout.write(`(${prefixFile} missing: using synthetic /24s)\n`);
  for (let i = 0; i < 200_000; i++) rows.push({ prefix: `${1 + (i % 222)}.${(i >> 8) & 255}.${i & 255}.0/24`, asn: 64512 });
}

const geo = await openGeo(undefined, { cacheSize: 1_000_000 });
const ips = rows.map((r) => r.prefix.slice(0, r.prefix.indexOf('/')).replace(/\.0$/, '.1'));

const time = (fn: () => void): number => {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
};

const N = 2_000_000;
let sink = 0;
let s = time(() => {
  for (let i = 0; i < N; i++) if (geo.country(ips[i % ips.length])) sink++;
});
report('geo ip lookup (portolan)', { lookups: N, per_s: Math.round(N / s) });
const lib = new Reader<Response>(readFileSync(defaultGeoPath()));
s = time(() => {
  for (let i = 0; i < N; i++) if (lib.get(ips[i % ips.length])) sink++;
});
report('geo ip lookup (mmdb-lib reference)', { lookups: N, per_s: Math.round(N / s) });

s = time(() => {
  for (const r of rows) sink += geo.distribution(r.prefix).countries.length;
});
report('geo distribution (uncached walk)', { prefixes: rows.length, per_s: Math.round(rows.length / s) });
s = time(() => {
  for (const r of rows) sink += geo.distribution(r.prefix).countries.length;
});
report('geo distribution (cached)', { prefixes: rows.length, per_s: Math.round(rows.length / s) });

const rirDir = sharedData('rir', '2014-07-01');
if (existsSync(rirDir)) {
  const registry = await loadRegistry({ rirDir, ianaDir: sharedData('iana') });
  const classifier = createClassifier({ registry, geo, cacheSize: 1_200_000 });
  s = time(() => {
    for (const r of rows) sink += classifier.classify({ prefix: r.prefix, originAsns: [r.asn], time: 0 }).kinds.length;
  });
  report('classify (cold prefix context)', { events: rows.length, per_s: Math.round(rows.length / s) });
  const M = 2_000_000;
  s = time(() => {
    for (let i = 0; i < M; i++) {
      const r = rows[i % rows.length];
      sink += classifier.classify({ prefix: r.prefix, originAsns: [r.asn], time: i }).kinds.length;
    }
  });
  report('classify (warm prefix context)', { events: M, per_s: Math.round(M / s) });
}
if (sink < 0) process.stdout.write('unreachable\n');
