/**
 * The registry as prepared (analyzer/registry/prepared.ts): read back from the cache folder, it
 * answers every lookup as the registry loaded from its files does (records, free rows, nesting,
 * ties resolved by IANA, conflicts, transfers, AS ranges, files, totals), on small files written
 * here and on the real 2013 files; the folder is keyed by the files' paths and content; a damaged prepared
 * file is logged, replaced and never trusted; a registry missing a context file is not prepared.
 */
import { appendFileSync, cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { log, setLogger } from '../../../common/log.js';
import { forEachIpv4Cidr } from '../../../analyzer/registry/prefix-index.js';
import { loadRegistry, type LoadRegistryOptions, type RegistryIndex } from '../../../analyzer/registry/index.js';
import { decodeRegistry, encodeRegistry, loadPreparedRegistry, preparedRegistryPath } from '../../../analyzer/registry/prepared.js';
import { formatIpv4Prefix, ipv4ToNumber } from '../../../common/ip.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../../helpers/shared-data.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { writeFixtureDir } from './fixtures.js';
import { writeNestingFixture } from './nesting-fixture.js';

const dir = makeTmpDir('prepared-registry');

const TRANSFERS = JSON.stringify({
  version: { production_date: '2024-01-05T00:00:00Z' },
  transfers: [
    { transfer_date: '2020-05-01T10:00:00Z', source_rir: 'ARIN', recipient_rir: 'APNIC', ip4nets: { transfer_set: [{ start_address: '146.88.32.0', end_address: '146.88.63.255' }] }, asns: { transfer_set: [{ start_as_number: 1228, end_as_number: 1229 }] } },
    { transfer_date: '2021-01-01T00:00:00Z', source_rir: 'ARIN', recipient_rir: 'LACNIC', ip6nets: { transfer_set: [{ start_address: '2620:0:100::', end_address: '2620:0:100:ff:ffff:ffff:ffff:ffff' }] } },
  ],
});

/**
 * A registry folder: `nesting`, records of several RIRs nested and tied, with IANA's CSVs and a
 * transfer log; `extended`, extended files with free rows, opaque ids and a malformed line (gzip).
 */
function writeRegistry(name: string, kind: 'nesting' | 'extended' = 'nesting'): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  if (kind === 'extended') writeFixtureDir(d, { gzipRipe: true });
  else {
    writeNestingFixture(d);
    writeFileSync(join(d, 'transfers_latest.json'), TRANSFERS);
  }
  return d;
}

/** Prefixes to look up: around every record (its start as a host, its CIDR pieces, their /8 and /16), the whole spaces, random ones. */
function targets(registry: RegistryIndex, random: number): { prefixes: string[]; asns: number[] } {
  const prefixes = new Set<string>(['0.0.0.0/0', '::/0', '2000::/3', '2620::/16', '2620:0:100:5::/64', '2620:0:100:5::1']);
  const asns = new Set<number>([0, 4294967295]);
  for (const r of registry.records) {
    if (r.type === 'asn') for (const a of [Number(r.start) - 1, Number(r.start), Number(r.start) + r.value - 1, Number(r.start) + r.value]) asns.add(Math.max(0, a));
    else if (r.type === 'ipv6') {
      prefixes.add(`${r.start}/${r.value}`);
      prefixes.add(r.start);
    } else {
      const start = ipv4ToNumber(r.start);
      prefixes.add(r.start);
      for (const len of [8, 16]) prefixes.add(formatIpv4Prefix(start - (start % 2 ** (32 - len)), len));
      forEachIpv4Cidr(start, start + r.value - 1, (s, len) => prefixes.add(formatIpv4Prefix(s, len)));
    }
  }
  // A fixed generator: the same prefixes each run.
  let seed = 12345;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  for (let i = 0; i < random; i++) {
    const len = 8 + (next() % 25);
    const v = next();
    prefixes.add(formatIpv4Prefix(v - (v % 2 ** (32 - len)), len));
    asns.add(next() % 70000);
  }
  return { prefixes: [...prefixes], asns: [...asns] };
}

