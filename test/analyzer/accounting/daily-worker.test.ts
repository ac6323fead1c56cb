/**
 * The live indexer computes its index on a worker thread from a copy of the state; the index
 * must be the one a build on the main thread makes from the state at that moment, field by
 * field (figures, params, flows). A seeded world over three UTC days: nested records across
 * RIRs, IPv4 and IPv6, origins that appear only on later days (their registrations reach the
 * worker then), and a registry swapped between days (the worker is sent the new one).
 * With ../shared/data, the same on a real RIB dump with the 2014 RIR files and the default geo database.
 */
import { cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DailyIndexer } from '../../../analyzer/accounting/daily.js';
import { computePortabilityIndex } from '../../../analyzer/accounting/portability.js';
import { utcDay } from '../../../common/time.js';
import { DEFAULT_FILTERS } from '../../../analyzer/models/accounting.js';
import type { GeoWalk } from '../../../analyzer/accounting/placement.js';
import { openGeo, type GeoDatabase } from '../../../analyzer/geo/index.js';
import { agreementOf, type AgreementWalk } from '../../../analyzer/geo/agreement.js';
import type { PortabilityIndex } from '../../../analyzer/models/accounting.js';
import { loadRegistry, type RegistryIndex } from '../../../analyzer/registry/index.js';
import { PrefixState } from '../../../analyzer/state/index.js';
import { FileSource } from '../../../collector/sources/index.js';
import type { RouteEvent } from '../../../collector/models/route-event.js';
import { rngFor } from '../../../fuzz/prng.js';
import { writeMmdb } from '../../helpers/mmdb-writer.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../../helpers/shared-data.js';
import { makeTmpDir } from '../../helpers/tmp.js';

const SEED = 16_002;
const dir = makeTmpDir('daily-worker');
const RIRS = ['afrinic', 'apnic', 'arin', 'lacnic', 'ripencc'] as const;
const CCS = ['ZA', 'JP', 'US', 'BR', 'DE', 'FR', 'HK', 'CA'];
const PEERS = ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4'];
const DAY0 = Date.parse('2024-03-05T00:00:00Z') / 1000;
const unclassified = () => ({ severity: 'none', kinds: [] }) as never;

