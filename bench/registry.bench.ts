/**
 * Registry benchmark: load the most complete set of real files available (the four 2014-07-01
 * files — AFRINIC, APNIC, LACNIC, RIPE NCC — plus ARIN 2013-08-13, and the IANA files), then
 * IP and prefix lookups per second on one core.
 */
import { loadRegistry } from '../analyzer/registry/index.js';
import { hasSharedData, sharedData } from '../test/helpers/shared-data.js';
import { report } from './report.js';

if (!hasSharedData) {
  process.stdout.write('registry bench skipped: real data folder not found (set PORTOLAN_SHARED_DATA)\n');
  process.exit(0);
}

const files = [
  ...['afrinic', 'apnic', 'lacnic', 'ripencc'].map((r) => sharedData('rir/2014-07-01', `delegated-${r}-latest.gz`)),
  sharedData('rir/2013-08-13/delegated-arin-latest.gz'),
  sharedData('iana/ipv4-address-space.csv'),
  sharedData('iana/ipv6-unicast-address-assignments.csv'),
  sharedData('iana/delegated-iana-latest'),
];

const cpu0 = process.cpuUsage();
const t0 = performance.now();
const index = await loadRegistry({ files });
const loadMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
report('registry load (5 RIRs + IANA)', { wall_ms: Math.round(loadMs), cpu_ms: Math.round((cpu.user + cpu.system) / 1000), records: index.records.length, ...index.sizes() });

// Deterministic pseudo-random targets (xorshift), half inside delegated records, half anywhere.
let seed = 0x2545f491;
const rand = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 4294967296;
};
const v4 = index.records.filter((r) => r.type === 'ipv4');
const ips: string[] = [];
for (let i = 0; i < 100_000; i++) {
  if (i % 2) {
    const r = v4[Math.floor(rand() * v4.length)];
    const [a, b, c, d] = r.start.split('.').map(Number);
    const n = (((a * 256 + b) * 256 + c) * 256 + d + Math.floor(rand() * r.value)) >>> 0;
    ips.push(`${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`);
  } else {
    const n = Math.floor(rand() * 4294967296);
    ips.push(`${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`);
  }
}
const prefixes = ips.map((ip, i) => {
  const len = 16 + (i % 9);
  const n = ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
  const size = 2 ** (32 - len);
  const s = n - (n % size);
  return `${Math.floor(s / 16777216)}.${Math.floor(s / 65536) % 256}.${Math.floor(s / 256) % 256}.${s % 256}/${len}`;
});
const v6 = index.records.filter((r) => r.type === 'ipv6').map((r) => r.start.replace(/::$/, '::1'));

function rate(name: string, n: number, fn: (i: number) => unknown): void {
  for (let i = 0; i < Math.min(n, 20_000); i++) fn(i); // warm-up
  let sink = 0;
  const c0 = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < n; i++) if (fn(i)) sink++;
  const ms = performance.now() - start;
  const c = process.cpuUsage(c0);
  report(name, { lookups: n, per_s_wall: Math.round((n / ms) * 1000), per_s_cpu: Math.round((n / ((c.user + c.system) / 1000)) * 1000), hits: sink });
}

rate('ip lookup (IPv4, ip())', 2_000_000, (i) => index.ip(ips[i % ips.length]).rir);
rate('prefix lookup (IPv4 /16../24)', 300_000, (i) => index.prefix(prefixes[i % prefixes.length]).rir);
rate('ip lookup (IPv6, ip())', 300_000, (i) => index.ip(v6[i % v6.length]).rir);
rate('asn lookup', 1_000_000, (i) => index.asn(i % 70000).rir);
