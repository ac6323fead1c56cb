import { describe, expect, it } from 'vitest';
import { canonicalPrefix, formatPrefix, parsePrefix, prefixContains, rangeToPrefixes } from '../../common/ip.js';

describe('prefixes', () => {
  it('canonicalises IPv4 and IPv6 and rejects host bits, bad lengths and garbage', () => {
    expect(canonicalPrefix('10.0.0.0/8')).toBe('10.0.0.0/8');
    expect(canonicalPrefix('2001:0DB8:0000::/32')).toBe('2001:db8::/32');
    expect(canonicalPrefix('10.0.0.1/8')).toBeNull();
    expect(canonicalPrefix('10.0.0.0/33')).toBeNull();
    expect(canonicalPrefix('2001:db8::/129')).toBeNull();
    expect(canonicalPrefix('not-an-ip/8')).toBeNull();
    expect(formatPrefix(parsePrefix('10.1.2.3/8', true)!)).toBe('10.0.0.0/8');
  });

  it('tests containment across lengths and families', () => {
    const p = (s: string) => parsePrefix(s)!;
    expect(prefixContains(p('10.0.0.0/8'), p('10.20.0.0/16'))).toBe(true);
    expect(prefixContains(p('10.20.0.0/16'), p('10.0.0.0/8'))).toBe(false);
    expect(prefixContains(p('11.0.0.0/8'), p('10.20.0.0/16'))).toBe(false);
    expect(prefixContains(p('::/0'), p('10.0.0.0/8'))).toBe(false);
  });

  it('splits a non-power-of-two, unaligned range into the exact minimal CIDR list', () => {
    // 41.0.0.0 + 768 addresses = a /23 and a /24.
    const first = 41n << 24n;
    const split = rangeToPrefixes(4, first, first + 767n).map(formatPrefix);
    expect(split).toEqual(['41.0.0.0/23', '41.0.2.0/24']);
    // Unaligned start: 10.0.0.1 .. 10.0.0.8
    const s2 = rangeToPrefixes(4, (10n << 24n) + 1n, (10n << 24n) + 8n).map(formatPrefix);
    expect(s2).toEqual(['10.0.0.1/32', '10.0.0.2/31', '10.0.0.4/30', '10.0.0.8/32']);
    // Whole space.
    expect(rangeToPrefixes(4, 0n, (1n << 32n) - 1n).map(formatPrefix)).toEqual(['0.0.0.0/0']);
  });
});

describe('address text', () => {
  it('parses and prints RFC 5952 forms, embedded IPv4 and rejects malformed text', async () => {
    const { parseIp, formatIp } = await import('../../common/ip.js');
    const round = (s: string) => {
      const ip = parseIp(s);
      return ip ? formatIp(ip.family, ip.value) : null;
    };
    expect(round('2001:DB8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(round('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1');
    expect(round('::')).toBe('::');
    expect(round('::1')).toBe('::1');
    expect(round('fe80::')).toBe('fe80::');
    // RFC 5952 §5: IPv4-mapped addresses keep a dotted tail (as the MRT/BGP decoder always wrote them).
    expect(round('::ffff:192.0.2.1')).toBe('::ffff:192.0.2.1');
    expect(round('::ffff:c000:201')).toBe('::ffff:192.0.2.1');
    expect(round('1:2:3:4:5:6:7:8')).toBe('1:2:3:4:5:6:7:8');
    expect(round('192.0.2.255')).toBe('192.0.2.255');
    // A dotted tail in place of the last two groups, with or without '::'; '::' standing for one group.
    expect(round('1:2:3:4:5:6:10.0.0.1')).toBe('1:2:3:4:5:6:a00:1');
    expect(round('64:ff9b::010.0.0.1')).toBe('64:ff9b::a00:1');
    expect(round('1:2:3:4:5:6:7::')).toBe('1:2:3:4:5:6:7:0');
    expect(round('::2:3:4:5:6:7:8')).toBe('0:2:3:4:5:6:7:8');
    for (const bad of ['1:2:3:4:5:6:7:8:9', '1::2::3', '::g', '256.1.1.1', '1.2.3', '1.2.3.4.5', '', ':::', '1:2:3:4:5:6:7', '1::2:3:4:5:6:7:8', '1.2.3.4::', '1::2:', ':1', '1:', '1::1.2.3.4:5', '1:2:3:4:5:6:7:1.2.3.4', '12345::']) {
      expect(parseIp(bad), bad).toBeNull();
    }
  });
});

describe('IPv4 text built byte by byte', () => {
  it('formats addresses, prefixes and wire bytes as the plain template did, flat strings', async () => {
    const { formatIpv4, formatIpv4At, formatIpv4Prefix } = await import('../../common/ip.js');
    const reference = (n: number) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
    const values = [0, 1, 9, 10, 99, 100, 255, 256, 0x7fffffff, 0x80000000, 0xc0000201, 0xffffffff];
    let s = 20261202;
    for (let i = 0; i < 5_000; i++) values.push((s = (Math.imul(s, 1664525) + 1013904223) >>> 0));
    const bytes = new Uint8Array(8);
    for (const n of values) {
      expect(formatIpv4(n)).toBe(reference(n));
      new DataView(bytes.buffer).setUint32(3, n);
      expect(formatIpv4At(bytes, 3)).toBe(reference(n));
      const length = n % 33;
      expect(formatIpv4Prefix(n, length)).toBe(`${reference(n)}/${length}`);
    }
    // Lengths off the wire are bytes: up to 255 built the same way, anything else still printed.
    expect(formatIpv4Prefix(0x0a000000, 200)).toBe('10.0.0.0/200');
    expect(formatIpv4Prefix(0x0a000000, 300)).toBe('10.0.0.0/300');
    // Each call returns its own string (the scratch buffer is not shared with the result).
    const a = formatIpv4(1);
    formatIpv4(0xffffffff);
    expect(a).toBe('0.0.0.1');
  });
});

describe('IPv6 text built byte by byte', () => {
  it('matches the WHATWG serializer (RFC 5952 compression) and keeps prefixes and dotted tails', async () => {
    const { formatIpv6Bytes, formatIpv6Prefix } = await import('../../common/ip.js');
    let s = 5952;
    const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
    const b = new Uint8Array(16);
    for (let i = 0; i < 5_000; i++) {
      // Mostly zero groups, so every length and position of zero runs comes up.
      for (let g = 0; g < 8; g++) {
        const w = next() % 3 === 0 ? next() & 0xffff : next() % 4 === 0 ? next() & 0xf : 0;
        b[2 * g] = w >> 8;
        b[2 * g + 1] = w & 255;
      }
      const mapped = b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
      if (mapped) continue; // dotted tail: checked below
      const text = formatIpv6Bytes(b);
      expect(text).toBe(new URL(`http://[${text}]/`).hostname.slice(1, -1));
      const length = next() % 129;
      expect(formatIpv6Prefix(b, length)).toBe(`${text}/${length}`);
    }
    const mappedBytes = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 192, 0, 2, 1]);
    expect(formatIpv6Prefix(mappedBytes, 128)).toBe('::ffff:192.0.2.1/128');
    expect(formatIpv6Bytes(Uint8Array.from([...new Array(12).fill(0), 10, 0, 0, 1]), 0, true)).toBe('::10.0.0.1');
    expect(formatIpv6Bytes(Uint8Array.from([0x20, 1, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]), 0, true)).toBe('2001:db8:0:1::1');
    expect(formatIpv6Bytes(Uint8Array.from([0x20, 1, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]), 0, true)).toBe('2001:db8::1:1:1:1:1');
  });
});
