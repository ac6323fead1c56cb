import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeBgpHex, decodeBgpMessage, decodeRisLiveRaw, updateToElems } from '../../../collector/bgp/index.js';
import type { BgpUpdate } from '../../../collector/models/bgp.js';
import * as enc from '../../helpers/mrt-encoder.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../../helpers/shared-data.js';

const meta = { timestamp: 1, peer_ip: '192.0.2.1', peer_asn: 65001 };
const asUpdate = (m: ReturnType<typeof decodeBgpMessage>): BgpUpdate => {
  expect(m.type).toBe('update');
  return m as BgpUpdate;
};

describe('BGP UPDATE decoding', () => {
  it('decodes every standard attribute into the element', () => {
    const msg = enc.update({
      withdrawn: [enc.prefix('198.51.100.0/24')],
      attrs: [
        enc.origin(1),
        enc.asPath([{ type: 2, asns: [65001, 4200000000] }, { type: 1, asns: [64512, 64513] }]),
        enc.nextHop('192.0.2.1'),
        enc.med(50),
        enc.localPref(200),
        enc.atomic(),
        enc.aggregator(65010, '192.0.2.9'),
        enc.communities([[65001, 100], [65535, 65281]]),
        enc.originatorId('10.1.1.1'),
        enc.clusterList(['10.2.2.2']),
        enc.extCommunities(['0002fde800000064']),
        enc.largeCommunities([[65001, 1, 2]]),
        enc.onlyToCustomer(65001),
        enc.attr(99, [1, 2, 3], 0xc0),
      ],
      nlri: [enc.prefix('203.0.113.0/24'), enc.prefix('10.0.0.0/8')],
    });
    const u = asUpdate(decodeBgpMessage(msg, { as4: true }));
    expect(u.warnings).toEqual([]);
    expect(u.attributes.originatorId).toBe('10.1.1.1');
    expect(u.attributes.clusterList).toEqual(['10.2.2.2']);
    expect(u.attributes.unknown).toEqual([{ flags: 0xc0, type: 99, hex: '010203' }]);
    const elems = updateToElems(u, meta);
    expect(elems.map((e) => [e.elem_type, e.prefix])).toEqual([
      ['withdraw', '198.51.100.0/24'],
      ['announce', '203.0.113.0/24'],
      ['announce', '10.0.0.0/8'],
    ]);
    const a = elems[1];
    expect(a).toMatchObject({ origin: 'EGP', next_hop: '192.0.2.1', med: 50, local_pref: 200, atomic: true, aggr_asn: 65010, aggr_ip: '192.0.2.9', only_to_customer: 65001, origin_asns: [64512, 64513] });
    expect(a.as_path).toEqual([{ type: 'AS_SEQUENCE', asns: [65001, 4200000000] }, { type: 'AS_SET', asns: [64512, 64513] }]);
    expect(a.communities).toEqual([
      { type: 'standard', asn: 65001, value: 100 },
      { type: 'standard', asn: 65535, value: 65281 },
      { type: 'extended', hex: '0002fde800000064' },
      { type: 'large', global: 65001, local1: 1, local2: 2 },
    ]);
  });

  it('merges AS4_PATH and AS4_AGGREGATOR into a 2-byte session (RFC 6793)', () => {
    const msg = enc.update({
      attrs: [enc.origin(0), enc.asPath([{ type: 2, asns: [65001, 23456, 23456] }], 2), enc.nextHop('192.0.2.1'), enc.aggregator(23456, '192.0.2.7', 2), enc.as4Path([{ type: 2, asns: [4200000001, 4200000002] }]), enc.as4Aggregator(4200000002, '192.0.2.7')],
      nlri: [enc.prefix('203.0.113.0/24')],
    });
    const [e] = updateToElems(asUpdate(decodeBgpMessage(msg, { as4: false })), meta);
    expect(e.as_path).toEqual([{ type: 'AS_SEQUENCE', asns: [65001, 4200000001, 4200000002] }]);
    expect(e.origin_asns).toEqual([4200000002]);
    expect(e.aggr_asn).toBe(4200000002);
  });

  it('ignores AS4_PATH when AS4_PATH is longer than AS_PATH', () => {
    const msg = enc.update({ attrs: [enc.origin(0), enc.asPath([{ type: 2, asns: [65001] }], 2), enc.nextHop('192.0.2.1'), enc.as4Path([{ type: 2, asns: [1, 2] }])], nlri: [enc.prefix('203.0.113.0/24')] });
    const [e] = updateToElems(asUpdate(decodeBgpMessage(msg, { as4: false })), meta);
    expect(e.as_path).toEqual([{ type: 'AS_SEQUENCE', asns: [65001] }]);
  });

  it('decodes MP_REACH/MP_UNREACH for IPv6 and IPv4, with ADD-PATH ids', () => {
    const msg = enc.update({
      attrs: [enc.origin(0), enc.asPath([{ type: 2, asns: [65001] }]), enc.mpReach(2, ['2001:db8::1', 'fe80::1'], [enc.prefix('2001:db8:1::/48', 7)]), enc.mpUnreach(2, [enc.prefix('2001:db8:2::/48', 9)])],
    });
    const u = asUpdate(decodeBgpMessage(msg, { as4: true, addPath: true }));
    expect(u.attributes.mpReach?.[0].nextHopLocal).toBe('fe80::1');
    const elems = updateToElems(u, meta);
    expect(elems).toMatchObject([
      { elem_type: 'withdraw', prefix: '2001:db8:2::/48', path_id: 9 },
      { elem_type: 'announce', prefix: '2001:db8:1::/48', path_id: 7, next_hop: '2001:db8::1' },
    ]);
    const v4 = enc.update({ attrs: [enc.origin(0), enc.asPath([]), enc.mpReach(1, ['192.0.2.5'], [enc.prefix('198.51.100.0/24')], 2)] });
    expect(updateToElems(asUpdate(decodeBgpMessage(v4, { as4: true })), meta)).toMatchObject([{ prefix: '198.51.100.0/24', next_hop: '192.0.2.5' }]);
  });

  it('clears host bits and compresses IPv6 in prefixes', () => {
    const msg = enc.update({ attrs: [enc.origin(0), enc.asPath([]), enc.nextHop('192.0.2.1')], nlri: [Uint8Array.from([13, 11, 13])] });
    expect(updateToElems(asUpdate(decodeBgpMessage(msg, { as4: true })), meta)[0].prefix).toBe('11.8.0.0/13');
  });

  it('treats a malformed attribute as withdraw (RFC 7606) and says where', () => {
    const msg = enc.update({ attrs: [enc.origin(0), enc.asPath([]), enc.nextHop('192.0.2.1'), enc.attr(5, [0, 1])], nlri: [enc.prefix('203.0.113.0/24')] });
    const u = asUpdate(decodeBgpMessage(msg, { as4: true }));
    expect(u.treatAsWithdraw).toBe(true);
    expect(u.warnings.join()).toMatch(/LOCAL_PREF length 2.*offset \d+/);
    expect(updateToElems(u, meta)).toMatchObject([{ elem_type: 'withdraw', prefix: '203.0.113.0/24' }]);
  });

  it('discards a malformed AGGREGATOR but keeps the routes', () => {
    const msg = enc.update({ attrs: [enc.origin(0), enc.asPath([]), enc.nextHop('192.0.2.1'), enc.attr(7, [1, 2, 3], 0xc0)], nlri: [enc.prefix('203.0.113.0/24')] });
    const u = asUpdate(decodeBgpMessage(msg, { as4: true }));
    expect(u.treatAsWithdraw).toBe(false);
    expect(updateToElems(u, meta)[0]).toMatchObject({ elem_type: 'announce' });
    expect(updateToElems(u, meta)[0].aggr_asn).toBeUndefined();
  });

  it('treats missing mandatory attributes and attribute overruns as withdraw', () => {
    const noPath = enc.update({ attrs: [enc.origin(0), enc.nextHop('192.0.2.1')], nlri: [enc.prefix('203.0.113.0/24')] });
    expect(asUpdate(decodeBgpMessage(noPath, { as4: true })).treatAsWithdraw).toBe(true);
    const overrun = enc.update({ attrs: [Uint8Array.from([0x40, 1, 9, 0])] });
    const u = asUpdate(decodeBgpMessage(overrun, { as4: true }));
    expect(u.warnings.join()).toMatch(/runs past/);
  });

  it('recognises OPEN, KEEPALIVE and NOTIFICATION, and reports bad framing without throwing', () => {
    const open = enc.bgpMessage(1, [4, ...enc.u16(23456), ...enc.u16(90), 10, 0, 0, 1, 8, 2, 6, 65, 4, ...enc.u32(4200000000)]);
    expect(decodeBgpMessage(open, { as4: false })).toMatchObject({ type: 'open', myAsn: 23456, holdTime: 90, bgpId: '10.0.0.1', as4Asn: 4200000000 });
    expect(decodeBgpMessage(enc.bgpMessage(4), { as4: true }).type).toBe('keepalive');
    expect(decodeBgpMessage(enc.bgpMessage(3, [6, 2]), { as4: true })).toMatchObject({ type: 'notification', code: 6, subcode: 2 });
    const bad = enc.bgpMessage(4);
    bad[0] = 0;
    expect(decodeBgpMessage(bad, { as4: true })).toMatchObject({ type: 'invalid', warnings: ['bad marker'] });
    expect(decodeBgpMessage(new Uint8Array(3), { as4: true }).type).toBe('invalid');
    expect(decodeBgpHex('zz', { as4: true }).type).toBe('invalid');
    expect(decodeBgpMessage(enc.bgpMessage(9), { as4: true })).toMatchObject({ type: 'invalid', messageType: 9 });
  });
});

