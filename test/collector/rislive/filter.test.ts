import { describe, expect, it } from 'vitest';
import { compileSubscription, parsePathPattern, pathMatches } from '../../../collector/rislive/filter.js';
import type { RisMessageData } from '../../../collector/rislive/protocol.js';
import { REAL_UPDATE } from './fixtures.js';

const msg = (over: Partial<RisMessageData>): RisMessageData => ({ ...REAL_UPDATE, ...over });

describe('path patterns', () => {
  const path = [3333, 1299, 2914, 13335];
  it.each([
    [1299, true],
    [64512, false],
    ['^3333', true],
    ['^1299', false],
    ['13335$', true],
    ['2914$', false],
    ['1299,2914', true],
    ['2914,1299', false],
    ['1299,13335', false], // adjacent only
    ['^3333,1299,2914,13335$', true],
    ['^3333,1299$', false],
  ] as Array<[number | string, boolean]>)('%s → %s', (pattern, expected) => {
    expect(pathMatches(parsePathPattern(pattern), path)).toBe(expected);
  });

  it('matches an ASN inside an AS_SET element', () => {
    const withSet = [2497, 6453, [13340, 13341]];
    expect(pathMatches(parsePathPattern('13341$'), withSet)).toBe(true);
    expect(pathMatches(parsePathPattern('6453,13340$'), withSet)).toBe(true);
    expect(pathMatches(parsePathPattern('13342$'), withSet)).toBe(false);
  });

  it.each(['', '^$', '12,,3', 'AS123', '1.5', '99999999999'])('rejects %j', (bad) => {
    expect(() => parsePathPattern(bad)).toThrow(/path/);
  });
});

describe('compileSubscription', () => {
  it('matches everything when empty', () => {
    expect(compileSubscription({})(REAL_UPDATE)).toBe(true);
  });

  it('host, with or without .ripe.net', () => {
    expect(compileSubscription({ host: 'rrc19' })(REAL_UPDATE)).toBe(true);
    expect(compileSubscription({ host: 'rrc19.ripe.net' })(REAL_UPDATE)).toBe(true);
    expect(compileSubscription({ host: 'rrc19' })(msg({ host: 'rrc19.ripe.net' }))).toBe(true);
    expect(compileSubscription({ host: 'rrc00' })(REAL_UPDATE)).toBe(false);
  });

  it('type', () => {
    expect(compileSubscription({ type: 'UPDATE' })(REAL_UPDATE)).toBe(true);
    expect(compileSubscription({ type: 'KEEPALIVE' })(REAL_UPDATE)).toBe(false);
    expect(() => compileSubscription({ type: 'BOGUS' as never })).toThrow(/type/);
  });

  it('require', () => {
    expect(compileSubscription({ require: 'announcements' })(REAL_UPDATE)).toBe(true);
    expect(compileSubscription({ require: 'withdrawals' })(REAL_UPDATE)).toBe(false);
    expect(compileSubscription({ require: 'withdrawals' })(msg({ withdrawals: ['1.2.3.0/24'] }))).toBe(true);
  });

  it('peer, compared as addresses', () => {
    expect(compileSubscription({ peer: '196.60.9.165' })(REAL_UPDATE)).toBe(true);
    expect(compileSubscription({ peer: '196.60.9.166' })(REAL_UPDATE)).toBe(false);
    expect(compileSubscription({ peer: '2001:db8:0::1' })(msg({ peer: '2001:db8::1' }))).toBe(true);
    expect(() => compileSubscription({ peer: 'not-an-ip' })).toThrow(/peer/);
  });

  it('path', () => {
    expect(compileSubscription({ path: 37650 })(REAL_UPDATE)).toBe(true);
    expect(compileSubscription({ path: '^57695,37650$' })(REAL_UPDATE)).toBe(true);
    expect(compileSubscription({ path: '^37650' })(REAL_UPDATE)).toBe(false);
    expect(compileSubscription({ path: 37650 })(msg({ path: undefined }))).toBe(false);
  });

  it('prefix: exact, moreSpecific (default on), lessSpecific (default off)', () => {
    // REAL_UPDATE announces 196.50.70.0/24
    expect(compileSubscription({ prefix: '196.50.70.0/24' })(REAL_UPDATE)).toBe(true);
    expect(compileSubscription({ prefix: '196.50.0.0/16' })(REAL_UPDATE)).toBe(true);
    expect(compileSubscription({ prefix: '196.50.0.0/16', moreSpecific: false })(REAL_UPDATE)).toBe(false);
    expect(compileSubscription({ prefix: '196.50.70.128/25' })(REAL_UPDATE)).toBe(false);
    expect(compileSubscription({ prefix: '196.50.70.128/25', lessSpecific: true })(REAL_UPDATE)).toBe(true);
    expect(compileSubscription({ prefix: ['10.0.0.0/8', '196.50.70.0/23'] })(REAL_UPDATE)).toBe(true);
    expect(compileSubscription({ prefix: '2001:db8::/32' })(msg({ announcements: [], withdrawals: ['2001:db8:1::/48'] }))).toBe(true);
    expect(compileSubscription({ prefix: '196.50.70.0/24' })(msg({ type: 'KEEPALIVE', announcements: undefined }))).toBe(false);
    expect(() => compileSubscription({ prefix: '196.50.70.1/24' })).toThrow(/prefix/);
  });

  it('every given field must match', () => {
    const sub = compileSubscription({ host: 'rrc19', path: '37650$', prefix: '196.50.0.0/16', peer: '196.60.9.165', type: 'UPDATE', require: 'announcements' });
    expect(sub(REAL_UPDATE)).toBe(true);
    expect(sub(msg({ host: 'rrc00' }))).toBe(false);
    expect(sub(msg({ path: [57695, 1] }))).toBe(false);
  });
});
