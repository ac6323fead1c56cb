/** RFC 4180 CSV of objects' own fields: quote fields holding a comma, quote or line break; arrays/objects as JSON text. */
export function toCsv(rows: readonly object[], columns?: string[]): string {
  const cols = columns ?? columnsOf(rows);
  const lines = [cols.map(csvField).join(',')];
  for (const row of rows) lines.push(cols.map((c) => csvField((row as Record<string, unknown>)[c])).join(','));
  return lines.join('\r\n') + '\r\n';
}

function columnsOf(rows: readonly object[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
