/** Rows as an aligned text table, RFC 4180 CSV or JSON lines: the `--format` of query and index show. */

export const FORMATS = ['table', 'csv', 'json'] as const;

const cell = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

function csvField(v: unknown): string {
  const s = cell(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function render(format: string, columns: string[], rows: Record<string, unknown>[]): string {
  if (format === 'json') return rows.map((r) => JSON.stringify(r) + '\n').join('');
  if (format === 'csv') return [columns, ...rows.map((r) => columns.map((c) => r[c]))].map((line) => line.map(csvField).join(',') + '\r\n').join('');
  const table = [columns, ...rows.map((r) => columns.map((c) => cell(r[c])))];
  const widths = columns.map((_, i) => Math.max(...table.map((line) => line[i].length)));
  const numeric = columns.map((c) => rows.length > 0 && rows.every((r) => typeof r[c] === 'number' || r[c] === null));
  const fmt = (line: string[]) => line.map((v, i) => (numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd();
  return [fmt(table[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...table.slice(1).map(fmt)].join('\n') + '\n';
}
