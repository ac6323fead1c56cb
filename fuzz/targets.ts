/**
 * The fuzz targets: each builds its seeds, runs one input through the real entry point, and
 * says which errors are the entry point's documented refusals (everything else thrown is a finding).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { parseAlertsConfig, AlertsConfigError } from '../analyzer/alerts/rules.js';
import { parseDelegatedText } from '../analyzer/registry/delegated-parser.js';
import { parseTransfersText } from '../analyzer/registry/transfers-parser.js';
import { decodeBgpMessage, updateToElems } from '../collector/bgp/index.js';
import { readMrtRecords, recordToElems } from '../collector/mrt/index.js';
import { newStats } from '../collector/mrt/stats.js';
import { compileFilter, parseSubscription, RisProtocolError } from '../collector/replay/subscription.js';
import { decodeRisMessage } from '../collector/rislive/decode.js';
import type { RisMessageData } from '../collector/rislive/protocol.js';
import { HttpError } from '../dashboard/server/http.js';
import * as params from '../dashboard/server/params.js';
import * as E from '../test/helpers/mrt-encoder.js';

export type Input = Uint8Array | string;

export interface Target {
  name: string;
  kind: 'bytes' | 'text';
  /** File extension of saved findings. */
  ext: string;
  seeds(): Promise<Input[]>;
  run(input: Input): void | Promise<void>;
  /** A documented refusal of bad input (not a finding). */
  expected(err: unknown): boolean;
}

const SHARED = process.env.PORTOLAN_SHARED_DATA ?? '/work/shared/data';
const never = () => false;
const FUZZ_PATH = '<fuzz>';

function filesUnder(dir: string, limit = 200): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (out.length < limit) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Up to `max` MRT records (header + body bytes) from the start of a raw or gzip file. */
function mrtRecordsOf(file: string, max: number): Uint8Array[] {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
    if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
    else if (buf[0] === 0x42 && buf[1] === 0x5a) return []; // bzip2: not read for seeds
  } catch {
    return [];
  }
  const out: Uint8Array[] = [];
  let at = 0;
  while (at + 12 <= buf.length && out.length < max) {
    const len = buf.readUInt32BE(at + 8);
    const type = buf.readUInt16BE(at + 4);
    const end = at + 12 + len + (type === 17 ? 0 : 0);
    if (end > buf.length || len > 1 << 20) break;
    out.push(buf.subarray(at, end));
    at = end;
  }
  return out;
}

const PEER4: E.Peer = { peerAsn: 65001, localAsn: 12654, peerIp: '192.0.2.1', localIp: '192.0.2.254' };
const PEER6: E.Peer = { peerAsn: 4200000001, localAsn: 12654, peerIp: '2001:db8::1', localIp: '2001:db8::fe' };

function encoderUpdates(): Uint8Array[] {
  const attrs4 = [E.origin(0), E.asPath([{ type: 2, asns: [65001, 3356, 64500] }]), E.nextHop('192.0.2.1'), E.med(10), E.localPref(100), E.communities([[65001, 1]])];
  return [
    E.update({ attrs: attrs4, nlri: [E.prefix('203.0.113.0/24'), E.prefix('198.51.100.0/25')] }),
    E.update({ withdrawn: [E.prefix('203.0.113.0/24')] }),
    E.update({ attrs: [E.origin(0), E.asPath([{ type: 2, asns: [65001] }, { type: 1, asns: [64500, 64501] }]), E.mpReach(2, ['2001:db8::1'], [E.prefix('2001:db8:100::/48')])] }),
    E.update({ attrs: [E.mpUnreach(2, [E.prefix('2001:db8:100::/48')])] }),
    E.update({ attrs: [E.origin(2), E.asPath([{ type: 2, asns: [23456, 64500] }], 2), E.as4Path([{ type: 2, asns: [4200000001, 64500] }]), E.aggregator(23456, '192.0.2.9', 2), E.as4Aggregator(4200000001, '192.0.2.9'), E.nextHop('192.0.2.1'), E.atomic()], nlri: [E.prefix('192.0.2.0/24')] }),
    E.update({ attrs: [E.origin(0), E.asPath([{ type: 2, asns: [65001] }]), E.nextHop('192.0.2.1'), E.originatorId('192.0.2.7'), E.clusterList(['192.0.2.8']), E.extCommunities(['0002fde800000001']), E.largeCommunities([[65001, 1, 2]]), E.onlyToCustomer(65001)], nlri: [E.prefix('10.0.0.0/8', 7)] }),
    E.bgpMessage(4),
    E.bgpMessage(1, [4, 0xfd, 0xe9, 0, 90, 192, 0, 2, 1, 0]),
    E.bgpMessage(3, [6, 2]),
  ];
}

