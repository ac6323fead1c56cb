/** Scales and ticks shared by the history charts. */
import { compact } from '../format.js';

export const linear = (d0: number, d1: number, r0: number, r1: number) => (v: number): number => (d1 === d0 ? (r0 + r1) / 2 : r0 + ((v - d0) / (d1 - d0)) * (r1 - r0));

/** A round upper bound for a count axis (1, 2 or 5 × 10^k at or above `max`). */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  return ([1, 2, 5, 10].map((m) => m * p).find((v) => v >= max) ?? 10 * p);
}

/** Four evenly spaced values from 0 to `max`, labelled compactly. */
export const valueTicks = (max: number): Array<{ v: number; label: string }> => [0, 0.25, 0.5, 0.75, 1].map((f) => ({ v: f * max, label: compact(f * max) }));

/** Time labels for `count` ticks between two times (seconds): dates for long spans, hours and minutes for short ones. */
export function timeTicks(from: number, to: number, count = 5): Array<{ t: number; label: string }> {
  const span = Math.max(to - from, 1);
  const iso = (t: number) => new Date(t * 1000).toISOString();
  const label = (t: number) => (span > 3 * 86400 ? iso(t).slice(0, 10) : span > 86400 ? iso(t).slice(5, 16).replace('T', ' ') : span > 600 ? iso(t).slice(11, 16) : iso(t).slice(11, 19));
  return Array.from({ length: count }, (_, i) => from + (span * i) / (count - 1)).map((t) => ({ t, label: label(t) }));
}