/** Delegated files (two versions: the second moves some blocks to other RIRs) and a geo database. */
function writeWorld(): { rirA: string; rirB: string; geo: string; capture: string } {
  const rng = rngFor(SEED, 'world', 0);
  const lines = (variant: number): Record<string, string[]> => {
    const r = rngFor(SEED, 'delegated', variant);
    const out: Record<string, string[]> = Object.fromEntries(RIRS.map((x) => [x, []]));
    for (let a = 20; a < 60; a++) {
      const rir = RIRS[r.int(5)];
      out[rir].push(`${rir}|${r.pick(CCS)}|ipv4|${a}.0.0.0|65536|20100101|allocated`);
      // A carve-out of another RIR inside it.
      if (r.chance(0.5)) {
        const other = RIRS[r.int(5)];
        out[other].push(`${other}|${r.pick(CCS)}|ipv4|${a}.0.${16 * r.int(16)}.0|4096|20120101|assigned`);
      }
    }
    for (let k = 0; k < 12; k++) {
      const rir = RIRS[r.int(5)];
      out[rir].push(`${rir}|${r.pick(CCS)}|ipv6|2a0${k.toString(16)}:1000::|32|20100101|allocated`);
    }
    // ASNs 100..159; 160..169 are not registered.
    for (let asn = 100; asn < 160; asn++) {
      const rir = RIRS[r.int(5)];
      out[rir].push(`${rir}|${r.pick(CCS)}|asn|${asn}|1|20100101|allocated`);
    }
    return out;
  };
  const writeRir = (name: string, variant: number): string => {
    const d = join(dir, name);
    mkdirSync(d);
    for (const [rir, l] of Object.entries(lines(variant))) writeFileSync(join(d, `delegated-${rir}-extended-latest`), [`2|${rir}|20240305|${l.length}|19830101|20240305|+0000`, ...l].join('\n') + '\n');
    return d;
  };
  const networks = [];
  for (let a = 20; a < 60; a++) for (let q = 0; q < 4; q++) if (rng.chance(0.8)) networks.push({ prefix: `${a}.0.${q * 64}.0/18`, data: { country: { iso_code: rng.pick(CCS) } } });
  for (let k = 0; k < 12; k++) networks.push({ prefix: `2a0${k.toString(16)}:1000::/33`, data: { country: { iso_code: rng.pick(CCS) } } });
  const geo = join(dir, 'geo.mmdb');
  writeFileSync(geo, writeMmdb(networks, { ipVersion: 6, recordSize: 28, databaseType: 'test-country', buildEpoch: DAY0 }));

  // Three days of announcements and withdrawals; each day brings origins the days before did not have.
  const msgs: string[] = [];
  let seq = 0;
  for (let day = 0; day < 3; day++) {
    for (let i = 0; i < 1500; i++) {
      const t = DAY0 + day * 86_400 + Math.floor((i / 1500) * 86_000);
      const peer = rng.pick(PEERS);
      const v6 = rng.chance(0.15);
      const len = v6 ? 32 + rng.int(17) : 16 + rng.int(9);
      let prefix: string;
      if (v6) {
        const k = rng.int(12);
        const bits = len - 32; // bits below the /32, in the third group
        const third = bits ? (rng.int(2 ** bits) << (16 - bits)) & 0xffff : 0;
        prefix = `2a0${k.toString(16)}:1000:${third.toString(16)}::/${len}`;
      } else {
        const a = 20 + rng.int(40);
        const third = len >= 16 ? (rng.int(256) >> (24 - len)) << (24 - len) : 0;
        prefix = `${a}.0.${len === 16 ? 0 : third}.0/${len}`;
      }
      const withdraw = rng.chance(0.2);
      const originAsn = 100 + rng.int(40 + 15 * day); // later days reach higher (new) ASNs, some unregistered
      const data: Record<string, unknown> = { timestamp: t, peer, peer_asn: '64500', id: `m${seq++}`, host: 'rrc00', type: 'UPDATE' };
      if (withdraw) data.withdrawals = [prefix];
      else Object.assign(data, { path: [64500, originAsn], origin: 'igp', announcements: [{ next_hop: peer, prefixes: [prefix] }] });
      msgs.push(JSON.stringify({ type: 'ris_message', data }));
    }
  }
  const capture = join(dir, 'three-days.jsonl');
  writeFileSync(capture, msgs.join('\n') + '\n');
  return { rirA: writeRir('rir-a', 1), rirB: writeRir('rir-b', 2), geo, capture };
}

interface Analysis {
  registry: RegistryIndex;
  geo: GeoWalk;
  /** run --confirmed: the agreement walk over several databases. */
  agreement?: AgreementWalk;
}

/**
 * Replays `files` into a state with the indexer as a sink (before each event, as the pipeline
 * does); at each UTC midnight and at the end, the reference: the index computed here from the
 * state as it stands then. `analysisFor(day)` gives the registry and geo in use on that day.
 */
async function replay(files: string[], analysisFor: (day: number) => Analysis, opts: { worker?: boolean; provisionalSeconds?: number; other?: Analysis } = {}) {
  const state = new PrefixState();
  const written: PortabilityIndex[] = [];
  let current: Analysis = analysisFor(0);
  const indexer = new DailyIndexer({ table: state, analysis: () => current, filters: DEFAULT_FILTERS, write: async (i) => void written.push(i), sourceName: 'test', provisionalSeconds: opts.provisionalSeconds ?? 0, worker: opts.worker });
  const reference: PortabilityIndex[] = [];
  /** With `opts.other`: the same moments measured with that registry and geo instead. */
  const otherReference: PortabilityIndex[] = [];
  const measure = (with_: Analysis, dayStart: number, latest: number) =>
    computePortabilityIndex({ table: state, registry: with_.registry, geo: with_.geo, agreement: with_.agreement, filters: DEFAULT_FILTERS, date: utcDay(dayStart), snapshotAt: Math.max(latest, dayStart), source: { kind: 'live', files: ['test'], peers: state.size().peers, elements: state.counters.events } });
  const refAt = (dayStart: number, latest: number) => {
    reference.push(measure(current, dayStart, latest));
    if (opts.other) otherReference.push(measure(opts.other, dayStart, latest));
  };
  let dayStart: number | null = null;
  let latest = 0;
  for await (const e of new FileSource(files).events()) {
    const start = e.timestamp - (e.timestamp % 86_400);
    if (dayStart !== null && start > dayStart) refAt(dayStart, latest);
    indexer.beforeEvent(e as RouteEvent);
    if (dayStart !== null && start > dayStart) current = analysisFor((start - DAY0) / 86_400); // the next day's data from here on
    dayStart ??= start;
    if (start > dayStart) dayStart = start;
    latest = Math.max(latest, e.timestamp);
    state.apply(e as RouteEvent, unclassified);
  }
  if (dayStart !== null) refAt(dayStart, latest);
  await indexer.close();
  return { written, reference, otherReference, counters: indexer.counters };
}

