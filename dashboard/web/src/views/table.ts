import { h } from '../dom.js';

export interface Column<R> {
  label: string;
  /** Cell content; a number is right-aligned. */
  cell: (row: R) => Node | string | number | null | undefined;
  numeric?: boolean;
}

/** An accessible table with a caption; `empty` is shown when there are no rows. */
export function table<R>(caption: string, columns: Column<R>[], rows: R[], empty = 'Nothing yet.'): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'note' }, `${caption}: ${empty}`);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.numeric ? 'num' : null }, c.label)))),
      h('tbody', {}, rows.map((r) => h('tr', {}, columns.map((c) => h('td', { class: c.numeric ? 'num' : null }, c.cell(r) ?? '–'))))),
    ),
  );
}

/** A generic table of SQL-like rows (column names as given). */
export function rowsTable(caption: string, rows: Array<Record<string, unknown>>, columns?: string[]): HTMLElement {
  const cols = columns ?? (rows[0] ? Object.keys(rows[0]) : []);
  return table(
    caption,
    cols.map((name) => ({
      label: name,
      numeric: rows.length > 0 && typeof rows[0][name] === 'number',
      cell: (r: Record<string, unknown>) => {
        const v = r[name];
        return v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
      },
    })),
    rows,
    'no rows.',
  );
}

export const csvLink = (href: string, label = 'Download CSV'): HTMLAnchorElement => h('a', { href, download: '', class: 'csv' }, label);
