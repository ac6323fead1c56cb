import { describe, expect, it } from 'vitest';
import { isDay, parseDay, parseDuration, parseTime, TimeParseError } from '../../common/time.js';
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

describe('parseDuration: one meaning for every length of time (alerts.yml, ages)', () => {
  it('units add up; a number, or a plain number as text, is seconds', () => {
    expect(parseDuration('90s')).toBe(90);
    expect(parseDuration('5m')).toBe(300);
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration('1h 30m')).toBe(5400);
    expect(parseDuration('250ms')).toBe(0.25);
    expect(parseDuration('2d')).toBe(172_800);
    expect(parseDuration('1w')).toBe(604_800);
    expect(parseDuration('1.5h')).toBe(5400);
    expect(parseDuration('45')).toBe(45);
    expect(parseDuration(600)).toBe(600);
    expect(parseDuration('0s')).toBe(0);
  });
  it('refuses negative, empty, unit-less parts, unknown and ambiguous units, naming the value and the forms', () => {
    for (const v of ['', '  ', 'soon', '-5s', '5y', '3mo', 'h', '5 minutes', '1e3s', '5m30', '1,5h', 'P1D', '--1s']) {
      expect(() => parseDuration(v), JSON.stringify(v)).toThrow(TimeParseError);
    }
    for (const v of [-1, Number.NaN, Number.POSITIVE_INFINITY, true, null, undefined, {}, []]) {
      expect(() => parseDuration(v), String(v)).toThrow(TimeParseError);
    }
    expect(() => parseDuration('5y', { name: 'quiet-period' })).toThrow(/^quiet-period must be a duration, not "5y" \(use a number with a unit: ms, s, m \(minutes\), h, d or w/);
    expect(() => parseDuration(-1, { name: 'per' })).toThrow(/^per must be a duration, not -1 \(a length of time is 0 or more\)/);
    expect(() => parseDuration(true, { name: 'timeout' })).toThrow(/^timeout must be a duration, not true/);
  });
  it('ages in parseTime are the same durations', () => {
    expect(parseTime('1h30m', { now: T })).toBe(T - 5400);
    expect(parseTime('90s', { now: T })).toBe(T - 90);
  });
});

describe('parseDay: a checked calendar day', () => {
  it('returns a valid YYYY-MM-DD unchanged and refuses others with the flag name', () => {
    expect(parseDay('2024-02-29')).toBe('2024-02-29');
    expect(parseDay(' 2024-05-01 ')).toBe('2024-05-01');
    for (const v of ['2023-02-29', '2024-13-01', '2024-5-1', '2024/05/01', '20240501', '', 'today']) expect(() => parseDay(v), v).toThrow(TimeParseError);
    expect(() => parseDay('2024-02-30', { name: '--date' })).toThrow(/^--date: "2024-02-30" is not a calendar date/);
  });

  it('isDay: the same check without trimming, for callers with their own message (Date.parse takes 2024-02-30 as 1 March)', () => {
    expect(['2024-02-29', '1999-12-31'].map(isDay)).toEqual([true, true]);
    for (const v of ['2024-02-30', '2023-02-29', '2024-04-31', '2024-00-10', ' 2024-05-01', '2024-05-01T00:00', '2024-5-1', '']) expect(isDay(v), v).toBe(false);
  });
});