/** Every answer of `prepared` equals the fresh registry's; returns how many lookups were compared. */
function expectSameAnswers(prepared: RegistryIndex, fresh: RegistryIndex, random: number): number {
  const { prefixes, asns } = targets(fresh, random);
  for (const p of prefixes) expect(prepared.prefix(p), p).toEqual(fresh.prefix(p));
  for (const a of asns) expect(prepared.asn(a), `AS${a}`).toEqual(fresh.asn(a));
  expect(prepared.files()).toEqual(fresh.files());
  expect(prepared.stats()).toEqual(fresh.stats());
  expect(prepared.sizes()).toEqual(fresh.sizes());
  expect(prepared.contextRanges()).toEqual(fresh.contextRanges());
  expect(prepared.registeredSegments(4)).toEqual(fresh.registeredSegments(4));
  expect(prepared.registeredSegments(6)).toEqual(fresh.registeredSegments(6));
  // Printed as JSON (lookups, exports): the same text, field order included.
  expect(JSON.stringify(prepared.records)).toBe(JSON.stringify(fresh.records));
  return prefixes.length + asns.length;
}

/** What is logged while `f` runs: each line's message. */
async function logged<T>(f: () => Promise<T>): Promise<{ value: T; lines: string[] }> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const l of String(chunk).split('\n')) if (l) lines.push(String(JSON.parse(l).msg));
      done();
    },
  });
  const previous = log;
  setLogger(pino({ level: 'debug' }, sink));
  try {
    return { value: await f(), lines };
  } finally {
    setLogger(previous);
  }
}

