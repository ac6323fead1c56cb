import { Readable } from 'node:stream';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatBgpdump } from '../../../collector/bgpdump/format.js';
import { newStats, readMrtElems, readMrtRecords, recordToElems } from '../../../collector/mrt/index.js';
import { readFrameBatches } from '../../../collector/mrt/framing.js';
import type { MrtRecord } from '../../../collector/models/mrt.js';
import * as enc from '../../helpers/mrt-encoder.js';
import { makeTmpDir } from '../../helpers/tmp.js';

const peer4 = { peerAsn: 65001, localAsn: 65000, peerIp: '192.0.2.1', localIp: '192.0.2.254' };
const peer6 = { peerAsn: 4200000001, localAsn: 65000, peerIp: '2001:db8::1', localIp: '2001:db8::fe' };
const basicAttrs = (asnSize: 2 | 4 = 4) => [enc.origin(0), enc.asPath([{ type: 2, asns: [65001, 65002] }], asnSize), enc.nextHop('192.0.2.1')];

async function records(bytes: Uint8Array, stats = newStats()): Promise<MrtRecord[]> {
  const out: MrtRecord[] = [];
  for await (const r of readMrtRecords(Readable.from([Buffer.from(bytes)]), stats)) out.push(r);
  return out;
}

describe('MRT record reader (self-built fixtures)', () => {
  it('reads BGP4MP MESSAGE (2-byte), MESSAGE_AS4, LOCAL, ADDPATH and _ET records', async () => {
    const file = enc.concat(
      enc.bgp4mpMessage(peer4, enc.update({ attrs: basicAttrs(2), nlri: [enc.prefix('203.0.113.0/24')] }), 1),
      enc.bgp4mpMessage(peer6, enc.update({ attrs: [enc.origin(0), enc.asPath([{ type: 2, asns: [4200000001] }]), enc.mpReach(2, ['2001:db8::1'], [enc.prefix('2001:db8:1::/48')])] }), 4),
      enc.bgp4mpMessage(peer4, enc.update({ withdrawn: [enc.prefix('198.51.100.0/24')] }), 7),
      enc.bgp4mpMessage(peer4, enc.update({ attrs: basicAttrs(), nlri: [enc.prefix('10.0.0.0/8', 42)] }), 9),
      enc.bgp4mpMessage(peer4, enc.bgpMessage(4), 4, { et: 123456 }),
    );
    const stats = newStats();
    const rs = await records(file, stats);
    expect(stats.warnings).toEqual({});
    expect(rs.map((r) => r.kind)).toEqual(Array(5).fill('bgp4mp-message'));
    const m = rs.map((r) => (r.kind === 'bgp4mp-message' ? r : null))!;
    expect(m[0]).toMatchObject({ as4: false, peerIp: '192.0.2.1', peerAsn: 65001, localAsn: 65000, addPath: false, local: false });
    expect(m[0]!.raw.slice(0, 16).every((x) => x === 0xff)).toBe(true);
    expect(m[1]).toMatchObject({ as4: true, peerIp: '2001:db8::1', peerAsn: 4200000001 });
    expect(m[2]!.local).toBe(true);
    expect(m[3]!.addPath).toBe(true);
    expect(m[4]).toMatchObject({ timestamp: 1_700_000_000.123456, microseconds: 123456, message: { type: 'keepalive' } });
    const elems = rs.flatMap(recordToElems);
    expect(elems.map((e) => [e.elem_type, e.prefix, e.path_id])).toEqual([
      ['announce', '203.0.113.0/24', undefined],
      ['announce', '2001:db8:1::/48', undefined],
      ['withdraw', '198.51.100.0/24', undefined],
      ['announce', '10.0.0.0/8', 42],
    ]);
    expect(formatBgpdump(rs[3])).toBe('BGP4MP_AP|1700000000|A|192.0.2.1|65001|10.0.0.0/8|42|65001 65002|IGP|192.0.2.1|0|0||NAG||\n');
    expect(formatBgpdump(rs[2])).toBe('BGP4MP_LOCAL|1700000000|W|192.0.2.1|65001|198.51.100.0/24\n');
  });

  it('reads state changes (2- and 4-byte, IPv6, _ET)', async () => {
    const rs = await records(enc.concat(enc.bgp4mpStateChange(peer4, 1, 2, false), enc.bgp4mpStateChange(peer6, 5, 6, true, 7)));
    expect(rs).toMatchObject([
      { kind: 'bgp4mp-state-change', peerIp: '192.0.2.1', oldState: 1, newState: 2 },
      { kind: 'bgp4mp-state-change', peerIp: '2001:db8::1', peerAsn: 4200000001, oldState: 5, newState: 6, microseconds: 7 },
    ]);
    expect(formatBgpdump(rs[1])).toBe('BGP4MP_ET|1700000000.000007|STATE|2001:db8::1|4200000001|5|6\n');
  });

  it('reads TABLE_DUMP, TABLE_DUMP_V2 (peer index, IPv4/IPv6, ADD-PATH) and type 5 records', async () => {
    const file = enc.concat(
      enc.tableDump('10.0.0.0/8', '192.0.2.1', 65001, [...basicAttrs(2), enc.aggregator(65005, '192.0.2.5', 2)]),
      enc.peerIndexTable([{ ip: '192.0.2.1', asn: 65001 }, { ip: '2001:db8::1', asn: 4200000001 }]),
      enc.rib('203.0.113.0/24', [{ peerIndex: 0, attrs: basicAttrs() }, { peerIndex: 1, attrs: [enc.origin(2), enc.asPath([{ type: 2, asns: [4200000001] }])] }]),
      enc.rib('2001:db8:5::/48', [{ peerIndex: 1, attrs: [enc.origin(0), enc.asPath([]), enc.ribMpReach('2001:db8::1')] }]),
      enc.rib('198.51.100.0/24', [{ peerIndex: 0, attrs: basicAttrs(), pathId: 3 }]),
      enc.bgpLegacyUpdate('192.0.2.9', 3333, enc.updateBody({ withdrawn: [enc.prefix('10.1.0.0/16')], attrs: basicAttrs(2), nlri: [enc.prefix('10.2.0.0/16')] })),
    );
    const stats = newStats();
    const rs = await records(file, stats);
    expect(stats.warnings).toEqual({});
    expect(rs.map((r) => r.kind)).toEqual(['table-dump', 'peer-index-table', 'rib', 'rib', 'rib', 'bgp-legacy-update']);
    const lines = rs.map(formatBgpdump).join('');
    expect(lines).toBe(
      [
        'TABLE_DUMP|1700000000|B|192.0.2.1|65001|10.0.0.0/8|65001 65002|IGP|192.0.2.1|0|0||NAG|65005 192.0.2.5|',
        'TABLE_DUMP2|1700000000|B|192.0.2.1|65001|203.0.113.0/24|65001 65002|IGP|192.0.2.1|0|0||NAG||',
        'TABLE_DUMP2|1700000000|B|2001:db8::1|4200000001|203.0.113.0/24|4200000001|INCOMPLETE|255.255.255.255|0|0||NAG||',
        'TABLE_DUMP2|1700000000|B|2001:db8::1|4200000001|2001:db8:5::/48||IGP|2001:db8::1|0|0||NAG||',
        'TABLE_DUMP2_AP|1700000000|B|192.0.2.1|65001|198.51.100.0/24|3|65001 65002|IGP|192.0.2.1|0|0||NAG||',
        'BGP|1700000000|W|192.0.2.9|3333|192.0.2.9/16',
        'BGP|1700000000|A|192.0.2.9|3333|10.2.0.0/16|65001 65002|IGP|192.0.2.1|0|0|NAG||',
        '',
      ].join('\n'),
    );
    const elems = rs.flatMap(recordToElems);
    expect(elems.map((e) => [e.elem_type, e.peer_ip, e.prefix, e.next_hop])).toEqual([
      ['announce', '192.0.2.1', '10.0.0.0/8', '192.0.2.1'],
      ['announce', '192.0.2.1', '203.0.113.0/24', '192.0.2.1'],
      ['announce', '2001:db8::1', '203.0.113.0/24', undefined],
      ['announce', '2001:db8::1', '2001:db8:5::/48', '2001:db8::1'],
      ['announce', '192.0.2.1', '198.51.100.0/24', '192.0.2.1'],
      ['withdraw', '192.0.2.9', '10.1.0.0/16', undefined],
      ['announce', '192.0.2.9', '10.2.0.0/16', '192.0.2.1'],
    ]);
    expect(elems[0]).toMatchObject({ aggr_asn: 65005, aggr_ip: '192.0.2.5' });
  });

  it('reads files: raw and gzip, by path', async () => {
    const dir = makeTmpDir('mrt-reader');
    const bytes = enc.bgp4mpMessage(peer4, enc.update({ attrs: basicAttrs(), nlri: [enc.prefix('203.0.113.0/24')] }), 4);
    writeFileSync(join(dir, 'raw.mrt'), bytes);
    writeFileSync(join(dir, 'z.gz'), gzipSync(bytes));
    for (const f of ['raw.mrt', 'z.gz']) {
      const stats = newStats();
      const elems = [];
      for await (const e of readMrtElems(join(dir, f), stats)) elems.push(e);
      expect(elems.map((e) => e.prefix)).toEqual(['203.0.113.0/24']);
      expect(stats).toMatchObject({ records: 1, elements: 1, bytes: bytes.length });
    }
  });
});

