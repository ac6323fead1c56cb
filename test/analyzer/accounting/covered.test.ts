import { describe, expect, it } from 'vitest';
import { coveredSpace } from '../../../analyzer/accounting/covered.js';

describe('coveredSpace: each address once', () => {
  it('IPv4: nested, duplicate and adjacent prefixes', () => {
    // 10.0.0.0/16 holds the /24 and the /17; 10.1.0.0/24 is adjacent-but-apart; duplicates count once.
    expect(coveredSpace(['10.0.0.0/16', '10.0.5.0/24', '10.0.0.0/17', '10.1.0.0/24', '10.1.0.0/24']).ipv4).toBe(65_536 + 256);
    expect(coveredSpace(['192.0.2.0/25', '192.0.2.128/25']).ipv4).toBe(256);
    expect(coveredSpace(['0.0.0.0/0', '8.8.8.0/24']).ipv4).toBe(2 ** 32);
  });

  it('IPv6 in /48s, families apart, invalid text counted', () => {
    const s = coveredSpace(['2001:db8::/32', '2001:db8:1::/48', '2001:db9::/48', '2001:db9::/64', '10.0.0.0/8', 'nonsense', '10.0.0.1/8']);
    expect(s.ipv6).toBe(65_536 + 1);
    expect(s.ipv4).toBe(2 ** 24);
    expect(s.invalid).toBe(2);
    expect(coveredSpace(['2001:db8::/64']).ipv6).toBe(2 ** -16);
  });
});
