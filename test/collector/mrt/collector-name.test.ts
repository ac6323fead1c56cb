/**
 * The collector of an MRT archive file, from its path as RIS and RouteViews lay files out, and
 * one shared label where the path names none: a backfill of one collector's 5-minute files,
 * saved without its folder, is one collector's peers, so a withdrawal in a later file removes
 * the route of an earlier one, and a peer counts once towards --min-peers.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectorFromPath, UNNAMED_COLLECTOR } from '../../../collector/mrt/collector-name.js';
import { runCli } from '../../helpers/cli.js';
import * as enc from '../../helpers/mrt-encoder.js';
import { makeTmpDir } from '../../helpers/tmp.js';

describe('collectorFromPath', () => {
  it.each([
    ['/data/ris/rrc06/2015.04/updates.20150401.0000.gz', 'rrc06'],
    ['ris.rrc06.updates.1427846400.gz', 'rrc06'],
    ['/mirror/RRC21/bview.20240101.0000.gz', 'rrc21'],
    ['/data/rrc00-copy/latest-bview.gz', 'rrc00'],
    ['/mirror/route-views.jinx/bgpdata/2015.04/UPDATES/updates.20150401.0000.bz2', 'route-views.jinx'],
    ['/mirror/route-views2.saopaulo/bgpdata/2024.01/RIBS/rib.20240101.0000.bz2', 'route-views2.saopaulo'],
    ['/mirror/route-views6/bgpdata/2024.01/UPDATES/updates.20240101.0000.bz2', 'route-views6'],
    ['routeviews.route-views.jinx.updates.1427846400.bz2', 'route-views.jinx'],
    ['route-views.updates.1427846400.bz2', 'route-views'],
    ['http://archive.routeviews.org/route-views.sydney/bgpdata/2024.01/RIBS/rib.20240101.0000.bz2', 'route-views.sydney'],
    ['https://data.ris.ripe.net/rrc06/2015.04/updates.20150401.0000.gz', 'rrc06'],
    // route-views2's archive has no folder of its own; a mirror made with `wget -r` keeps the host.
    ['http://archive.routeviews.org/bgpdata/2015.04/UPDATES/updates.20150401.0000.bz2', 'route-views2'],
    ['/mirror/archive.routeviews.org/bgpdata/2015.04/RIBS/rib.20150401.0000.bz2', 'route-views2'],
    // The file name is read before its folders: a RIS file kept in a RouteViews folder is RIS's.
    ['/mirror/route-views.jinx/ris.rrc01.updates.1427846400.gz', 'rrc01'],
    ['/work/shared/data/mrt/bgpdump-testdata/updates.20160811.1600.gz', UNNAMED_COLLECTOR],
    ['/data/bgpdata/2015.04/UPDATES/updates.20150401.0000.bz2', UNNAMED_COLLECTOR],
    ['rib.20140523.0600.bz2', UNNAMED_COLLECTOR],
    ['/tmp/rrc/rrc1/trrc06x/updates', UNNAMED_COLLECTOR],
    ['/srv/my-route-viewsx/updates', UNNAMED_COLLECTOR],
  ])('%s → %s', (path, want) => {
    expect(collectorFromPath(path)).toBe(want);
  });
});

describe('files whose path names no collector are one collector', () => {
  const dir = makeTmpDir('collector-name');
  const rir = join(dir, 'rir');
  mkdirSync(rir, { recursive: true });
  writeFileSync(join(rir, 'delegated-arin-latest'), ['2|arin|20240101|1|19700101|20240101|+0000', 'arin|US|ipv4|146.88.0.0|65536|19910101|assigned', ''].join('\n'));
  // The origin is registered in another region, so each route is a finding, whose end is stored.
  writeFileSync(join(rir, 'delegated-ripencc-latest'), ['2|ripencc|20240101|1|19700101|20240101|+0000', 'ripencc|NL|asn|3333|1|19930901|allocated', ''].join('\n'));

  const t0 = Date.parse('2024-03-05T10:00:00Z') / 1000;
  const peer = (ip: string, asn: number) => ({ peerAsn: asn, localAsn: 65000, peerIp: ip, localIp: '192.0.2.1' });
  const announce = (p: ReturnType<typeof peer>, prefixes: string[], seconds: number) =>
    enc.bgp4mpMessage(p, enc.update({ attrs: [enc.origin(0), enc.asPath([{ type: 2, asns: [p.peerAsn, 3333] }]), enc.nextHop(p.peerIp)], nlri: prefixes.map((x) => enc.prefix(x)) }), 4, { seconds });
  const withdraw = (p: ReturnType<typeof peer>, prefixes: string[], seconds: number) =>
    enc.bgp4mpMessage(p, enc.update({ withdrawn: prefixes.map((x) => enc.prefix(x)) }), 4, { seconds });
  const x = peer('192.0.2.10', 64510);
  const y = peer('192.0.2.20', 64520);
  // Two 15-minute files of one collector: both peers announce /24 A, X alone /24 B, then X withdraws B.
  const first = [announce(x, ['146.88.1.0/24', '146.88.2.0/24'], t0), announce(y, ['146.88.1.0/24'], t0 + 1)];
  const second = [withdraw(x, ['146.88.2.0/24'], t0 + 900)];
  const write = (folder: string): string[] => {
    mkdirSync(folder, { recursive: true });
    const files = [join(folder, 'updates.20240305.1000'), join(folder, 'updates.20240305.1015')];
    writeFileSync(files[0], Buffer.concat(first.map((r) => Buffer.from(r))));
    writeFileSync(files[1], Buffer.concat(second.map((r) => Buffer.from(r))));
    return files;
  };
  const unnamed = write(join(dir, 'flat'));
  const named = write(join(dir, 'route-views.jinx', 'bgpdata', '2024.03', 'UPDATES'));

  const index = async (files: string[]) => {
    const r = await runCli(['index', 'build', ...files, '--no-store', '--json', '--min-peers', '1', '--rir-dir', rir]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as { params: { source: { peers: number } }; ipv4: { arin: { prefixes: { routed: number } } } };
  };

  it('index build: the withdrawal in the second file ends the route of the first; each peer counts once', async () => {
    const flat = await index(unnamed);
    expect(flat.params.source.peers).toBe(2);
    expect(flat.ipv4.arin.prefixes.routed).toBe(1); // A only: B was withdrawn by its one peer
    expect(await index(named)).toEqual(flat);
  });

  it('ingest: the elements are labelled `unknown` (or as --collector says), and the route of the first file is withdrawn', async () => {
    const stored = async (files: string[], db: string, extra: string[] = []) => {
      const r = await runCli(['ingest', ...files, '--db', join(dir, db), '--rir-dir', rir, ...extra]);
      expect(r.code, r.stderr).toBe(0);
      const q = await runCli(['query', '--db', join(dir, db), '--format', 'csv', 'SELECT collector, prefix, elem_type FROM route_events ORDER BY time, peer_ip, prefix']);
      const findings = await runCli(['query', '--db', join(dir, db), '--format', 'csv', 'SELECT time, prefix, type, visibility FROM finding_events ORDER BY time, prefix, type']);
      return { events: q.stdout.trim().split(/\r?\n/).slice(1), findings: findings.stdout };
    };
    const flat = await stored(unnamed, 'flat-db');
    expect(flat.events).toEqual([
      `${UNNAMED_COLLECTOR},146.88.1.0/24,announce`,
      `${UNNAMED_COLLECTOR},146.88.2.0/24,announce`,
      `${UNNAMED_COLLECTOR},146.88.1.0/24,announce`,
      `${UNNAMED_COLLECTOR},146.88.2.0/24,withdraw`,
    ]);
    const jinx = await stored(named, 'named-db');
    expect(jinx.events.map((e) => e.replace(/^route-views\.jinx,/, `${UNNAMED_COLLECTOR},`))).toEqual(flat.events);
    expect(jinx.findings).toBe(flat.findings);
    expect(flat.findings.trim().split(/\r?\n/).slice(1)).toEqual([
      '2024-03-05 10:00:00.000000,146.88.1.0/24,finding-started,1',
      '2024-03-05 10:00:00.000000,146.88.2.0/24,finding-started,1',
      '2024-03-05 10:15:00.000000,146.88.2.0/24,finding-ended,0', // its one peer withdrew it, in the next file
    ]);
    const given = await stored(unnamed, 'given-db', ['--collector', 'route-views.jinx']);
    expect(given.events).toEqual(jinx.events);
  });
});