interface RisData {
  type: string;
  raw: string;
  peer: string;
  peer_asn: string;
  timestamp: number;
  path?: Array<number | number[]>;
  origin?: string;
  community?: Array<[number, number]>;
  med?: number;
  aggregator?: string;
  announcements?: Array<{ next_hop: string; prefixes: string[] }>;
  withdrawals?: string[];
}

describe.skipIf(!hasSharedData)(`RIS Live raw messages (${hasSharedData ? 'real data' : sharedDataSkipReason})`, () => {
  it('decodes every raw UPDATE of the 1k capture to exactly its JSON projection', () => {
    const lines = readFileSync(sharedData('ris-live', 'morrowc-rislive', '1k-msgs.jsonl'), 'utf8').split('\n').filter(Boolean);
    let updates = 0;
    let twoByte = 0;
    for (const line of lines) {
      const d = (JSON.parse(line) as { data: RisData }).data;
      const msg = decodeRisLiveRaw(d.raw);
      if (msg.type === 'update' && !msg.as4) twoByte++;
      if (d.type === 'KEEPALIVE') {
        expect(msg.type).toBe('keepalive');
        continue;
      }
      updates++;
      const u = asUpdate(msg);
      expect(u.warnings).toEqual([]);
      const elems = updateToElems(u, { timestamp: d.timestamp, peer_ip: d.peer, peer_asn: Number(d.peer_asn) });
      const withdrawn = elems.filter((e) => e.elem_type === 'withdraw').map((e) => e.prefix);
      expect(withdrawn.sort()).toEqual([...(d.withdrawals ?? [])].sort());
      const announced = elems.filter((e) => e.elem_type === 'announce');
      // RIS Live repeats IPv6 prefixes under the link-local next hop: the global one comes first.
      const firstHop = new Map<string, string>();
      for (const a of d.announcements ?? []) for (const p of a.prefixes) if (!firstHop.has(p)) firstHop.set(p, a.next_hop);
      const expected = [...firstHop].map(([p, nh]) => [p, nh]);
      expect(announced.map((e) => [e.prefix, e.next_hop]).sort()).toEqual(expected.sort());
      for (const e of announced) {
        const flat: Array<number | number[]> = (e.as_path ?? []).flatMap((s): Array<number | number[]> => (s.type === 'AS_SET' ? [s.asns] : s.asns));
        // RIS Live's projection drops a trailing one-member AS_SET that repeats the last AS.
        const last = flat.at(-1);
        if (Array.isArray(last) && last.length === 1 && last[0] === flat.at(-2)) flat.pop();
        expect(flat).toEqual(d.path ?? []);
        expect(e.origin?.toLowerCase()).toBe(d.origin);
        expect((e.communities ?? []).filter((c) => c.type === 'standard').map((c) => (c.type === 'standard' ? [c.asn, c.value] : []))).toEqual(d.community ?? []);
        // The projection leaves out a MED of 0.
        expect(d.med === undefined ? [undefined, 0] : [d.med]).toContain(e.med);
        // This capture's projection leaves `aggregator` out; where present it must match.
        if (d.aggregator !== undefined) expect(`${e.aggr_asn}:${e.aggr_ip}`).toBe(d.aggregator);
      }
    }
    expect(updates).toBe(994);
    // Most peers use 4-byte ASNs; a few sessions are 2-byte and must be recognised as such.
    expect(twoByte).toBeGreaterThan(0);
    expect(twoByte).toBeLessThan(updates / 2);
  });

  it('decodes an AS path ending in an AS_SET', () => {
    const line = readFileSync(sharedData('ris-live', 'morrowc-rislive', 'fail-as-set.jsonl'), 'utf8').split('\n')[0];
    const d = (JSON.parse(line) as { data: RisData }).data;
    const [e] = updateToElems(asUpdate(decodeBgpHex(d.raw, { as4: true })), { timestamp: 0, peer_ip: d.peer, peer_asn: 0 });
    expect(e.as_path?.at(-1)).toEqual({ type: 'AS_SET', asns: [13340] });
    expect(e.origin_asns).toEqual([13340]);
  });
});