describe('the registry as prepared', () => {
  it.each(['nesting', 'extended'] as const)('is written by the first load and read back by the next, answering every lookup as the files do (%s files)', async (kind) => {
    const rirDir = writeRegistry(`fixture-${kind}`, kind);
    const cacheDir = join(dir, `cache-${kind}`);
    const opts = { rirDir, cacheDir };
    const fresh = await loadRegistry(opts);
    if (kind === 'nesting') {
      expect(fresh.contextRanges().transfers.length).toBe(3);
      expect(fresh.contextRanges().iana.length).toBeGreaterThan(0);
    } else expect(fresh.files().some((f) => f.skipped > 0)).toBe(true);

    const first = await loadPreparedRegistry(opts);
    expect(first.prepared).toBe(false);
    expect(readdirSync(join(cacheDir, 'prepared'))).toEqual([preparedRegistryPath(opts, cacheDir).split('/').pop()]);
    const second = await logged(() => loadPreparedRegistry(opts));
    expect(second.value.prepared).toBe(true);
    // A file with malformed lines is still named, as a load from the files names it.
    if (kind === 'extended') expect(second.lines).toContain('delegated file had malformed lines (skipped)');
    expect(expectSameAnswers(second.value.registry, fresh, 300)).toBeGreaterThan(300);
    expect(expectSameAnswers(first.registry, fresh, 0)).toBeGreaterThan(0);
  });

  it('is keyed by the files: a changed file is loaded from the files and prepared again', async () => {
    const rirDir = writeRegistry('changing');
    const cacheDir = join(dir, 'cache-2');
    const opts: LoadRegistryOptions & { cacheDir: string } = { rirDir, cacheDir };
    await loadPreparedRegistry(opts);
    const before = preparedRegistryPath(opts, cacheDir);
    appendFileSync(join(rirDir, 'delegated-arin-latest'), 'arin|US|ipv4|100.64.0.0|1024|20200101|allocated\n');
    expect(preparedRegistryPath(opts, cacheDir)).not.toBe(before);
    const changed = await loadPreparedRegistry(opts);
    expect(changed.prepared).toBe(false);
    expect(changed.registry.prefix('100.64.0.0/22').rir).toBe('arin');
    const again = await loadPreparedRegistry(opts);
    expect(again.prepared).toBe(true);
    expect(again.registry.prefix('100.64.0.0/22').rir).toBe('arin');
    expect(readdirSync(join(cacheDir, 'prepared')).length).toBe(2);
    // The same files in another folder: a registry of its own, naming its own files.
    const copy = join(dir, 'changing-copy');
    cpSync(rirDir, copy, { recursive: true });
    const copied = await loadPreparedRegistry({ rirDir: copy, cacheDir });
    expect(copied.prepared).toBe(false);
    expect(copied.registry.files().map((f) => f.path).every((p) => p.startsWith(copy))).toBe(true);
    expect((await loadPreparedRegistry({ rirDir: copy, cacheDir })).registry.files()).toEqual(copied.registry.files());
  });

  it('a damaged prepared file is logged and replaced, never read as a registry', async () => {
    const rirDir = writeRegistry('damaged');
    const cacheDir = join(dir, 'cache-3');
    const opts = { rirDir, cacheDir };
    const fresh = await loadRegistry(opts);
    await loadPreparedRegistry(opts);
    const path = preparedRegistryPath(opts, cacheDir);
    const good = readFileSync(path);
    expect(decodeRegistry(good)).not.toBeNull();
    // Cut short, a byte of the header changed, a column's type changed, a payload past the records, random bytes.
    const kinds = good.toString('utf8', 8, 8 + good.readUInt32LE(0));
    const retyped = Buffer.from(good);
    // The records' values (Float64) read as BigUint64: the same size, another type.
    retyped.write(kinds.replace('["f64",', '["u64",'), 8, 'utf8');
    const payloadPastRecords = Buffer.from(good);
    // The first IPv4 piece's payload (the 12th column, after the records and the pieces' bounds) pointed past the records.
    const damaged = [good.subarray(0, good.length - 9), Buffer.concat([good.subarray(0, 10), Buffer.from('}'), good.subarray(11)]), retyped, payloadPastRecords, Buffer.from('not a registry at all')];
    const header = JSON.parse(kinds) as { columns: Array<[string, number]> };
    const pad8 = (n: number) => (n + 7) & ~7;
    let at = 8 + pad8(good.readUInt32LE(0));
    const size = { u8: 1, u16: 2, u32: 4, i32: 4, f64: 8, u64: 8 } as Record<string, number>;
    for (const [kind, length] of header.columns.slice(0, 11)) at += pad8(size[kind] * length);
    payloadPastRecords.writeInt32LE(1e6, at);
    for (const bytes of damaged) {
      expect(decodeRegistry(bytes)).toBeNull();
      writeFileSync(path, bytes);
      const { value, lines } = await logged(() => loadPreparedRegistry(opts));
      expect(value.prepared).toBe(false);
      expect(lines).toContain('prepared registry unreadable; loading the registry files');
      expect(value.registry.prefix('146.88.32.0/19')).toEqual(fresh.prefix('146.88.32.0/19'));
      // Replaced by a good one.
      expect(decodeRegistry(readFileSync(path))).not.toBeNull();
    }
  });

  it('a registry missing a context file it was given is not prepared (its warning comes each time)', async () => {
    const rirDir = writeRegistry('broken-iana');
    writeFileSync(join(rirDir, 'ipv4-address-space.csv'), 'this is not IANA\'s CSV\n');
    const cacheDir = join(dir, 'cache-4');
    const opts = { rirDir, cacheDir };
    for (let i = 0; i < 2; i++) {
      const { value, lines } = await logged(() => loadPreparedRegistry(opts));
      expect(value.prepared).toBe(false);
      expect(value.registry.unloadedFiles()).toEqual([join(rirDir, 'ipv4-address-space.csv')]);
      expect(lines).toContain('registry context file not loaded');
    }
  });

  it('encodes what it decodes (an encoding of the decoded registry is the same bytes)', async () => {
    const rirDir = writeRegistry('round-trip');
    const registry = await loadRegistry({ rirDir });
    registry.buildIndexes();
    const bytes = encodeRegistry(registry);
    expect(encodeRegistry(decodeRegistry(bytes)!)).toEqual(bytes);
  });
});

describe.skipIf(!hasSharedData)(`the registry as prepared, on the 2013 files with IANA's (${sharedDataSkipReason})`, () => {
  it('answers as the files do', async () => {
    const opts = { rirDir: sharedData('rir', '2013-08-13'), ianaDir: sharedData('iana'), cacheDir: join(dir, 'cache-real') };
    const fresh = await loadRegistry(opts);
    expect((await loadPreparedRegistry(opts)).prepared).toBe(false);
    const { registry, prepared } = await loadPreparedRegistry(opts);
    expect(prepared).toBe(true);
    expect(registry.records.length).toBe(fresh.records.length);
    expect(expectSameAnswers(registry, fresh, 3000)).toBeGreaterThan(200_000);
  }, 300_000);
});
