/** MrtReadOptions.ribPrefixes: a reader that decodes only its share of a RIB's records (an `ingest --jobs` worker). */
import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { newStats, readMrtRecordElems } from '../../../collector/mrt/index.js';
import { asPath, attr, bgp4mpMessage, mrt, nextHop, origin, peerIndexTable, prefix, rib, tableDump, update, type Peer } from '../../helpers/mrt-encoder.js';

const PEER: Peer = { peerAsn: 64501, localAsn: 12654, peerIp: '192.0.2.1', localIp: '192.0.2.254' };
const good = [origin(0), asPath([{ type: 2, asns: [64501, 3356] }]), nextHop('192.0.2.1')];
/** TABLE_DUMP (v1) carries 2-byte ASNs. */
const goodV1 = [origin(0), asPath([{ type: 2, asns: [64501, 3356] }], 2), nextHop('192.0.2.1')];
/** An AS_PATH whose segment claims more ASNs than it holds. */
const badPath = attr(2, [2, 5, 0, 0]);

/** A peer table, six TABLE_DUMP_V2 records (the odd ones with a bad attribute), two TABLE_DUMP v1 records and an UPDATE with a bad attribute. */
function file(): Buffer {
  const v2 = ['10.0.0.0/8', '10.1.0.0/16', '192.0.2.0/24', '198.51.100.0/24', '2001:db8::/32', '203.0.113.0/24'];
  return Buffer.concat([
    peerIndexTable([{ ip: '192.0.2.1', asn: 64501 }]),
    ...v2.map((p, i) => rib(p, [{ peerIndex: 0, attrs: i % 2 ? [origin(0), badPath] : good }], i)),
    tableDump('172.16.0.0/12', '192.0.2.1', 64501, goodV1),
    tableDump('100.64.0.0/10', '192.0.2.1', 64501, [origin(0), badPath]),
    bgp4mpMessage(PEER, update({ attrs: [origin(0), badPath, nextHop('192.0.2.1')], nlri: [prefix('192.0.2.128/25')] })),
  ]);
}

async function read(ribPrefixes?: (p: string) => boolean, bytes = file()) {
  const stats = newStats();
  const prefixes: string[] = [];
  for await (const { elems } of readMrtRecordElems(Readable.from([bytes]), stats, { ribPrefixes })) for (const e of elems) prefixes.push(e.prefix);
  return { stats, prefixes };
}

describe('reading only some prefixes of a RIB', () => {
  it('counts every record, decodes only the accepted RIB records, and splits the warnings so two complementary readers sum to one full read', async () => {
    const all = await read();
    expect(all.stats.ribSkipped).toBe(0);
    expect(all.stats.ribWarnings).toBeGreaterThan(0);
    const total = (s: typeof all.stats) => Object.values(s.warnings).reduce((a, b) => a + b, 0);
    // The UPDATE's warning is not a RIB record's.
    expect(total(all.stats)).toBeGreaterThan(all.stats.ribWarnings);

    const isTen = (p: string) => p.startsWith('10.') || p.startsWith('2001:');
    const some = await read(isTen);
    const rest = await read((p) => !isTen(p));
    for (const part of [some, rest]) expect(part.stats.records).toBe(all.stats.records);
    expect(some.stats.ribSkipped + rest.stats.ribSkipped).toBe(6 + 2);
    // Each reader's RIB elements are its own prefixes; the UPDATE's element is in both.
    expect(some.prefixes).toEqual(['10.0.0.0/8', '10.1.0.0/16', '2001:db8::/32', '192.0.2.128/25']);
    expect([...some.prefixes, ...rest.prefixes].sort()).toEqual([...all.prefixes, '192.0.2.128/25'].sort());
    expect(some.stats.ribWarnings + rest.stats.ribWarnings).toBe(all.stats.ribWarnings);
    expect(total(some.stats) - some.stats.ribWarnings).toBe(total(all.stats) - all.stats.ribWarnings);
  });

  it('a RIB record whose prefix cannot be read is every reader\'s: its warning goes with the others, so the shares still sum to one full read', async () => {
    // RIB_IPV4_UNICAST claiming a /40: its head is unreadable, so no reader can tell whose it is.
    const bytes = Buffer.concat([file(), mrt(13, 2, new Uint8Array([0, 0, 0, 9, 40, 1, 2, 3, 4, 5, 0, 0]))]);
    const total = (s: Awaited<ReturnType<typeof read>>['stats']) => Object.values(s.warnings).reduce((a, b) => a + b, 0);
    const all = await read(undefined, bytes);
    const isTen = (p: string) => p.startsWith('10.');
    const [first, second] = [await read(isTen, bytes), await read((p) => !isTen(p), bytes)];
    for (const part of [first, second]) expect(part.stats.warnings['bad-record']).toBe(all.stats.warnings['bad-record']);
    // What an ingest worker reports: its RIB share, and the first one all other warnings.
    expect(first.stats.ribWarnings + (total(first.stats) - first.stats.ribWarnings) + second.stats.ribWarnings).toBe(total(all.stats));
  });
});
