/**
 * Classification cost of several geolocation databases: the same 150,000 real prefixes (RouteViews
 * prefix2as 2014-05-13, 2014-07-01 RIR files) classified cold (every prefix new) with one database
 * and with three (the bundled DB-IP Lite three times under different names: the cost is the
 * point, not the agreement). Aim: three databases take at most 1.5x the time of one. CPU time.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { createClassifier } from '../analyzer/classify/index.js';
import { openGeo } from '../analyzer/geo/index.js';
import { loadRegistry } from '../analyzer/registry/index.js';
import { hasSharedData, sharedData } from '../test/helpers/shared-data.js';
import { report } from './report.js';

if (!hasSharedData) {
  process.stdout.write('geo-several bench skipped: real data folder not found (set PORTOLAN_SHARED_DATA)\n');
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
const rows: Array<{ prefix: string; asn: number }> = [];
for await (const line of createInterface({ input: createReadStream(sharedData('prefix2as', 'ipasn_20140513.dat.gz')).pipe(createGunzip()) })) {
  if (line.startsWith(';') || !line) continue;
  const tab = line.indexOf('\t');
  rows.push({ prefix: line.slice(0, tab), asn: Number(line.slice(tab + 1).split(/[_,]/)[0]) });
  if (rows.length >= 150_000) break;
}

const cpuSeconds = (fn: () => void): number => {
  const c0 = process.cpuUsage();
  fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
};

let sink = 0;
async function run(databases: number, shown = true): Promise<number> {
  const dbs = await Promise.all(Array.from({ length: databases }, () => openGeo()));
  const geoSources = dbs.map((geo, i) => ({ name: `dbip-${i}`, geo, echo: false }));
  const classifier = createClassifier({ registry, geo: dbs[0], geoSources: databases > 1 ? geoSources : undefined });
  const s = cpuSeconds(() => {
    for (const r of rows) sink += classifier.classify({ prefix: r.prefix, originAsns: [r.asn], time: 0 }).kinds.length;
  });
  if (shown) report(`geo: classify cold, ${databases} database${databases > 1 ? 's' : ''}`, { prefixes: rows.length, per_s_cpu: Math.round(rows.length / s) });
  return s;
}

// A warm-up pass (JIT, registry), then one and three databases alternately, twice: the reference is measured in the same run.
await run(1, false);
const one = await run(1);
const three = await run(3);
const oneAgain = await run(1);
const threeAgain = await run(3);
report('geo: three databases / one', { time_ratio: (three + threeAgain) / (one + oneAgain), aim: '<= 1.5' });
if (sink < 0) process.stdout.write('');
