import { describe, expect, it } from 'vitest';
import { parseTime, TimeParseError } from '../../common/time.js';
import { timeRange } from '../../dashboard/server/params.js';
import { HttpError } from '../../dashboard/server/http.js';
import { bindParams, findNamedQuery, QueryParamError } from '../../analyzer/store/queries.js';

const T = Date.UTC(2024, 4, 1, 12, 0, 0) / 1000; // 2024-05-01T12:00:00Z

describe('parseTime: one meaning for every time a user types', () => {
  it('seconds since 1970', () => {
    expect(parseTime('1714564800')).toBe(T);
    expect(parseTime(' 1714564800.25 ')).toBe(T + 0.25);
  });
  it('ISO date-times with a zone: Z, offsets with or without a colon, fractions, a space for the T', () => {
    expect(parseTime('2024-05-01T12:00Z')).toBe(T);
    expect(parseTime('2024-05-01T12:00:00Z')).toBe(T);
    expect(parseTime('2024-05-01t12:00:00z')).toBe(T);
    expect(parseTime('2024-05-01 12:00:00Z')).toBe(T);
    expect(parseTime('2024-05-01T14:00:00+02:00')).toBe(T);
    expect(parseTime('2024-05-01T07:30:00-0430')).toBe(T);
    expect(parseTime('2024-05-01T12:00:00.250Z')).toBe(T + 0.25);
  });
  it('an ISO date alone is midnight UTC', () => {
    expect(parseTime('2024-05-01')).toBe(Date.UTC(2024, 4, 1) / 1000);
  });
  it('ages count back from now', () => {
    expect(parseTime('30m', { now: T })).toBe(T - 1800);
    expect(parseTime('24h', { now: T })).toBe(T - 86_400);
    expect(parseTime('7d', { now: T })).toBe(T - 7 * 86_400);
    expect(parseTime('2w', { now: T })).toBe(T - 14 * 86_400);
    expect(parseTime('45s', { now: T })).toBe(T - 45);
  });
  it('a date-time without a zone is an error, not a guess (UTC for one reader, local time for another)', () => {
    for (const v of ['2024-05-01T12:00', '2024-05-01T12:00:00', '2024-05-01 12:00:00']) {
      expect(() => parseTime(v), v).toThrow(TimeParseError);
      expect(() => parseTime(v, { name: 'from' }), v).toThrow(/^from: .*has no time zone: add Z \(UTC\) or an offset/);
    }
  });
  it('refuses what is not a time, naming the accepted forms', () => {
    for (const v of ['', 'yesterday', '2024-02-30', '2024-13-01', '2024-05-01T25:00Z', '2024-05-01T12:00+25:00', '-5', '1e9', '5y', 'May 1, 2024', '2024/05/01']) {
      expect(() => parseTime(v), v).toThrow(TimeParseError);
    }
    expect(() => parseTime('yesterday', { name: 'to' })).toThrow(/^to: not a time: "yesterday" \(use seconds since 1970, an ISO date-time with a zone/);
  });
});

describe('the same parser behind the API and the named queries', () => {
  it('API from/to: the same instants, 400 for a zoneless date-time', () => {
    expect(timeRange(new URLSearchParams('from=2024-05-01T14:00:00%2B02:00&to=1714568400'))).toEqual({ from: T, to: T + 3600 });
    expect(timeRange(new URLSearchParams('from=2024-05-01'))).toEqual({ from: Date.UTC(2024, 4, 1) / 1000, to: null });
    let err: unknown;
    try {
      timeRange(new URLSearchParams('from=2024-05-01T12:00:00'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBe(400);
    expect((err as HttpError).message).toMatch(/^from: .*add Z \(UTC\) or an offset/);
  });
  it('ages in the API count from the start of the minute (shared cache entries)', () => {
    expect(timeRange(new URLSearchParams('from=1h'), T + 59).from).toBe(T - 3600);
  });
  it('named-query parameters: the same instants, a QueryParamError for a zoneless date-time', () => {
    const q = findNamedQuery('summary');
    expect(q.params.map((p) => p.name)).toContain('from');
    expect(bindParams(q, { from: '2024-05-01T14:00:00+02:00' }).from).toBe(T.toFixed(6));
    expect(bindParams(q, { from: '2024-05-01' }).from).toBe((Date.UTC(2024, 4, 1) / 1000).toFixed(6));
    expect(() => bindParams(q, { from: '2024-05-01T12:00:00' })).toThrow(QueryParamError);
    expect(() => bindParams(q, { from: '2024-05-01T12:00:00' })).toThrow(/add Z \(UTC\) or an offset/);
  });
});