function encoderMrt(): Uint8Array[] {
  const ups = encoderUpdates();
  return [
    ...ups.map((u) => E.bgp4mpMessage(PEER4, u, 4)),
    ...ups.slice(0, 3).map((u) => E.bgp4mpMessage(PEER4, u, 1)),
    E.bgp4mpMessage(PEER6, ups[2], 4, { et: 123 }),
    E.bgp4mpMessage(PEER4, ups[5], 9),
    E.bgp4mpStateChange(PEER4, 3, 6),
    E.concat(E.peerIndexTable([{ ip: '192.0.2.1', asn: 65001 }, { ip: '2001:db8::1', asn: 4200000001 }]), E.rib('203.0.113.0/24', [{ peerIndex: 0, attrs: [E.origin(0), E.asPath([{ type: 2, asns: [65001, 64500] }]), E.nextHop('192.0.2.1')] }, { peerIndex: 1, attrs: [E.origin(0), E.asPath([{ type: 2, asns: [4200000001, 64500] }]), E.ribMpReach('2001:db8::1')] }])),
    E.tableDump('203.0.113.0/24', '192.0.2.1', 65001, [E.origin(0), E.asPath([{ type: 2, asns: [65001, 64500] }], 2), E.nextHop('192.0.2.1')]),
    E.bgpLegacyUpdate('192.0.2.1', 65001, E.updateBody({ attrs: [E.origin(0), E.asPath([{ type: 2, asns: [65001] }], 2), E.nextHop('192.0.2.1')], nlri: [E.prefix('203.0.113.0/24')] })),
  ];
}

const mrtTarget: Target = {
  name: 'mrt',
  kind: 'bytes',
  ext: 'mrt',
  async seeds() {
    const seeds = encoderMrt();
    for (const f of filesUnder(join(SHARED, 'mrt'))) {
      const recs = mrtRecordsOf(f, 40);
      // A table-dump-v2 file needs its PEER_INDEX_TABLE (the first record) before the RIB records.
      for (let i = 0; i < recs.length; i += 3) seeds.push(Buffer.concat(recs[0] && i > 0 ? [recs[0], ...recs.slice(i, i + 3)] : recs.slice(i, i + 3)));
    }
    return seeds;
  },
  async run(input) {
    const stream = Readable.from([Buffer.from(input as Uint8Array)]);
    for await (const r of readMrtRecords(stream, newStats(), { summary: false })) recordToElems(r);
  },
  expected: never, // documented: never throws on bad data
};

function bgpOfMrt(rec: Uint8Array): Uint8Array | null {
  const b = Buffer.from(rec);
  if (b.length < 12 || b.readUInt16BE(4) !== 16 || b.readUInt16BE(6) !== 4) return null;
  const afi = b.readUInt16BE(12 + 10);
  const off = 12 + 12 + (afi === 2 ? 32 : 8);
  return off < b.length ? b.subarray(off) : null;
}

const bgpTarget: Target = {
  name: 'bgp',
  kind: 'bytes',
  ext: 'bgp',
  async seeds() {
    const seeds = encoderUpdates();
    seeds.push(Buffer.from('FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF003E02000000234001010040020A02020000E15F00009312400304C43C09A5E00808E15F2EE0E15F2EE118C43246', 'hex'));
    for (const f of filesUnder(join(SHARED, 'mrt'))) for (const r of mrtRecordsOf(f, 60)) {
      const m = bgpOfMrt(r);
      if (m) seeds.push(m);
    }
    return seeds;
  },
  run(input) {
    const bytes = input as Uint8Array;
    for (const ctx of [{ as4: true }, { as4: false }, { as4: true, addPath: true }]) {
      const m = decodeBgpMessage(bytes, ctx);
      if (m.type === 'update') updateToElems(m, { timestamp: 1_700_000_000, peer_ip: '192.0.2.1', peer_asn: 65001 });
    }
  },
  expected: never, // documented: never throws
};

function isRisMessageData(d: unknown): d is RisMessageData {
  if (!d || typeof d !== 'object') return false;
  const o = d as Record<string, unknown>;
  return typeof o.timestamp === 'number' && typeof o.peer === 'string' && typeof o.type === 'string' && typeof o.host === 'string';
}

function jsonlSeeds(max = 400): string[] {
  const out: string[] = [];
  for (const f of filesUnder(join(SHARED, 'ris-live'))) {
    for (const line of readFileSync(f, 'utf8').split('\n')) if (line.trim() && out.length < max) out.push(line);
  }
  out.push(
    JSON.stringify({ type: 'ris_message', data: { timestamp: 1558620047.08, peer: '196.60.9.165', peer_asn: '57695', id: 'x', host: 'rrc19', type: 'UPDATE', raw: 'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF003E02000000234001010040020A02020000E15F00009312400304C43C09A5E00808E15F2EE0E15F2EE118C43246', path: [57695, [37650, 1]], community: [[57695, 12000]], origin: 'igp', announcements: [{ next_hop: '196.60.9.165', prefixes: ['196.50.70.0/24'] }], withdrawals: ['2001:db8::/32'] } }),
    JSON.stringify({ type: 'ris_message', data: { timestamp: 1, peer: '2001:db8::1', peer_asn: '1', id: 'y', host: 'rrc00.ripe.net', type: 'RIS_PEER_STATE', state: 'down' } }),
  );
  return out;
}