describe('MRT reader on bad input', () => {
  const good = () => enc.bgp4mpMessage(peer4, enc.update({ attrs: basicAttrs(), nlri: [enc.prefix('203.0.113.0/24')] }), 4);

  it('skips an unknown type and goes on with the next record', async () => {
    const stats = newStats();
    const rs = await records(enc.concat(enc.mrt(99, 1, Uint8Array.from([1, 2, 3])), good()), stats);
    expect(rs).toHaveLength(1);
    expect(stats.warnings).toEqual({ 'unknown-type': 1 });
  });

  it('counts a truncated last record and a truncated gzip stream', async () => {
    const bytes = enc.concat(good(), good());
    const stats = newStats();
    expect(await records(bytes.subarray(0, bytes.length - 5), stats)).toHaveLength(1);
    expect(stats.warnings).toEqual({ truncated: 1 });
    const dir = makeTmpDir('mrt-trunc');
    const gz = gzipSync(enc.concat(...Array(50).fill(0).map(good)));
    const cut = gz.subarray(0, gz.length - 20);
    writeFileSync(join(dir, 'cut.gz'), cut);
    // Every record zlib can still recover from the cut stream must come out.
    const recoverable = Math.floor(gunzipSync(cut, { finishFlush: constants.Z_SYNC_FLUSH }).length / good().length);
    const s2 = newStats();
    let n = 0;
    for await (const _ of readMrtRecords(join(dir, 'cut.gz'), s2)) n++;
    expect(recoverable).toBeGreaterThan(0);
    expect(n).toBe(recoverable);
    expect(s2.warnings.truncated).toBe(1);
  });

  it('stops framing at an implausible length without buffering the rest', async () => {
    const bad = enc.mrt(16, 4, new Uint8Array(4));
    bad.set(enc.u32(0xfffffff0), 8);
    const stats = newStats();
    const rs = await records(enc.concat(good(), bad, good()), stats);
    expect(rs).toHaveLength(1);
    expect(stats.warnings['bad-length']).toBe(1);
  });

  it('frames a record that spans many chunks, and one cut short, as when it comes whole', async () => {
    // A record of ~200 KB (many NLRI) between two small ones, fed in 1 KB chunks: the chunks are
    // held until the record is complete (one copy), and every frame and report comes out the same.
    const nlri = Array.from({ length: 50_000 }, (_, i) => enc.prefix(`10.${(i >> 8) & 255}.${i & 255}.0/24`));
    const long = enc.bgp4mpMessage(peer4, enc.update({ attrs: basicAttrs(), nlri }), 4);
    expect(long.length).toBeGreaterThan(100_000);
    const bytes = enc.concat(good(), long, good());
    // One chunk per turn of the event loop, so that the reader takes them one by one.
    const inChunks = (b: Uint8Array, size: number) =>
      Readable.from(
        (async function* () {
          for (let at = 0; at < b.length; at += size) {
            await new Promise(setImmediate);
            yield Buffer.from(b.subarray(at, at + size));
          }
        })(),
      );
    const frame = async (stream: Readable) => {
      const reports: string[] = [];
      const frames: Array<[number, number, number[]]> = [];
      for await (const batch of readFrameBatches(stream, (kind, offset, message) => reports.push(`${kind}@${offset}: ${message}`))) for (const f of batch) frames.push([f.offset, f.type, [...f.body]]);
      return { frames, reports };
    };
    const whole = await frame(Readable.from([Buffer.from(bytes)]));
    expect(whole.frames.map(([offset]) => offset)).toEqual([0, good().length, good().length + long.length]);
    expect(whole.reports).toEqual([]);
    expect(await frame(inChunks(bytes, 1024))).toEqual(whole);
    // Cut inside the long record: the same trailing bytes are reported dropped, at the same offset.
    const cut = bytes.subarray(0, good().length + 150_000);
    const cutWhole = await frame(Readable.from([Buffer.from(cut)]));
    expect(cutWhole.frames).toHaveLength(1);
    expect(cutWhole.reports).toEqual([`truncated@${good().length}: input ends inside a record: 150000 trailing byte(s) dropped`]);
    expect(await frame(inChunks(cut, 1000))).toEqual(cutWhole);
  });

  it('frames the same at every chunk size: records and headers cut anywhere, _ET, unknown types, a bad length', async () => {
    const state = enc.bgp4mpStateChange(peer4, 1, 2);
    const et = enc.mrt(17, 4, enc.concat(enc.u32(123_456), enc.bgp4mpMessage(peer4, enc.update({ attrs: basicAttrs(), nlri: [enc.prefix('10.1.0.0/16')] }), 4).subarray(12)));
    const shortEt = enc.mrt(17, 4, Uint8Array.from([0, 1]));
    const unknown = enc.mrt(99, 1, Uint8Array.from([1, 2, 3]));
    const empty = enc.mrt(16, 4, new Uint8Array(0));
    const bad = enc.mrt(16, 4, new Uint8Array(4));
    bad.set(enc.u32(0xfffffff0), 8);
    const clean = enc.concat(good(), state, et, unknown, shortEt, empty, good(), et, state);
    const inputs = { clean, cut: clean.subarray(0, clean.length - 7), 'bad length': enc.concat(clean, bad, good()) };
    const frame = async (chunks: Uint8Array[]) => {
      const reports: string[] = [];
      const frames: string[] = [];
      for await (const batch of readFrameBatches(Readable.from(chunks.map((c) => Buffer.from(c))), (kind, offset, message) => reports.push(`${kind}@${offset}: ${message}`)))
        for (const f of batch) frames.push(`${f.offset} ${f.type}/${f.subtype} ${f.seconds}.${f.microseconds} ${Buffer.from(f.body).toString('hex')}`);
      return { frames, reports };
    };
    for (const [name, bytes] of Object.entries(inputs)) {
      const whole = await frame([bytes]);
      expect(whole.frames.length, name).toBeGreaterThan(5);
      for (let size = 1; size <= good().length + 13; size++) {
        const chunks: Uint8Array[] = [];
        for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
        expect(await frame(chunks), `${name}, chunks of ${size}`).toEqual(whole);
      }
    }
  });

  it('destroys its source when the reader stops early', async () => {
    // Endless, one record per turn of the event loop: only the reader can stop it.
    const source = new Readable({ read() { setImmediate(() => this.push(Buffer.from(good()))); } });
    for await (const batch of readFrameBatches(source, () => {})) if (batch.length) break;
    expect(source.destroyed).toBe(true);
  });

  it('survives random mutations of real records (seeded fuzz, bounded)', async () => {
    let seed = 12345;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const base = enc.concat(
      good(),
      enc.bgp4mpMessage(peer6, enc.update({ withdrawn: [enc.prefix('10.9.0.0/16')], attrs: [enc.origin(0), enc.asPath([{ type: 1, asns: [1, 2] }]), enc.as4Path([{ type: 2, asns: [7] }]), enc.aggregator(23456, '1.2.3.4'), enc.communities([[1, 2]]), enc.mpReach(2, ['2001:db8::1', 'fe80::1'], [enc.prefix('2001:db8::/32', 5)]), enc.mpUnreach(2, [enc.prefix('2001:db8:9::/48', 1)])] }), 9),
      enc.peerIndexTable([{ ip: '192.0.2.1', asn: 65001 }]),
      enc.rib('203.0.113.0/24', [{ peerIndex: 0, attrs: basicAttrs() }]),
      enc.tableDump('10.0.0.0/8', '192.0.2.1', 65001, basicAttrs(2)),
      enc.bgp4mpStateChange(peer4, 1, 2),
      enc.bgpLegacyUpdate('192.0.2.9', 3333, enc.updateBody({ attrs: basicAttrs(2), nlri: [enc.prefix('10.2.0.0/16')] })),
    );
    for (let i = 0; i < 400; i++) {
      const b = Uint8Array.from(base);
      const kind = i % 3;
      if (kind === 0) for (let k = 0; k < 1 + Math.floor(rand() * 8); k++) b[Math.floor(rand() * b.length)] ^= 1 << Math.floor(rand() * 8);
      else if (kind === 1) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256); // often hits a length field
      const input = kind === 2 ? b.subarray(0, Math.floor(rand() * b.length)) : b;
      const stats = newStats();
      const started = Date.now();
      const rs = await records(input, stats);
      for (const r of rs) {
        formatBgpdump(r);
        recordToElems(r);
      }
      expect(rs.length).toBeLessThanOrEqual(7);
      expect(Date.now() - started).toBeLessThan(5000);
    }
  });
});
