/**
 * The registry as prepared for the accounting (space-cache.ts): the columns, written to a file
 * and read back, answer what the registry answers (every segment, every AS), on small files with
 * nested records, a conflict, AS ranges side by side and gaps, and on the real 2013/2014 files;
 * the cache folder is keyed by the files' paths and content, survives a damaged file, and `index build`
 * prints the same index from it as from the files.
 */
import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CachedSpace } from '../../../analyzer/accounting/space-cache.js';
import { decodeSpace, encodeSpace, loadRegisteredSpace, spaceCachePath, spaceColumns, spaceFromColumns } from '../../../analyzer/accounting/space-cache.js';
import { loadRegistry, type RegistryIndex } from '../../../analyzer/registry/index.js';
import { runCli } from '../../helpers/cli.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../../helpers/shared-data.js';
import { makeTmpDir } from '../../helpers/tmp.js';

const dir = makeTmpDir('space-cache');

const DELEGATED: Record<string, string[]> = {
  arin: ['arin|US|ipv4|146.88.0.0|65536|19910101|assigned|h-arin-1', 'arin|US|asn|100|10|19910101|assigned|h-arin-1', 'arin|US|ipv4|20.0.0.0|65536|19910101|assigned|h-arin-2', 'arin|US|ipv6|2600::|12|20000101|allocated|h-arin-3'],
  // A carve-out inside ARIN's block; the same /16 as ARIN's 20.0.0.0 (a conflict); ASNs right after ARIN's.
  apnic: ['apnic|HK|ipv4|146.88.32.0|8192|20020101|allocated|h-apnic-1', 'apnic|CN|ipv4|20.0.0.0|65536|20020101|allocated|h-apnic-2', 'apnic|HK|asn|110|5|20020101|allocated|h-apnic-1', 'apnic|JP|asn|4200000000|2|20020101|allocated|h-apnic-3'],
  ripencc: ['ripencc|DE|ipv6|2a00:1000::|32|20100101|allocated|h-ripe-1', 'ripencc|DE|ipv6|2a00:1000:8000::|33|20100101|assigned|h-ripe-2', 'ripencc|NL|asn|400|1|20100101|allocated|h-ripe-1', 'ripencc|NL|asn|402|3|20100101|allocated|h-ripe-2', 'ripencc||asn|500|1||available|'],
};

function writeRir(name: string, extra: Record<string, string[]> = {}): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  for (const [rir, lines] of Object.entries(DELEGATED)) {
    const all = [...lines, ...(extra[rir] ?? [])];
    writeFileSync(join(d, `delegated-${rir}-extended-latest`), [`2|${rir}|20240305|${all.length}|19830101|20240305|+0000`, ...all].join('\n') + '\n');
  }
  return d;
}

/** Every segment and every AS in `asns`: the space answers as the registry does. */
function expectSameAnswers(space: CachedSpace, registry: RegistryIndex, asns: Iterable<number>): number {
  const owner = (r: { rir: string; cc: string; opaqueId: string | null } | null) => (r ? [r.rir, r.cc, r.opaqueId] : null);
  for (const family of [4, 6] as const) {
    const want = registry.registeredSegments(family as 4).map((s) => [s.first, s.last, s.conflict, owner(s.record)]);
    const c = space.registeredColumns(family as 4);
    const got = Array.from(c.first, (first, i) => [first, c.last[i], c.conflict[i] === 1, owner(c.record[i])]);
    expect(got.length, `IPv${family} segments`).toBe(want.length);
    expect(got).toEqual(want);
  }
  let n = 0;
  for (const asn of asns) {
    const want = registry.asn(asn);
    const got = space.asn(asn);
    expect([asn, got.rir, got.record?.cc ?? null, (got.record as { opaqueId?: string | null } | null)?.opaqueId ?? null]).toEqual([asn, want.rir, want.record?.cc ?? null, want.record?.opaqueId ?? null]);
    n++;
  }
  expect(space.files()).toEqual(registry.files());
  return n;
}

