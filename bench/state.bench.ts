/**
 * Prefix state throughput and memory:
 *  1. a synthetic full table (default 1.2 M prefix-origin pairs from 300 peers: 240 full-table
 *     peers seeing ~97% of prefixes, 60 partial peers seeing ~3%; 2.5% of prefixes MOAS) loaded
 *     peer by peer as RIB dumps arrive, then update churn, a peer-down sweep and a snapshot;
 *  2. the real RIS RIB in bgpdump text (641,957 routes) from ../shared/data.
 * Rates are given per wall second and per CPU second (the latter is steadier on a busy machine).
 * PORTOLAN_BENCH_STATE_PAIRS / PORTOLAN_BENCH_STATE_PEERS scale the synthetic table down or up.
 */
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RouteEvent } from '../collector/models/route-event.js';
import type { Finding } from '../analyzer/models/finding.js';
import { PrefixState } from '../analyzer/state/index.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../test/helpers/shared-data.js';
import { makeTmpDir } from '../test/helpers/tmp.js';
import { readBgpdumpText } from '../test/analyzer/state/bgpdump-text.js';
import { report } from './report.js';

const PAIRS = Number(process.env.PORTOLAN_BENCH_STATE_PAIRS ?? 1_200_000);
const PEERS = Number(process.env.PORTOLAN_BENCH_STATE_PEERS ?? 300);
const FULL_PEERS = Math.round(PEERS * 0.8);
const MOAS_SHARE = 0.025;

/** Stand-in for the classifier (the state is measured, not the classifier): 2% of origins flagged. */
const template: Finding = {
  time: 0, prefix: '', family: 4, addresses: 0, originAsn: null, originAsns: [], prefixRir: null, registeredCc: null,
  holderId: null, ianaRir: null, legacy: false, originRir: null, originCc: null, usageRegion: null, mainCountry: null,
  shareAbroad: 0, geo: [], kinds: [], geoSubkind: null, severity: 'none', visibility: 0, why: '',
};
const classify = (prefix: string, originAsns: number[], visibility: number): Finding => {
  const bad = originAsns[0] % 50 === 0;
  return { ...template, prefix, originAsn: originAsns[0], originAsns, visibility, severity: bad ? 'medium' : 'none', kinds: bad ? ['origin-out-of-region'] : [] };
};

/** Deterministic 32-bit mix of two integers, for "does peer p see prefix i" without storing it. */
const mix = (a: number, b: number): number => {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 12)) >>> 0;
};

