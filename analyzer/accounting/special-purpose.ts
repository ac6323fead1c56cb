/**
 * Space that is never counted as routed: the IANA IPv4 and IPv6 Special-Purpose Address
 * Registries (RFC 6890 and the RFCs that added entries since), plus IPv4 and IPv6 multicast.
 * `isSpecialPurpose` is true for any prefix that overlaps an entry, so a covering route such as
 * the default route 0.0.0.0/0 or ::/0 is left out whatever the length filter says.
 * Source: https://www.iana.org/assignments/iana-ipv4-special-registry/ and
 * https://www.iana.org/assignments/iana-ipv6-special-registry/ (entries as of 2026-12-01).
 */
import { parsePrefix, prefixEnd, type Family, type Prefix } from '../../common/ip.js';
import type { Bound } from './segments.js';

/** Every entry, with the RFC that set it aside. */
export const SPECIAL_PURPOSE: ReadonlyArray<{ prefix: string; name: string; rfc: string }> = [
  { prefix: '0.0.0.0/8', name: '"This network"', rfc: 'RFC 791' },
  { prefix: '10.0.0.0/8', name: 'Private-Use', rfc: 'RFC 1918' },
  { prefix: '100.64.0.0/10', name: 'Shared Address Space', rfc: 'RFC 6598' },
  { prefix: '127.0.0.0/8', name: 'Loopback', rfc: 'RFC 1122' },
  { prefix: '169.254.0.0/16', name: 'Link Local', rfc: 'RFC 3927' },
  { prefix: '172.16.0.0/12', name: 'Private-Use', rfc: 'RFC 1918' },
  { prefix: '192.0.0.0/24', name: 'IETF Protocol Assignments', rfc: 'RFC 6890' },
  { prefix: '192.0.2.0/24', name: 'Documentation (TEST-NET-1)', rfc: 'RFC 5737' },
  { prefix: '192.31.196.0/24', name: 'AS112-v4', rfc: 'RFC 7535' },
  { prefix: '192.52.193.0/24', name: 'AMT', rfc: 'RFC 7450' },
  { prefix: '192.88.99.0/24', name: 'Deprecated (6to4 Relay Anycast)', rfc: 'RFC 7526' },
  { prefix: '192.168.0.0/16', name: 'Private-Use', rfc: 'RFC 1918' },
  { prefix: '192.175.48.0/24', name: 'Direct Delegation AS112 Service', rfc: 'RFC 7534' },
  { prefix: '198.18.0.0/15', name: 'Benchmarking', rfc: 'RFC 2544' },
  { prefix: '198.51.100.0/24', name: 'Documentation (TEST-NET-2)', rfc: 'RFC 5737' },
  { prefix: '203.0.113.0/24', name: 'Documentation (TEST-NET-3)', rfc: 'RFC 5737' },
  { prefix: '224.0.0.0/4', name: 'Multicast (IPv4 address space registry)', rfc: 'RFC 5771' },
  { prefix: '240.0.0.0/4', name: 'Reserved', rfc: 'RFC 1112' },
  { prefix: '::/128', name: 'Unspecified Address', rfc: 'RFC 4291' },
  { prefix: '::1/128', name: 'Loopback Address', rfc: 'RFC 4291' },
  { prefix: '::ffff:0:0/96', name: 'IPv4-mapped Address', rfc: 'RFC 4291' },
  { prefix: '64:ff9b::/96', name: 'IPv4-IPv6 Translat.', rfc: 'RFC 6052' },
  { prefix: '64:ff9b:1::/48', name: 'IPv4-IPv6 Translat.', rfc: 'RFC 8215' },
  { prefix: '100::/64', name: 'Discard-Only Address Block', rfc: 'RFC 6666' },
  { prefix: '2001::/23', name: 'IETF Protocol Assignments', rfc: 'RFC 2928' },
  { prefix: '2001:db8::/32', name: 'Documentation', rfc: 'RFC 3849' },
  { prefix: '2002::/16', name: '6to4', rfc: 'RFC 3056' },
  { prefix: '2620:4f:8000::/48', name: 'Direct Delegation AS112 Service', rfc: 'RFC 7534' },
  { prefix: '3fff::/20', name: 'Documentation', rfc: 'RFC 9637' },
  { prefix: '5f00::/16', name: 'Segment Routing (SRv6) SIDs', rfc: 'RFC 9602' },
  { prefix: 'fc00::/7', name: 'Unique-Local', rfc: 'RFC 4193' },
  { prefix: 'fe80::/10', name: 'Link-Local Unicast', rfc: 'RFC 4291' },
  { prefix: 'ff00::/8', name: 'Multicast', rfc: 'RFC 4291' },
];

// IPv4 bounds as numbers, IPv6 as bigints, like the accounting's (segments.ts).
const blocks: Record<Family, Array<{ start: Bound; end: Bound }>> = { 4: [], 6: [] };
for (const e of SPECIAL_PURPOSE) {
  const p = parsePrefix(e.prefix) as Prefix;
  const end = prefixEnd(p);
  blocks[p.family].push(p.family === 4 ? { start: Number(p.start), end: Number(end) } : { start: p.start, end });
}

const ipv4Blocks = blocks[4] as Array<{ start: number; end: number }>;

/** isSpecialPurpose for IPv4 bounds, on numbers only (called once per routed prefix). */
export function isSpecialPurpose4(start: number, end: number): boolean {
  for (const b of ipv4Blocks) if (start <= b.end && b.start <= end) return true;
  return false;
}

/** True when the prefix overlaps any special-purpose block (so the default route is too). Bounds as in segments.ts: numbers for IPv4, bigints for IPv6. */
export function isSpecialPurpose(family: Family, start: Bound, end: Bound): boolean {
  for (const b of blocks[family]) if (start <= b.end && b.start <= end) return true;
  return false;
}
