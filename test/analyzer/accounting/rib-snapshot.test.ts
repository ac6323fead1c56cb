/**
 * A RIB dump summed as it is read (RibSnapshotReader) must give the routed table a PrefixState
 * gives for the same file (tableFromSource, then routedPrefixes), and must refuse what is not a
 * dump in order, which routedFromFiles then reads into a PrefixState. Checked on dumps the test
 * encodes (every case the summing decides: repeated sources, routes without origin, origin sets,
 * MOAS ties, ADD-PATH, filters) and on every RIB in shared data.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { routedFromFiles, tableFromSource } from '../../../analyzer/accounting/from-files.js';
import { NotARibSnapshot, RibSnapshotReader } from '../../../analyzer/accounting/rib-snapshot.js';
import { routedPrefixes, type RoutedTable } from '../../../analyzer/accounting/routed.js';
import { DEFAULT_FILTERS, type RoutedFilters } from '../../../analyzer/models/accounting.js';
import { FileSource } from '../../../collector/sources/index.js';
import { asPath, bgp4mpMessage, concat, origin, peerIndexTable, prefix, rib, tableDump, update, type Seg } from '../../helpers/mrt-encoder.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../../helpers/shared-data.js';
import { plainData } from '../../helpers/plain.js';
import { makeTmpDir } from '../../helpers/tmp.js';

const dir = makeTmpDir('rib-snapshot');
const seq = (asns: number[]): Seg => ({ type: 2, asns });
const set = (asns: number[]): Seg => ({ type: 1, asns });
const ONE_PEER: RoutedFilters = { ...DEFAULT_FILTERS, min_peers: 1 };

/** Typed arrays and bigints as plain values, to compare two tables. */
const plain = (t: RoutedTable): unknown => plainData(t);

/** The table through a PrefixState, as for any input. */
async function viaState(files: string[], filters: RoutedFilters): Promise<unknown> {
  const { state, elements, latest } = await tableFromSource(new FileSource(files));
  const { 4: v4, 6: v6, counts } = routedPrefixes(state, filters);
  const { text: _a, ...c4 } = v4;
  const { text: _b, ...c6 } = v6;
  return plain({ routed: { 4: c4, 6: c6, counts }, elements, latest, peers: state.size().peers });
}

/** The table summed as the dump is read; throws NotARibSnapshot when it is not one. */
async function viaSnapshot(file: string, filters: RoutedFilters): Promise<unknown> {
  const reader = new RibSnapshotReader(filters);
  await new FileSource([file]).readRoutes(reader);
  return plain(reader.result());
}

const write = (name: string, ...records: Uint8Array[]): string => {
  const file = join(dir, name);
  writeFileSync(file, concat(...records));
  return file;
};

