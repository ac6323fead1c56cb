/**
 * NLRI written as ADD-PATH (RFC 7911) in records whose subtype does not say so, as BIRD does:
 * the elements use the ADD-PATH reading (with a counted warning) while `--format bgpdump`
 * keeps printing what bgpdump prints.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { decodeBgpMessage, updateToElems } from '../../../collector/bgp/index.js';
import { formatBgpdump } from '../../../collector/bgpdump/format.js';
import type { BgpUpdate } from '../../../collector/models/bgp.js';
import { log, setLogger } from '../../../common/log.js';
import type { MrtRecord } from '../../../collector/models/mrt.js';
import { newStats, readMrtRecords, recordToElems, type MrtReadStats } from '../../../collector/mrt/index.js';
import { bgpdumpText, hasBgpdump } from '../../helpers/bgpdump.js';
import * as enc from '../../helpers/mrt-encoder.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../../helpers/shared-data.js';
import { makeTmpDir } from '../../helpers/tmp.js';

const RECOVERED = /NLRI decoded as ADD-PATH although the record does not say so/;
const meta = { timestamp: 1, peer_ip: '192.0.2.1', peer_asn: 65001 };
const peer4 = { peerAsn: 65001, localAsn: 65000, peerIp: '192.0.2.1', localIp: '192.0.2.254' };
const peer6 = { peerAsn: 65001, localAsn: 65000, peerIp: '2001:db8::1', localIp: '2001:db8::fe' };
const basicAttrs = [enc.origin(0), enc.asPath([{ type: 2, asns: [65001, 65002] }]), enc.nextHop('192.0.2.1')];

const decode = (msg: Uint8Array, addPath = false): BgpUpdate => {
  const m = decodeBgpMessage(msg, { as4: true, addPath });
  expect(m.type).toBe('update');
  return m as BgpUpdate;
};
const summary = (u: BgpUpdate) => updateToElems(u, meta).map((e) => [e.elem_type, e.prefix, e.path_id]);

/** Reads every record, capturing the structured warnings the reader logs. */
async function read(source: string | Uint8Array, stats: MrtReadStats): Promise<{ records: MrtRecord[]; logged: Array<Record<string, unknown>> }> {
  const logged: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n')) if (l) logged.push(JSON.parse(l));
      done();
    },
  });
  const previous = log;
  setLogger(pino({ level: 'warn' }, sink));
  const records: MrtRecord[] = [];
  try {
    const src = typeof source === 'string' ? source : Readable.from([Buffer.from(source)]);
    for await (const r of readMrtRecords(src, stats)) records.push(r);
  } finally {
    setLogger(previous);
  }
  return { records, logged };
}
const recoveryLines = (logged: Array<Record<string, unknown>>) => logged.filter((l) => l.kind === 'bad-attribute' && RECOVERED.test(String(l.msg)));