function timed<T>(fn: () => T): { value: T; wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = fn();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { value, wall, cpu: (c.user + c.system) / 1e6 };
}
async function timedAsync<T>(fn: () => Promise<T>): Promise<{ value: T; wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const c = process.cpuUsage(c0);
  return { value, wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}
const rates = (events: number, t: { wall: number; cpu: number }) => ({
  events,
  wall_s: t.wall,
  events_per_s: Math.round(events / t.wall),
  events_per_cpu_s: Math.round(events / t.cpu),
});

async function synthetic(): Promise<void> {
  // Prefixes: 90% IPv4 /24, 10% IPv6 /48; MOAS prefixes get a second origin.
  const prefixCount = Math.round(PAIRS / (1 + MOAS_SHARE));
  const prefixes: string[] = new Array(prefixCount);
  const origins = new Uint32Array(prefixCount);
  for (let i = 0; i < prefixCount; i++) {
    prefixes[i] = i % 10 === 9 ? `2001:${(i >>> 16).toString(16)}:${(i & 0xffff).toString(16)}::/48` : `${1 + (i >>> 16)}.${(i >>> 8) & 255}.${i & 255}.0/24`;
    origins[i] = 1000 + (mix(i, 7) % 60_000);
  }
  const isMoas = (i: number): boolean => mix(i, 11) % 1000 < MOAS_SHARE * 1000;
  const sees = (peer: number, i: number): boolean => mix(peer, i) % 100 < (peer < FULL_PEERS ? 97 : 3);

  // Peer identities as a parser would hand them over (built once: the state is measured, not this).
  const peerCollector = Array.from({ length: PEERS }, (_, p) => `rrc${String(p % 25).padStart(2, '0')}`);
  const peerIp = Array.from({ length: PEERS }, (_, p) => `10.${p >> 8}.${p & 255}.1`);
  const state = new PrefixState({ maxPairs: PAIRS * 2 });
  const origin = [0];
  const event: RouteEvent = { collector: 'rrc00', timestamp: 0, elem_type: 'announce', peer_ip: '', peer_asn: 0, prefix: '', origin_asns: origin, atomic: false };
  let lifecycle = 0;

  // 1. RIB load, peer by peer.
  const load = timed(() => {
    let n = 0;
    for (let peer = 0; peer < PEERS; peer++) {
      event.collector = peerCollector[peer];
      event.peer_ip = peerIp[peer];
      event.peer_asn = 64_512 + peer;
      event.timestamp = 1_700_000_000 + peer;
      for (let i = 0; i < prefixCount; i++) {
        if (!sees(peer, i)) continue;
        event.prefix = prefixes[i];
        origin[0] = isMoas(i) && peer % 2 === 1 ? origins[i] + 1 : origins[i];
        lifecycle += state.apply(event, classify).length;
        n++;
      }
    }
    return n;
  });
  const size = state.size();
  report('state: synthetic RIB load', { ...rates(load.value, load), pairs: size.pairs, prefixes: size.prefixes, peers: size.peers, lifecycle, rss_now_MiB: Math.round(process.memoryUsage().rss / 2 ** 20) });

  // 2. Update churn: random peers, 70% announcements (1 in 20 with another origin), 30% withdrawals.
  const updates = 3_000_000;
  const churn = timed(() => {
    let x = 12345;
    for (let k = 0; k < updates; k++) {
      x = mix(x, k);
      const peer = x % PEERS;
      const i = mix(x, 3) % prefixCount;
      event.collector = peerCollector[peer];
      event.peer_ip = peerIp[peer];
      event.peer_asn = 64_512 + peer;
      event.timestamp = 1_700_100_000 + k / 1000;
      event.prefix = prefixes[i];
      event.elem_type = x % 10 < 7 ? 'announce' : 'withdraw';
      origin[0] = x % 20 === 0 ? origins[i] + 2 : origins[i];
      lifecycle += state.apply(event, classify).length;
    }
  });
  report('state: synthetic update churn', { ...rates(updates, churn), pairs: state.size().pairs, lifecycle });

  // 3. A full-table peer goes down.
  const down = timed(() => state.peerDown({ collector: 'rrc00', peer_ip: '10.0.0.1', peer_asn: 64_512, timestamp: 1_700_200_000 }, classify).length);
  report('state: peerDown of a full-table peer', { wall_ms: Math.round(down.wall * 1000), lifecycle: down.value });

  // 4. Snapshot and restore.
  const dir = makeTmpDir('bench-state');
  const path = join(dir, 'state.gz');
  const write = await timedAsync(() => state.snapshot(path));
  const read = await timedAsync(() => PrefixState.restore(path));
  report('state: snapshot write / restore', {
    write_s: write.wall,
    restore_s: read.wall,
    file_MiB: statSync(path).size / 2 ** 20,
    restored_pairs: read.value.size().pairs,
  });
  rmSync(dir, { recursive: true, force: true });
}

async function realRib(): Promise<void> {
  const file = 'bgpdump-text/bview.20100701.0759.gz.bgp.gz';
  if (!hasSharedData) {
    process.stdout.write(`state: real RIB skipped: ${sharedDataSkipReason}\n`);
    return;
  }
  const events: RouteEvent[] = [];
  for await (const e of readBgpdumpText(sharedData(file), 'rrc06')) events.push(e);
  const state = new PrefixState();
  const run = timed(() => {
    let lifecycle = 0;
    for (const e of events) lifecycle += state.apply(e, classify).length;
    return lifecycle;
  });
  const size = state.size();
  report('state: real RIB (bgpdump text)', { ...rates(events.length, run), pairs: size.pairs, prefixes: size.prefixes, peers: size.peers, lifecycle: run.value });
}

// The synthetic table first, so that its peak RSS is its own (the real RIB's event array is large).
await synthetic();
await realRib();