describe('registry prepared for the accounting', () => {
  it('the columns, through a file and back, answer every segment and every AS as the registry does', async () => {
    const registry = await loadRegistry({ rirDir: writeRir('small') });
    const decoded = decodeSpace(encodeSpace(spaceColumns(registry)));
    expect(decoded).not.toBeNull();
    const space = spaceFromColumns(decoded!);
    const asns = [...Array.from({ length: 600 }, (_, i) => i), 4199999999, 4200000000, 4200000001, 4200000002, 4294967295];
    expectSameAnswers(space, registry, asns);
    // The world has what the cases need: a conflict, a carve-out (three IPv4 segments in ARIN's /16), owners with holder ids.
    const v4 = space.registeredColumns(4);
    expect(Array.from(v4.conflict).some((c) => c === 1)).toBe(true);
    expect(Array.from(v4.first).filter((first) => first >= 2 ** 31 + 2 ** 28).length).toBeGreaterThanOrEqual(3);
    expect(space.asn(112)).toMatchObject({ rir: 'apnic', record: { cc: 'HK', opaqueId: 'h-apnic-1' } });
    expect(space.asn(401)).toEqual({ rir: null, record: null });
    expect(space.asn(500)).toEqual({ rir: null, record: null }); // an available row registers nothing
  });

  it('a damaged or foreign file reads as none', async () => {
    const buf = encodeSpace(spaceColumns(await loadRegistry({ rirDir: writeRir('damaged') })));
    expect(decodeSpace(buf.subarray(0, buf.length - 100))).toBeNull();
    expect(decodeSpace(buf.subarray(0, 6))).toBeNull();
    expect(decodeSpace(Buffer.from('not a prepared space at all, but long enough'))).toBeNull();
    const other = Buffer.from(buf);
    other.write('{"format":999', 8);
    expect(decodeSpace(other)).toBeNull();
  });

  it('the cache folder: written once, read after; another version of a file is another entry; a damaged entry is loaded again from the files', async () => {
    const rirDir = writeRir('folder');
    const cacheDir = join(dir, 'cache-folder');
    const first = await loadRegisteredSpace({ rirDir }, cacheDir);
    expect(first.cached).toBe(false);
    first.save();
    const path = spaceCachePath({ rirDir }, cacheDir);
    expect(existsSync(path)).toBe(true);
    const second = await loadRegisteredSpace({ rirDir }, cacheDir);
    expect(second.cached).toBe(true);
    expectSameAnswers(second.space, first.space as RegistryIndex, [100, 109, 110, 114, 115, 400, 403]);

    // A changed file names another entry; the old one is not read for it.
    appendFileSync(join(rirDir, 'delegated-ripencc-extended-latest'), 'ripencc|FR|asn|700|1|20100101|allocated|h-ripe-3\n');
    expect(spaceCachePath({ rirDir }, cacheDir)).not.toBe(path);
    const changed = await loadRegisteredSpace({ rirDir }, cacheDir);
    expect(changed.cached).toBe(false);
    expect(changed.space.asn(700).rir).toBe('ripencc');
    changed.save();
    expect(readdirSync(join(cacheDir, 'prepared')).filter((f) => f.endsWith('.bin'))).toHaveLength(2);

    // A damaged entry: loaded from the files again, and saved over.
    const now = spaceCachePath({ rirDir }, cacheDir);
    writeFileSync(now, readFileSync(now).subarray(0, 1000));
    const again = await loadRegisteredSpace({ rirDir }, cacheDir);
    expect(again.cached).toBe(false);
    expect(again.space.asn(700).rir).toBe('ripencc');
    again.save();
    expect((await loadRegisteredSpace({ rirDir }, cacheDir)).cached).toBe(true);

    // No cache folder: never read or written.
    expect((await loadRegisteredSpace({ rirDir }, null)).cached).toBe(false);

    // The same files in another folder: a space of its own, naming its own files (the index's
    // data versions), not the first folder's.
    const copy = join(dir, 'folder-copy');
    cpSync(rirDir, copy, { recursive: true });
    const copied = await loadRegisteredSpace({ rirDir: copy }, cacheDir);
    expect(copied.cached).toBe(false);
    copied.save();
    const readBack = await loadRegisteredSpace({ rirDir: copy }, cacheDir);
    expect(readBack.cached).toBe(true);
    expect(readBack.space.files().length).toBe(3);
    expect(readBack.space.files().every((f) => f.path.startsWith(copy))).toBe(true);
  });

  it('index build prints the same index from the files and from the prepared registry and geo runs; --no-prepared leaves nothing', async () => {
    const rirDir = writeRir('cli');
    const capture = join(dir, 'routes.jsonl');
    const msg = (t: number, peer: string, prefixes: string[], origin: number) =>
      JSON.stringify({ type: 'ris_message', data: { timestamp: t, peer, peer_asn: '64500', id: `m${t}`, host: 'rrc00', type: 'UPDATE', path: [64500, origin], origin: 'igp', announcements: [{ next_hop: peer, prefixes }] } });
    writeFileSync(capture, [msg(1709632800, '192.0.2.1', ['146.88.0.0/16', '20.0.0.0/16'], 100), msg(1709632801, '192.0.2.1', ['146.88.62.0/23', '2a00:1000::/32'], 402)].join('\n') + '\n');
    const build = (...extra: string[]) => runCli(['index', 'build', capture, '--rir-dir', rirDir, '--min-peers', '1', '--json', '--no-store', '--log-level', 'error', ...extra]);
    const cacheDir = join(dir, 'cache-cli');
    const fromFiles = await build('--cache-dir', cacheDir);
    expect(fromFiles.code, fromFiles.stderr).toBe(0);
    // The registry's space and the geo database's IPv4 runs.
    expect(readdirSync(join(cacheDir, 'prepared')).map((f) => f.replace(/-[0-9a-f]+\.bin$/, '')).sort()).toEqual(['geo-runs', 'space']);
    const fromCache = await build('--cache-dir', cacheDir);
    expect(fromCache.code, fromCache.stderr).toBe(0);
    expect(fromCache.stdout).toBe(fromFiles.stdout);
    const index = JSON.parse(fromFiles.stdout) as { ipv4: Record<string, { routed: number }> };
    expect(index.ipv4.arin.routed + index.ipv4.apnic.routed).toBeGreaterThan(0);
    const none = join(dir, 'cache-none');
    const without = await build('--cache-dir', none, '--no-prepared');
    expect(without.stdout).toBe(fromFiles.stdout);
    expect(existsSync(join(none, 'prepared'))).toBe(false);
  }, 60_000);
});

describe.skipIf(!hasSharedData)(`registry prepared for the accounting, ${sharedDataSkipReason}`, () => {
  it('the 2013 files (ARIN, APNIC, LACNIC, RIPE NCC) with IANA: every segment, and every AS where an answer can change, as the registry says', async () => {
    const registry = await loadRegistry({ rirDir: sharedData('rir', '2013-08-13'), ianaDir: sharedData('iana') });
    const space = spaceFromColumns(decodeSpace(encodeSpace(spaceColumns(registry)))!);
    // Every AS at and around the start and end of each AS record (where an answer can change), and a sample between.
    const asns = new Set<number>();
    for (const r of registry.records) {
      if (r.type !== 'asn') continue;
      const s = Number(r.start);
      for (const a of [s - 1, s, s + 1, s + Math.floor(r.value / 2), s + r.value - 1, s + r.value]) if (a >= 0 && a <= 4294967295) asns.add(a);
    }
    expect(expectSameAnswers(space, registry, asns)).toBeGreaterThan(50_000);
  }, 120_000);
});