describe('ADD-PATH NLRI in a non-ADD-PATH record (self-built)', () => {
  it('recovers IPv4 NLRI and withdrawn routes, with path ids and a warning each', () => {
    const u = decode(enc.update({ withdrawn: [enc.prefix('198.51.100.0/24', 7)], attrs: basicAttrs, nlri: [enc.prefix('203.0.113.0/24', 1), enc.prefix('10.0.0.0/8', 2)] }));
    expect(u.treatAsWithdraw).toBe(false);
    expect(u.warnings).toHaveLength(2);
    expect(u.warnings[0]).toMatch(/^withdrawn routes: NLRI decoded as ADD-PATH .* \(without path ids: prefix length 198 exceeds 32/);
    expect(u.warnings[1]).toMatch(/^NLRI: NLRI decoded as ADD-PATH .* \(without path ids: prefix length 203 exceeds 32/);
    expect(summary(u)).toEqual([
      ['withdraw', '198.51.100.0/24', 7],
      ['announce', '203.0.113.0/24', 1],
      ['announce', '10.0.0.0/8', 2],
    ]);
    expect(updateToElems(u, meta)[1]).toMatchObject({ next_hop: '192.0.2.1', as_path: [{ type: 'AS_SEQUENCE', asns: [65001, 65002] }] });
  });

  it('recovers MP_REACH_NLRI and MP_UNREACH_NLRI', () => {
    const u = decode(
      enc.update({
        attrs: [
          enc.origin(0),
          enc.asPath([{ type: 2, asns: [65001] }]),
          enc.mpUnreach(2, [enc.prefix('2001:db8:9::/48', 3)]),
          enc.mpReach(2, ['2001:db8::1'], [enc.prefix('fd01:1::/64', 1), enc.prefix('fd01:1:1::/64', 2)]),
        ],
      }),
    );
    expect(u.treatAsWithdraw).toBe(false);
    expect(u.warnings).toEqual([expect.stringMatching(/^MP_UNREACH_NLRI: NLRI decoded as ADD-PATH/), expect.stringMatching(/^MP_REACH_NLRI: NLRI decoded as ADD-PATH/)]);
    expect(summary(u)).toEqual([
      ['withdraw', '2001:db8:9::/48', 3],
      ['announce', 'fd01:1::/64', 1],
      ['announce', 'fd01:1:1::/64', 2],
    ]);
    // The plain (bgpdump) reading is kept beside the recovered one.
    expect(u.attributes.mpReach?.[0].nlri.map((n) => n.length)).toEqual([0, 0, 0, 1]);
  });

  it('keeps treat-as-withdraw when the field is not valid ADD-PATH either', () => {
    // /24 then an over-long /64: read as ADD-PATH, the path id swallows the first prefix and /64 is over-long too.
    const corrupt = enc.update({ attrs: basicAttrs, nlri: [enc.prefix('203.0.113.0/24'), Uint8Array.from([64, 1, 2, 3])] });
    const u = decode(corrupt);
    expect(u.treatAsWithdraw).toBe(true);
    expect(u.addPathRecovery).toBeUndefined();
    expect(u.warnings).toEqual(['NLRI: prefix length 64 exceeds 32 at 51']);
    expect(summary(u)).toEqual([['withdraw', '203.0.113.0/24', undefined]]);
  });

  it('does not recover a clean ADD-PATH reading with an implausible path id', () => {
    const u = decode(enc.update({ attrs: basicAttrs, nlri: [enc.prefix('10.0.0.0/8', 0xff000001)] }));
    expect(u.addPathRecovery).toBeUndefined();
    expect(u.treatAsWithdraw).toBe(true);
    expect(u.warnings).toEqual([expect.stringMatching(/^NLRI: prefix length 255 exceeds 32/)]);
  });

  it('does not retry a record that says ADD-PATH', () => {
    const u = decode(enc.update({ attrs: basicAttrs, nlri: [enc.prefix('10.0.0.0/8', 1), Uint8Array.from([0, 0, 0, 1, 40])] }), true);
    expect(u.addPathRecovery).toBeUndefined();
    expect(u.treatAsWithdraw).toBe(true);
  });

  it.skipIf(!hasBgpdump)('counts the warning, and --format bgpdump still prints what bgpdump prints', async () => {
    const file = enc.concat(
      enc.bgp4mpMessage(peer4, enc.update({ withdrawn: [enc.prefix('198.51.100.0/24', 7)], attrs: basicAttrs, nlri: [enc.prefix('203.0.113.0/24', 1)] }), 4),
      enc.bgp4mpMessage(peer6, enc.update({ attrs: [enc.origin(0), enc.asPath([{ type: 2, asns: [65001] }]), enc.mpReach(2, ['2001:db8::1'], [enc.prefix('fd01:1::/64', 1)])] }), 4),
    );
    const path = join(makeTmpDir('addpath-recovery'), 'bird-like.mrt');
    writeFileSync(path, file);
    const stats = newStats();
    const { records, logged } = await read(file, stats);
    expect(stats.warnings).toEqual({ 'bad-attribute': 3 });
    expect(recoveryLines(logged)).toHaveLength(3);
    expect(records.flatMap(recordToElems).map((e) => [e.elem_type, e.prefix, e.path_id])).toEqual([
      ['withdraw', '198.51.100.0/24', 7],
      ['announce', '203.0.113.0/24', 1],
      ['announce', 'fd01:1::/64', 1],
    ]);
    const expected = bgpdumpText(path);
    expect(records.map(formatBgpdump).join('')).toBe(expected);
  });
});

describe.skipIf(!hasSharedData)(`bird6_bgp (BIRD, ADD-PATH NLRI in BGP4MP_MESSAGE_AS4) ${hasSharedData ? '' : sharedDataSkipReason}`, () => {
  const file = sharedData('mrt', 'mrtparse-samples', 'bird6_bgp');

  it('yields announcements with path ids, no withdrawals, and counts one warning per UPDATE', async () => {
    const stats = newStats();
    const { records, logged } = await read(file, stats);
    const updates = records.flatMap((r) => (r.kind === 'bgp4mp-message' && r.message.type === 'update' ? [r.message] : []));
    const reaches = updates.filter((m) => m.attributes.mpReach);
    expect([updates.length, reaches.length]).toEqual([8, 6]); // the other two are End-of-RIB markers
    for (const m of reaches) {
      expect(m.treatAsWithdraw).toBe(false);
      expect(m.warnings).toEqual([expect.stringMatching(RECOVERED)]);
    }
    expect(stats.warnings).toEqual({ 'bad-attribute': 6 });
    expect(recoveryLines(logged)).toHaveLength(6);
    const elems = records.flatMap(recordToElems);
    expect(elems.filter((e) => e.elem_type === 'withdraw')).toEqual([]);
    // Two sessions, each announcing fd01:1{,:1,:2}::/64 on paths 1 and 2, then fd02:17::/64 on path 1.
    const session = [
      ['fd01:1::/64', 1],
      ['fd01:1:1::/64', 1],
      ['fd01:1:2::/64', 1],
      ['fd01:1:1::/64', 2],
      ['fd01:1::/64', 2],
      ['fd01:1:2::/64', 2],
      ['fd02:17::/64', 1],
    ];
    expect(elems.map((e) => [e.prefix, e.path_id])).toEqual([...session, ...session]);
    expect(elems[0]).toMatchObject({ elem_type: 'announce', next_hop: 'fd02::10', local_pref: 100, med: 10, origin_asns: [64512] });
  });

  it('recovers the IPv4 twin bird_bgp the same way (IPv4 NLRI field)', async () => {
    const stats = newStats();
    const { records, logged } = await read(sharedData('mrt', 'mrtparse-samples', 'bird_bgp'), stats);
    const elems = records.flatMap(recordToElems);
    expect(elems.filter((e) => e.elem_type === 'withdraw')).toEqual([]);
    expect(elems.slice(0, 7).map((e) => [e.prefix, e.path_id])).toEqual([
      ['172.17.0.0/24', 2],
      ['172.17.1.0/24', 2],
      ['172.17.2.0/24', 2],
      ['172.17.0.0/24', 1],
      ['172.17.1.0/24', 1],
      ['172.17.2.0/24', 1],
      ['192.168.16.0/24', 1],
    ]);
    expect(elems).toHaveLength(14);
    expect(stats.warnings).toEqual({ 'bad-attribute': 6 });
    expect(recoveryLines(logged)).toHaveLength(6);
  });

  it('keeps the bgpdump view (the reading without path ids, garbage included)', async () => {
    const text = (await read(file, newStats())).records.map(formatBgpdump).join('');
    expect(text).toContain('|A|fd02::10|65000|100:100::140:fd01:1/0|');
    expect(text).toContain('|A|fd02::10|65000|4000::/1|');
    expect(text).not.toContain('fd01:1::/64');
  });
});
