/**
 * A self-contained capture for the crash and soak runs: a seeded MRT updates file (BGP4MP
 * announcements and withdrawals from four peers, built with the test MRT encoder) over the
 * classifier fixture's small, fully known registry and geo database, so findings of several
 * kinds and lifecycle events come out. The same seed always writes the same bytes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { rngFor } from '../../fuzz/prng.js';
import { writeFixture } from '../analyzer/classify/fixture.js';
import { asPath, bgp4mpMessage, bgp4mpStateChange, mpReach, mpUnreach, nextHop, origin, peerIndexTable, prefix, rib, ribMpReach, update, type Peer } from '../helpers/mrt-encoder.js';

const PEERS: Peer[] = [
  { peerAsn: 64501, localAsn: 12654, peerIp: '192.0.2.1', localIp: '192.0.2.254' },
  { peerAsn: 64502, localAsn: 12654, peerIp: '192.0.2.2', localIp: '192.0.2.254' },
  { peerAsn: 64503, localAsn: 12654, peerIp: '192.0.2.3', localIp: '192.0.2.254' },
  { peerAsn: 64504, localAsn: 12654, peerIp: '192.0.2.4', localIp: '192.0.2.254' },
];

/** Origins registered with four RIRs in the fixture, and one no RIR lists. */
const ORIGINS = [37000, 3333, 3356, 4134, 64500];

/** /24s inside the fixture's delegated and geolocated blocks (41/8 AFRINIC, 185/8 RIPE NCC, 23/8 ARIN legacy). */
function v4Pool(): string[] {
  const out: string[] = [];
  for (const [a, b] of [[41, 0], [41, 1], [41, 2], [41, 3], [41, 4], [41, 5], [41, 6], [41, 7], [185, 0], [185, 1], [23, 0]]) {
    for (let c = 0; c < 64; c++) out.push(`${a}.${b}.${c}.0/24`);
  }
  return out;
}
const V6_POOL = Array.from({ length: 64 }, (_, i) => `2c0f:f000:${i.toString(16)}::/48`);

export interface Capture {
  /** The MRT file. */
  mrt: string;
  /** Route events (elements) it holds. */
  elements: number;
  /** Its size (gzipped). */
  bytes: number;
  /** Registry folder (delegated files, IANA CSV, transfer log) for --rir-dir. */
  rirDir: string;
  /** Country database for --geo. */
  mmdb: string;
  /** Time of the last message (seconds). */
  lastTime: number;
}

/**
 * Writes `messages` BGP UPDATEs (1–6 prefixes each, about one in six a withdrawal) into
 * `dir/updates.mrt.gz`, and the registry and geo fixture beside it. With `peerDowns`, that many
 * sessions go down (a state change out of Established, back up a tenth of a second later), evenly
 * spaced, each of a seeded peer: its routes are gone until it announces them again.
 */
export function writeCapture(dir: string, opts: { seed?: number; messages?: number; startTime?: number; name?: string; peerDowns?: number } = {}): Capture {
  const rng = rngFor(opts.seed ?? 1, 'capture', 0);
  const messages = opts.messages ?? 10_000;
  // 2023-11-15 01:00 UTC: 16,000 messages stay within one UTC day.
  const start = opts.startTime ?? 1_700_010_000;
  const v4 = v4Pool();
  const records: Uint8Array[] = [];
  let elements = 0;
  const downEvery = opts.peerDowns ? Math.floor(messages / (opts.peerDowns + 1)) : 0;
  for (let i = 0; i < messages; i++) {
    if (downEvery && i > 0 && i % downEvery === 0 && i / downEvery <= opts.peerDowns!) {
      const down = rng.pick(PEERS);
      // Half a second before message i (BGP4MP_ET): no element of the file shares its time.
      records.push(bgp4mpStateChange(down, 6, 1, true, 500_000, start + i - 1), bgp4mpStateChange(down, 1, 6, true, 600_000, start + i - 1));
    }
    const peer = rng.pick(PEERS);
    // One message a second and distinct prefixes in a message: no two elements are the same
    // event, so a plain count() of an uninterrupted run is the element count whatever merges do.
    const seconds = start + i;
    const v6 = rng.chance(0.1);
    const n = 1 + rng.int(6);
    const prefixes = [...new Set(Array.from({ length: n }, () => (v6 ? rng.pick(V6_POOL) : rng.pick(v4))))];
    const nlri = prefixes.map((p) => prefix(p));
    let body: Uint8Array;
    if (rng.chance(1 / 6)) {
      body = v6 ? update({ attrs: [mpUnreach(2, nlri)] }) : update({ withdrawn: nlri });
    } else {
      const path = [{ type: 2 as const, asns: [peer.peerAsn, 174, rng.pick(ORIGINS)] }];
      body = v6
        ? update({ attrs: [origin(0), asPath(path), mpReach(2, ['2001:db8::1'], nlri)] })
        : update({ attrs: [origin(0), asPath(path), nextHop(peer.peerIp)], nlri });
    }
    records.push(bgp4mpMessage(peer, body, 4, { seconds }));
    elements += prefixes.length;
  }
  // Gzipped, as RIS archives are: the reader then yields to the event loop every inflated
  // chunk, so timers (timed batch cuts, /metrics) run during the file as they do on real input.
  const mrt = join(dir, opts.name ?? 'updates.mrt.gz');
  const bytes = gzipSync(Buffer.concat(records));
  writeFileSync(mrt, bytes);
  const { mmdb } = writeFixture(dir);
  return { mrt, elements, bytes: bytes.length, rirDir: dir, mmdb, lastTime: start + messages - 1 };
}

/**
 * A TABLE_DUMP_V2 RIB (`dir/<name>`, gzipped) of the capture's prefix pools as the four peers saw
 * them before a capture starts: each prefix from a seeded subset of the peers, with a seeded
 * origin, and one prefix in eight from two origins at once (a MOAS).
 */
export function writeRib(dir: string, opts: { seed?: number; name?: string } = {}): { file: string; entries: number } {
  const rng = rngFor(opts.seed ?? 1, 'rib', 0);
  const records: Uint8Array[] = [peerIndexTable(PEERS.map((p) => ({ ip: p.peerIp, asn: p.peerAsn })))];
  let entries = 0;
  for (const [seq, p] of [...v4Pool(), ...V6_POOL].entries()) {
    const v6 = p.includes(':');
    const origins = rng.chance(1 / 8) ? [rng.pick(ORIGINS), rng.pick(ORIGINS)] : [rng.pick(ORIGINS)];
    const peers = PEERS.map((_, i) => i).filter(() => rng.chance(0.7));
    if (!peers.length) continue;
    const routes = peers.map((peerIndex, k) => {
      const path = [{ type: 2 as const, asns: [PEERS[peerIndex].peerAsn, 174, origins[k % origins.length]] }];
      return { peerIndex, attrs: [origin(0), asPath(path), v6 ? ribMpReach('2001:db8::1') : nextHop(PEERS[peerIndex].peerIp)] };
    });
    records.push(rib(p, routes, seq));
    entries += routes.length;
  }
  const file = join(dir, opts.name ?? 'rib.mrt.gz');
  writeFileSync(file, gzipSync(Buffer.concat(records)));
  return { file, entries };
}
