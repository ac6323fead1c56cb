/** Shared output for benchmarks: one line per measurement, peak RSS of this process. */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export function report(name: string, fields: Record<string, string | number>): void {
  const parts = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'number' ? fmt(v) : v}`);
  process.stdout.write(`${name.padEnd(36)} ${parts.join('  ')}  peak_rss=${peakRssMiB().toFixed(0)}MiB\n`);
}

function fmt(n: number): string {
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  return n >= 100 ? n.toFixed(0) : n.toFixed(3);
}

/** The smallest, median (mean of the middle two when even) and largest of some runs' figures. */
export function spread(xs: readonly number[]): { min: number; median: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2, max: s[s.length - 1] };
}