describe('a RIB dump summed as it is read (self-contained)', () => {
  const peers = peerIndexTable([
    { ip: '192.0.2.20', asn: 64520 },
    { ip: '192.0.2.21', asn: 64521 },
    { ip: '192.0.2.22', asn: 64522 },
    { ip: '2001:db8::23', asn: 64523 },
    // The same peer listed twice in the table: one source for PrefixState.
    { ip: '192.0.2.20', asn: 64520, bgpId: '10.0.0.9' },
  ]);
  const dump = write(
    'rrc99.bview.20240305.0000',
    // TABLE_DUMP records of one prefix from two peers, then a prefix with a repeated peer (the later route wins).
    tableDump('10.0.0.0/8', '192.0.2.1', 64501, [asPath([seq([64501, 100])], 2)]),
    tableDump('10.0.0.0/8', '192.0.2.2', 64502, [asPath([seq([64502, 100])], 2)]),
    tableDump('20.0.0.0/16', '192.0.2.1', 64501, [asPath([seq([64501, 200])], 2)]),
    tableDump('20.0.0.0/16', '192.0.2.1', 64501, [asPath([seq([64501, 201])], 2)]),
    tableDump('20.0.0.0/16', '192.0.2.2', 64502, [origin(0), asPath([], 2)]),
    peers,
    // MOAS: 300 by two peers against 301 by one; a tie of 400 and 401 goes to the smaller.
    rib('30.0.0.0/16', [
      { peerIndex: 0, attrs: [asPath([seq([64520, 301])])] },
      { peerIndex: 1, attrs: [asPath([seq([64521, 300])])] },
      { peerIndex: 2, attrs: [asPath([seq([64522, 300])])] },
    ]),
    rib('40.0.0.0/16', [
      { peerIndex: 0, attrs: [asPath([seq([64520, 401])])] },
      { peerIndex: 1, attrs: [asPath([seq([64521, 400])])] },
    ]),
    // An AS_SET whose smallest member is also a single origin: two pairs of one smallest ASN (MOAS).
    rib('50.0.0.0/16', [
      { peerIndex: 0, attrs: [asPath([seq([64520]), set([502, 500])])] },
      { peerIndex: 1, attrs: [asPath([seq([64521, 500])])] },
      { peerIndex: 2, attrs: [asPath([seq([64522]), set([500, 502, 500])])] },
    ]),
    // The duplicate peer entry: one source, its later route wins; a route without origin only.
    rib('60.0.0.0/16', [
      { peerIndex: 0, attrs: [asPath([seq([64520, 600])])] },
      { peerIndex: 4, attrs: [asPath([seq([64520, 601])])] },
    ]),
    rib('70.0.0.0/16', [{ peerIndex: 1, attrs: [asPath([])] }]),
    // ADD-PATH: two paths of one peer are two sources.
    rib('80.0.0.0/16', [
      { peerIndex: 2, pathId: 1, attrs: [asPath([seq([64522, 800])])] },
      { peerIndex: 2, pathId: 2, attrs: [asPath([seq([64522, 800])])] },
    ]),
    // Covered after covering, then what the filters drop: a /25, special-purpose space, IPv6.
    rib('80.0.1.0/24', [{ peerIndex: 1, attrs: [asPath([seq([64521, 801])])] }]),
    rib('90.0.0.0/25', [{ peerIndex: 1, attrs: [asPath([seq([64521, 900])])] }]),
    rib('192.168.0.0/16', [{ peerIndex: 1, attrs: [asPath([seq([64521, 901])])] }]),
    rib('2001:db8:100::/48', [{ peerIndex: 3, attrs: [asPath([seq([64523, 1000])])] }]),
    rib('2a00:1000::/32', [
      { peerIndex: 3, attrs: [asPath([seq([64523, 1001])])] },
      { peerIndex: 0, attrs: [asPath([seq([64520, 1001])])] },
    ]),
  );

  it.each([
    ['one peer enough', ONE_PEER],
    ['two peers needed', DEFAULT_FILTERS],
  ])('gives the table a PrefixState gives (%s)', async (_name, filters) => {
    const snapshot = await viaSnapshot(dump, filters);
    expect(snapshot).toEqual(await viaState([dump], filters));
    expect(await routedFromFiles([dump], filters).then(plain)).toEqual(snapshot);
    const t = snapshot as { routed: { counts: { ipv4: { announced: number } } }; elements: number; peers: number };
    expect([t.routed.counts.ipv4.announced, t.elements, t.peers]).toEqual([10, 24, 6]);
  });

  const refused: Array<[string, string, RegExp]> = [
    ['an UPDATE after the dump', write('rrc99.updates.a', peers, rib('30.0.0.0/16', [{ peerIndex: 1, attrs: [asPath([seq([64521, 300])])] }]), bgp4mpMessage({ peerAsn: 64500, localAsn: 65000, peerIp: '192.0.2.10', localIp: '192.0.2.1' }, update({ withdrawn: [prefix('30.0.0.0/16')] }))), /withdraw event/],
    ['a prefix listed again later', write('rrc99.bview.b', tableDump('10.0.0.0/8', '192.0.2.1', 64501, [asPath([seq([64501, 100])], 2)]), tableDump('20.0.0.0/8', '192.0.2.1', 64501, [asPath([seq([64501, 200])], 2)]), tableDump('10.0.0.0/8', '192.0.2.2', 64502, [asPath([seq([64502, 101])], 2)])), /sorts after/],
    ['covered before covering', write('rrc99.bview.c', tableDump('10.1.0.0/16', '192.0.2.1', 64501, [asPath([seq([64501, 100])], 2)]), tableDump('10.0.0.0/8', '192.0.2.1', 64501, [asPath([seq([64501, 200])], 2)])), /sorts after/],
  ];
  it.each(refused)('refuses %s, and routedFromFiles reads it into a PrefixState', async (_name, file, reason) => {
    await expect(viaSnapshot(file, ONE_PEER)).rejects.toThrow(NotARibSnapshot);
    await expect(viaSnapshot(file, ONE_PEER)).rejects.toThrow(reason);
    expect(await routedFromFiles([file], ONE_PEER).then(plain)).toEqual(await viaState([file], ONE_PEER));
  });

  it('reads several files into a PrefixState (their prefixes interleave)', async () => {
    const other = write('rrc98.bview.20240305.0000', tableDump('10.0.0.0/8', '192.0.2.9', 64509, [asPath([seq([64509, 109])], 2)]));
    expect(await routedFromFiles([dump, other], ONE_PEER).then(plain)).toEqual(await viaState([dump, other], ONE_PEER));
  });
});

describe.skipIf(!hasSharedData)(`a RIB dump summed as it is read, on real dumps: ${sharedDataSkipReason}`, () => {
  const mrt = (...p: string[]) => sharedData('mrt', ...p);
  // RIS and Quagga dumps list prefixes in order; BIRD's and these ADD-PATH samples do not (then read into a PrefixState).
  it.each([
    ['TABLE_DUMP, 2002', mrt('bgpdump-testdata', 'bview.20020722.2337.gz'), true],
    ['TABLE_DUMP_V2, 2014 sample cut inside its last record', mrt('pyasn-data', 'rib.20140523.0600_firstMB.bz2'), true],
    ['TABLE_DUMP_V2, 2008 sample', mrt('pyasn-data', 'rib.20080501.0644_firstMB.bz2'), true],
    ['Quagga', mrt('mrtparse-samples', 'quagga_rib'), true],
    ['OpenBGPD', mrt('mrtparse-samples', 'openbgpd_rib_table'), true],
    ['TABLE_DUMP_V2 with ADD-PATH, IPv4', mrt('bgpdump-testdata', 'bview.ipv4_unicast_add_path.gz'), false],
    ['TABLE_DUMP_V2 with ADD-PATH, IPv6', mrt('bgpdump-testdata', 'bview.ipv6_unicast_add_path.gz'), false],
    ['BIRD', mrt('mrtparse-samples', 'bird-mrtdump_rib'), false],
  ])('%s: the table a PrefixState gives', async (_name, file, inOrder) => {
    const reference = await viaState([file], ONE_PEER);
    expect((reference as { elements: number }).elements).toBeGreaterThan(0);
    if (inOrder) expect(await viaSnapshot(file, ONE_PEER)).toEqual(reference);
    else await expect(viaSnapshot(file, ONE_PEER)).rejects.toThrow(/sorts after/);
    expect(await routedFromFiles([file], ONE_PEER).then(plain)).toEqual(reference);
  }, 120_000);
});
