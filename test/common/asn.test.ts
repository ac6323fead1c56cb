import { describe, expect, it } from 'vitest';
import { hasAsnForm, parseAsn } from '../../common/asn.js';

describe('parseAsn: one reading of AS numbers for the CLI, API, alert rules and named queries', () => {
  it('reads asplain with or without AS, any case, trimmed', () => {
    expect(['64500', 'AS64500', 'as64500', ' As64500 '].map(parseAsn)).toEqual([64500, 64500, 64500, 64500]);
    expect(parseAsn('0')).toBe(0);
    expect(parseAsn('AS4294967295')).toBe(4294967295);
  });
  it('refuses what is not an AS number, and out-of-range values of the right form', () => {
    expect(['AS-SET', '', 'AS', '1.10', '-1', 'AS 1', '12345678901'].map(parseAsn)).toEqual(Array(7).fill(null));
    expect(parseAsn('4294967296')).toBeNull();
    expect(hasAsnForm('4294967296')).toBe(true);
    expect(hasAsnForm('AS-SET')).toBe(false);
  });
});
