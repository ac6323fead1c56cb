/**
 * The one parser for a point in time given by a user (CLI flags and named-query parameters, the
 * dashboard API's `from`/`to`), and for a length of time (alerts.yml's durations, ages). Accepted
 * for a point in time, and nothing else:
 * - seconds since 1970: `1714560000`, `1714560000.5`;
 * - an ISO 8601 date-time WITH a zone: `2024-05-01T12:00Z`, `2024-05-01T12:00:00.250+02:00`,
 *   `2024-05-01 12:00:00Z` (a space for the T);
 * - an ISO date alone: `2024-05-01`, which is midnight UTC;
 * - an age before now: a duration (below) such as `30s`, `30m`, `24h`, `7d`, `2w`, `1h30m`.
 * A date-time without a zone is refused ("add Z or an offset"): it would be UTC to some and the
 * host's local time to others (JavaScript's Date.parse), so it is not guessed.
 */

export class TimeParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimeParseError';
  }
}

export const TIME_FORMS = 'seconds since 1970, an ISO date-time with a zone (2024-05-01T12:00:00Z, …+02:00), an ISO date (2024-05-01, midnight UTC) or an age like 30m, 24h, 7d';

export const DURATION_FORMS = 'a number with a unit: ms, s, m (minutes), h, d or w, parts added up (90s, 5m, 1h30m, 2d), or a plain number of seconds';

/** Seconds per unit. `m` is minutes; months and years are not lengths of time (they vary), so there is no unit for them. */
const DURATION_UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w)\s*)+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;

/**
 * Seconds in a length of time: `90s`, `5m`, `1h30m` (parts add up; spaces between them are
 * allowed), `250ms`, `2d`, `1w`, a plain number of seconds as text (`45`), or a number (a YAML
 * value such as `quiet-period: 600`). Throws TimeParseError naming `name` for anything else:
 * negative, empty, unknown units (`5y`, `3mo`), a unit with no number, non-numbers.
 */
export function parseDuration(value: unknown, opts: { name?: string } = {}): number {
  const bad = (what: string): TimeParseError =>
    new TimeParseError(opts.name ? `${opts.name} must be a duration, not ${what} (use ${DURATION_FORMS})` : `not a duration: ${what} (use ${DURATION_FORMS})`);
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return value;
    throw bad(`${value} (a length of time is 0 or more)`);
  }
  if (typeof value !== 'string') throw bad(value === null || value === undefined ? 'empty' : JSON.stringify(value));
  const text = value.trim();
  if (text === '') throw bad('empty');
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  if (!DURATION.test(text)) throw bad(JSON.stringify(text));
  let total = 0;
  for (const [, n, unit] of text.matchAll(DURATION_PART)) total += Number(n) * DURATION_UNITS[unit];
  return total;
}

/** The UTC day (YYYY-MM-DD) of a time in seconds. */
export const utcDay = (seconds: number): string => new Date(seconds * 1000).toISOString().slice(0, 10);

/** Whether `text` is exactly a calendar day `YYYY-MM-DD` (no spaces; 2024-02-30 is not), for callers with their own message. */
export function isDay(text: string): boolean {
  const m = DATE_ONLY.exec(text);
  return !!m && !Number.isNaN(utcMs(Number(m[1]), Number(m[2]), Number(m[3])));
}

/** A calendar day `YYYY-MM-DD` (UTC), checked (2024-02-30 is refused); returns it unchanged. */
export function parseDay(text: string, opts: { name?: string } = {}): string {
  const name = opts.name ? `${opts.name}: ` : '';
  const s = String(text).trim();
  const m = DATE_ONLY.exec(s);
  if (!m) throw new TimeParseError(`${name}not a date: ${JSON.stringify(s)} (use YYYY-MM-DD)`);
  if (Number.isNaN(utcMs(Number(m[1]), Number(m[2]), Number(m[3])))) throw new TimeParseError(`${name}${JSON.stringify(s)} is not a calendar date`);
  return s;
}
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** Milliseconds of a UTC calendar date-time, or NaN when a field is out of range (2024-02-30, 25:00). */
function utcMs(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return NaN;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d ? ms : NaN;
}

/**
 * Seconds since 1970 (UTC) of `text`. `now` (seconds) is where ages count from. Throws
 * TimeParseError naming `name` (the flag or parameter) and the accepted forms.
 */
export function parseTime(text: string, opts: { now?: number; name?: string } = {}): number {
  const name = opts.name ? `${opts.name}: ` : '';
  const s = String(text).trim();
  const bad = (why: string): TimeParseError => new TimeParseError(`${name}${why}`);
  if (s === '') throw bad(`a time is required (${TIME_FORMS})`);
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  if (DURATION.test(s)) return (opts.now ?? Date.now() / 1000) - parseDuration(s);
  const day = DATE_ONLY.exec(s);
  if (day) {
    const ms = utcMs(Number(day[1]), Number(day[2]), Number(day[3]));
    if (Number.isNaN(ms)) throw bad(`${JSON.stringify(s)} is not a calendar date`);
    return ms / 1000;
  }
  const dt = DATE_TIME.exec(s);
  if (dt) {
    const [, y, mo, d, h, mi, sec, frac, zone] = dt;
    if (!zone) throw bad(`${JSON.stringify(s)} has no time zone: add Z (UTC) or an offset such as +02:00, e.g. ${s.replace(' ', 'T')}Z`);
    const ms = utcMs(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(sec ?? 0));
    if (Number.isNaN(ms)) throw bad(`${JSON.stringify(s)} is not a valid date and time`);
    let offset = 0;
    if (zone.toUpperCase() !== 'Z') {
      const oh = Number(zone.slice(1, 3));
      const om = Number(zone.slice(-2));
      if (oh > 23 || om > 59) throw bad(`${JSON.stringify(zone)} is not a time-zone offset`);
      offset = (zone[0] === '-' ? -1 : 1) * (oh * 3600 + om * 60);
    }
    return ms / 1000 + Number(frac ?? 0) - offset;
  }
  throw bad(`not a time: ${JSON.stringify(s)} (use ${TIME_FORMS})`);
}