/** The RIS Live client's path for one frame: JSON.parse, shape check, decode with and without raw. */
const risJsonTarget: Target = {
  name: 'ris-live-json',
  kind: 'text',
  ext: 'json',
  async seeds() {
    return jsonlSeeds();
  },
  run(input) {
    let msg: { type?: unknown; data?: unknown };
    try {
      msg = JSON.parse(input as string) as typeof msg;
    } catch {
      return; // the client counts it as malformed
    }
    if (!msg || typeof msg !== 'object' || msg.type !== 'ris_message' || !isRisMessageData(msg.data)) return;
    decodeRisMessage(msg.data, { useRaw: true });
    decodeRisMessage(msg.data, { useRaw: false });
  },
  expected: never, // documented: never throws
};

/** The replay server's reading of ris_subscribe data, then the compiled filter on a message. */
const risSubscribeTarget: Target = {
  name: 'ris-subscribe',
  kind: 'text',
  ext: 'json',
  async seeds() {
    return [
      { moreSpecific: true, type: 'UPDATE', host: null, socketOptions: { includeRaw: false }, prefix: '10.0.0.0/8' },
      { moreSpecific: true, type: 'UPDATE', host: null, socketOptions: { includeRaw: false }, path: '3356$' },
      { moreSpecific: false, lessSpecific: false, prefix: '84.205.64.0/24', type: 'UPDATE', socketOptions: { includeRaw: false, acknowledge: false } },
      { host: 'rrc21', path: '!^123,456,[789,10111]$', require: 'announcements', peer: '2001:db8::1' },
      { prefix: ['2001:db8::/32', '192.0.2.0/24'], lessSpecific: true },
      null,
    ].map((d) => JSON.stringify(d));
  },
  run(input) {
    let data: unknown;
    try {
      data = JSON.parse(input as string);
    } catch {
      return;
    }
    const parsed = parseSubscription(data);
    const msg: RisMessageData = { timestamp: 1, peer: '2001:db8::1', peer_asn: '1', id: 'z', host: 'rrc21', type: 'UPDATE', path: [123, 456, 789, [789, 10111]], announcements: [{ next_hop: '::', prefixes: ['2001:db8:1::/48', '10.1.0.0/16'] }], withdrawals: ['192.0.2.0/25'] };
    for (const f of parsed.filters) compileFilter(f)(msg);
  },
  expected: (err) => err instanceof RisProtocolError,
};

function delegatedSeeds(): string[] {
  const out: string[] = [];
  for (const f of filesUnder(join(SHARED, 'rir', '2019-09-09-excerpts'))) {
    const lines = readFileSync(f, 'utf8').split('\n');
    const head = lines.filter((l) => l.startsWith('#') || /^\d/.test(l) || /\|summary$/.test(l)).slice(0, 6);
    const body = lines.filter((l) => l && !head.includes(l));
    for (let i = 0; i < body.length; i += 25) out.push([...head, ...body.slice(i, i + 25)].join('\n') + '\n');
  }
  if (!out.length) {
    out.push('2|ripencc|20240105|3|19830705|20240104|+0100\nripencc|*|ipv4|*|1|summary\nripencc|NL|ipv4|192.0.2.0|256|20100101|allocated|abc\nripencc|NL|ipv6|2001:db8::|32|20100101|allocated|abc\nripencc|NL|asn|64500|2|20100101|assigned|abc\n');
  }
  return out;
}

const delegatedTarget: Target = {
  name: 'delegated',
  kind: 'text',
  ext: 'txt',
  async seeds() {
    return delegatedSeeds();
  },
  run(input) {
    parseDelegatedText(input as string, FUZZ_PATH);
  },
  // Documented: throws when the text has no version line (an Error naming the path).
  expected: (err) => err instanceof Error && err.constructor === Error && err.message.startsWith(FUZZ_PATH),
};

