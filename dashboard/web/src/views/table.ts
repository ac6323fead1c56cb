import { h } from '../dom.js';
import { setUrlParams, slug, urlParam } from '../url-state.js';

export interface Column<R> {
  label: string;
  /** Cell content; a number is right-aligned. */
  cell: (row: R) => Node | string | number | null | undefined;
  numeric?: boolean;
  /** The value the column sorts by (default: the cell's text, numbers in it compared as numbers). */
  sort?: (row: R) => string | number | null | undefined;
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Orders two sort keys: numbers numerically, text with numbers inside compared as numbers, blanks last. */
function compareKeys(a: string | number | null | undefined, b: string | number | null | undefined): number {
  const blank = (v: unknown) => v === null || v === undefined || v === '' || v === '–';
  if (blank(a) || blank(b)) return blank(a) === blank(b) ? 0 : blank(a) ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return collator.compare(String(a), String(b));
}

/**
 * An accessible table with a caption; `empty` is shown when there are no rows. Each header is
 * a button that sorts by its column (ascending, then descending; `aria-sort` says which). The
 * sort is kept in the URL (`s.<caption>=<column>`, `-` first for descending) so a link keeps it.
 */
export function table<R>(caption: string, columns: Column<R>[], rows: R[], empty = 'Nothing yet.'): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'note' }, `${caption}: ${empty}`);
  const body = h('tbody', {});
  const built = rows.map((r) => {
    const cells = columns.map((c) => h('td', { class: c.numeric ? 'num' : null }, c.cell(r) ?? '–'));
    return { tr: h('tr', {}, cells), keys: columns.map((c, i) => (c.sort ? c.sort(r) : (cells[i].textContent ?? '').trim())) };
  });
  body.append(...built.map((b) => b.tr));
  const heads: HTMLTableCellElement[] = [];
  let sorted = -1;
  let ascending = true;
  const key = `s.${slug(caption)}`;
  const apply = (i: number, up: boolean): void => {
    ascending = up;
    sorted = i;
    const order = [...built].sort((x, y) => (ascending ? 1 : -1) * compareKeys(x.keys[i], y.keys[i]));
    body.append(...order.map((b) => b.tr));
    heads.forEach((th, j) => th.setAttribute('aria-sort', j === i ? (ascending ? 'ascending' : 'descending') : 'none'));
  };
  const sortBy = (i: number): void => {
    apply(i, sorted === i ? !ascending : !columns[i].numeric);
    setUrlParams({ [key]: `${ascending ? '' : '-'}${slug(columns[i].label)}` });
  };
  columns.forEach((c, i) => {
    const button = h('button', { type: 'button', class: 'sort', title: `Sort by ${c.label}` }, c.label, h('span', { class: 'sort-mark', 'aria-hidden': 'true' }, ''));
    button.addEventListener('click', () => sortBy(i));
    heads.push(h('th', { scope: 'col', class: c.numeric ? 'num' : null, 'aria-sort': 'none' }, button));
  });
  // A sort from the URL (a shared link, or back to this view).
  const wanted = urlParam(key);
  const at = columns.findIndex((c) => slug(c.label) === wanted.replace(/^-/, ''));
  if (at >= 0) apply(at, !wanted.startsWith('-'));
  return h('div', { class: 'table-wrap' }, h('table', { class: 'sortable' }, h('caption', {}, caption), h('thead', {}, h('tr', {}, heads)), body));
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
