/** Durations for people: "2.3 s", "4 min 12 s", "5 h 3 min", "3 d 4 h", "3 y 2 mo". */
const UNITS: Array<[string, number]> = [
  ['y', 365.25 * 86_400],
  ['mo', (365.25 / 12) * 86_400],
  ['d', 86_400],
  ['h', 3_600],
  ['min', 60],
  ['s', 1],
];

/** The largest unit and the next one down (seconds alone below a minute, a decimal under 10 s); "–" for no number. */
export function humanDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  const sign = seconds < 0 ? '-' : '';
  const abs = Math.abs(seconds);
  if (abs < 60) return `${sign}${abs < 10 ? abs.toFixed(1) : Math.round(abs)} s`;
  for (let i = 0; i < UNITS.length - 1; i++) {
    const [name, size] = UNITS[i];
    if (abs < size) continue;
    const n = Math.floor(abs / size);
    const [next, nextSize] = UNITS[i + 1];
    const m = Math.floor((abs - n * size) / nextSize);
    return `${sign}${n} ${name}${m > 0 ? ` ${m} ${next}` : ''}`;
  }
  return `${sign}${Math.round(abs)} s`;
}