const transfersTarget: Target = {
  name: 'transfers',
  kind: 'text',
  ext: 'json',
  async seeds() {
    const t = (o: object) => JSON.stringify({ version: { production_date: '2024-01-05', stats_version: '1.1' }, transfers: [o] });
    return [
      t({ transfer_date: '2020-05-01T10:00:00Z', source_rir: 'APNIC', recipient_rir: 'ARIN', type: 'RESOURCE_TRANSFER', ip4nets: { transfer_set: [{ start_address: '1.2.3.0', end_address: '1.2.3.255' }] }, asns: { transfer_set: [{ start_as_number: 4608, end_as_number: 4608 }] } }),
      t({ transfer_date: '2021-01-01T00:00:00Z', source_rir: 'ARIN', recipient_rir: 'RIPE NCC', ip6nets: { transfer_set: [{ start_address: '2620:0:1::', end_address: '2620:0:1:ffff:ffff:ffff:ffff:ffff' }] } }),
      t({ transfer_date: '2021-01-01T00:00:00Z', source_rir: 'ARIN', recipient_rir: 'ARIN', ip4nets: { transfer_set: [{ start_address: '8.0.0.0', end_address: '8.0.0.255', prefix: '8.0.0.0/24' }] } }),
      t({ transfer_date: 'yesterday', source_rir: 'LACNIC', recipient_rir: 'AFRINIC', asns: { transfer_set: [{ start_as_number: '27000', end_as_number: '27001' }] } }),
      JSON.stringify({ transfers: [] }),
    ];
  },
  run(input) {
    parseTransfersText(input as string, FUZZ_PATH);
  },
  // Documented: not JSON / no transfers array → an Error naming the path.
  expected: (err) => err instanceof Error && err.constructor === Error && err.message.startsWith(`${FUZZ_PATH}:`),
};

const alertsTarget: Target = {
  name: 'alerts-yml',
  kind: 'text',
  ext: 'yml',
  async seeds() {
    const seeds: string[] = [];
    const example = join(import.meta.dirname, '..', 'alerts.example.yml');
    if (existsSync(example)) seeds.push(readFileSync(example, 'utf8'));
    seeds.push(
      'channels:\n  log: { type: jsonl, path: /dev/null }\nrules:\n  - name: r\n    channels: [log]\n',
      'grouping-window: 60s\nquiet-period: 1h30m\nchannels:\n  hook: { type: webhook, url: "http://127.0.0.1:9/x", rate-limit: { max: 2, per: 1h }, retry: { attempts: 3 } }\nrules:\n  - name: big\n    channels: [hook]\n    events: [finding-started, finding-ended]\n    kinds: [geo-out-of-region]\n    min-severity: medium\n    prefixes: [192.0.2.0/24]\n    origin-asns: [AS64500, 64501]\n    min-addresses: 256\n',
      'channels:\n  s: { type: syslog, host: 127.0.0.1 }\n  e: { type: email, to: [a@example.org], smtp: { host: 127.0.0.1 } }\nrules:\n  - name: a\n    channels: [s, e]\n    events: [origin-changed]\n',
    );
    return seeds;
  },
  run(input) {
    parseAlertsConfig(input as string);
  },
  expected: (err) => err instanceof AlertsConfigError,
};

const FIXED_NOW = 1_704_412_800;
const paramsTarget: Target = {
  name: 'http-params',
  kind: 'text',
  ext: 'query',
  async seeds() {
    return [
      'rir=ripencc,arin&region=apnic&kind=geo-out-of-region&country=NL,US&asn=AS64500,64501&severity=high&prefix=192.0.2.0/24&ip=2001:db8::1&limit=100&from=24h&to=2024-01-05T00:00Z',
      'prefix=2001:db8::/32&ip=192.0.2.1&from=1700000000&to=1700003600&limit=1',
      'region=unknown&country=ZZ&asn=4294967295&severity=none&prefix=10.0.0.1/8&from=7d',
      'rir=&asn=&limit=&from=&to=',
    ];
  },
  run(input) {
    const q = new URLSearchParams(input as string);
    const calls: Array<() => unknown> = [
      () => params.rirList(q),
      () => params.regionValue(q.get('region'), 'region'),
      () => params.kindList(q),
      () => params.countryList(q),
      () => params.asnList(q),
      () => params.severityValue(q.get('severity')),
      () => params.prefixValue(q.get('prefix') ?? ''),
      () => params.ipValue(q.get('ip') ?? ''),
      () => params.intParam(q, 'limit', 100, 1, 10_000),
      () => params.timeRange(q, FIXED_NOW),
    ];
    // Each parser on its own: a refusal by one does not hide a crash in the next.
    let crash: unknown;
    for (const call of calls) {
      try {
        call();
      } catch (err) {
        if (!(err instanceof HttpError && err.status === 400)) crash ??= err;
      }
    }
    if (crash) throw crash;
  },
  expected: (err) => err instanceof HttpError && err.status === 400,
};

export const TARGETS: Target[] = [mrtTarget, bgpTarget, risJsonTarget, risSubscribeTarget, delegatedTarget, transfersTarget, alertsTarget, paramsTarget];