describe('live portability index on a worker thread', () => {
  let world: ReturnType<typeof writeWorld>;
  let a: Analysis;
  let b: Analysis;
  beforeAll(async () => {
    world = writeWorld();
    const [ra, rb, geo] = await Promise.all([loadRegistry({ rirDir: world.rirA }), loadRegistry({ rirDir: world.rirB }), openGeo(world.geo)]);
    a = { registry: ra, geo };
    b = { registry: rb, geo };
  }, 60_000);

  it('writes, for each day and the last, the index a main-thread build makes from the state at that moment', async () => {
    // Day 0 and 2 on registry A, day 1 on B: the worker is sent each change.
    const { written, reference, otherReference, counters } = await replay([world.capture], (day) => (day === 1 ? b : a), { other: a });
    expect(counters.builtHere).toBe(0); // every build ran on the worker
    expect(written.map((i) => i.date)).toEqual(['2024-03-05', '2024-03-06', '2024-03-07']);
    expect(reference.map((i) => i.date)).toEqual(['2024-03-05', '2024-03-06', '2024-03-07']);
    // The world is not empty: both families routed, some space out of region, flows to compare.
    expect(written[2].ipv4.arin.routed + written[2].ipv4.ripencc.routed + written[2].ipv4.apnic.routed).toBeGreaterThan(0);
    expect(Object.values(written[2].ipv6).some((f) => f.routed > 0)).toBe(true);
    expect(written[2].flows.length).toBeGreaterThan(10);
    // The registries differ, so the day on B differs from what A would give (the swap reached the worker).
    expect(written[1].ipv4).not.toEqual(otherReference[1].ipv4);
    expect(written[2]).toEqual(otherReference[2]);
    for (let i = 0; i < 3; i++) expect(written[i]).toEqual(reference[i]);
  }, 120_000);

  it('provisional builds in quick succession come back in order, the same as on the main thread', async () => {
    const [onWorker, here] = await Promise.all([replay([world.capture], () => a, { provisionalSeconds: 3 * 3600 }), replay([world.capture], () => a, { provisionalSeconds: 3 * 3600, worker: false })]);
    expect(onWorker.counters.builtHere).toBe(0);
    expect(here.counters.builtHere).toBe(here.written.length);
    expect(onWorker.written.length).toBeGreaterThan(20);
    expect(onWorker.written).toEqual(here.written);
  }, 120_000);

  it('run --confirmed: the confirmed count is made on the worker too, from the same databases', async () => {
    // A second database with its own, coarser view: the two agree on part of the space only.
    const other = join(dir, 'geo-b.mmdb');
    const networks = [];
    for (let x = 20; x < 60; x++) networks.push({ prefix: `${x}.0.0.0/16`, data: { country: { iso_code: CCS[x % CCS.length] } } });
    for (let k = 0; k < 12; k++) networks.push({ prefix: `2a0${k.toString(16)}:1000::/32`, data: { country: { iso_code: CCS[k % CCS.length] } } });
    writeFileSync(other, writeMmdb(networks, { ipVersion: 6, recordSize: 28, databaseType: 'test-country-b', buildEpoch: DAY0 }));
    const geoB = await openGeo(other);
    const agreement = agreementOf({ primary: a.geo as GeoDatabase, sources: [{ name: 'geo', geo: a.geo as GeoDatabase, echo: false }, { name: 'geo-b', geo: geoB, echo: false }] });
    const { written, reference, counters } = await replay([world.capture], () => ({ ...a, agreement }));
    expect(counters.builtHere).toBe(0);
    for (let i = 0; i < 3; i++) expect(written[i]).toEqual(reference[i]);
    const confirmed = written[2].confirmed!;
    expect(confirmed.filters.geo_agreement.databases.map((d) => d.name)).toEqual(['geo', 'geo-b']);
    // Agreement is partial: something confirmed, less than everything geolocated.
    const sum = (f: Record<string, { geolocated: number }>) => Object.values(f).reduce((n, r) => n + r.geolocated, 0);
    expect(sum(confirmed.ipv4)).toBeGreaterThan(0);
    expect(sum(confirmed.ipv4)).toBeLessThan(sum(written[2].ipv4));
  }, 120_000);

  it('registry files replaced on disk after the main thread loaded them: the worker refuses them and the build runs on the main thread, with the figures of the registry in use', async () => {
    // The worker loads the registry from the files the main thread names; here they no longer hold what was loaded.
    const moved = join(dir, 'rir-moved');
    cpSync(world.rirA, moved, { recursive: true });
    const registry = await loadRegistry({ rirDir: moved });
    for (const f of readdirSync(world.rirB)) cpSync(join(world.rirB, f), join(moved, f));
    const { written, reference, counters } = await replay([world.capture], () => ({ registry, geo: a.geo }));
    expect(counters.builtHere).toBe(3);
    for (let i = 0; i < 3; i++) expect(written[i]).toEqual(reference[i]);
    // The figures are registry A's, as loaded, not B's now on disk.
    const onA = await replay([world.capture], () => a, { worker: false });
    expect(written).toEqual(onA.written);
  }, 120_000);

  it('a geo source the worker cannot open (not a database file) is built on the main thread, with the same figures', async () => {
    const db = a.geo as GeoDatabase;
    const wrapped: GeoWalk = { walk: (f, s, l, v) => db.walk(f, s, l, v), info: () => db.info() };
    const { written, reference, counters } = await replay([world.capture], () => ({ registry: a.registry, geo: wrapped }));
    expect(counters.builtHere).toBe(3);
    for (let i = 0; i < 3; i++) expect(written[i]).toEqual(reference[i]);
  }, 120_000);
});

describe.skipIf(!hasSharedData)(`live portability index on a worker thread, ${sharedDataSkipReason}`, () => {
  it('a real RIB dump (bview.20020722.2337) with the 2014 RIR files: the same index as a main-thread build', async () => {
    const rirDir = join(dir, 'rir-real');
    mkdirSync(rirDir);
    const { symlinkSync } = await import('node:fs');
    for (const rir of ['afrinic', 'apnic', 'lacnic', 'ripencc']) symlinkSync(sharedData('rir', '2014-07-01', `delegated-${rir}-latest.gz`), join(rirDir, `delegated-${rir}-latest.gz`));
    symlinkSync(sharedData('rir', '2013-08-13', 'delegated-arin-latest.gz'), join(rirDir, 'delegated-arin-latest.gz'));
    const [registry, geo] = await Promise.all([loadRegistry({ rirDir }), openGeo()]);
    const rib = sharedData('mrt', 'bgpdump-testdata', 'bview.20020722.2337.gz');
    const updates = sharedData('mrt', 'bgpdump-testdata', 'updates.20020722.2238.gz');
    // One build at the end of the RIB (the run stops), with the updates file before it.
    const { written, reference, counters } = await replay([updates, rib], () => ({ registry, geo }));
    expect(counters.builtHere).toBe(0);
    expect(written.length).toBe(reference.length);
    expect(written.length).toBeGreaterThan(0);
    expect(written.at(-1)!.ipv4.arin.routed).toBeGreaterThan(1_000_000);
    for (let i = 0; i < written.length; i++) expect(written[i]).toEqual(reference[i]);
  }, 180_000);
});
