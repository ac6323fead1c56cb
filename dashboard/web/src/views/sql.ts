import { getJson, postJson, qs, ApiError } from '../api.js';
import { h, fill } from '../dom.js';
import { integer } from '../format.js';
import { errorBox } from './common.js';
import { csvLink, rowsTable } from './table.js';
import { setUrlParams, urlParam } from '../url-state.js';

interface NamedQuery {
  name: string;
  description?: string;
  params?: Array<{ name: string; description: string; required: boolean; default?: string | number }>;
}
interface Result {
  columns: Array<{ name: string }>;
  rows: Array<Record<string, unknown>>;
  truncated?: boolean;
  elapsedMs?: number;
}

const STARTERS: Array<[string, string]> = [
  ['Mismatched prefixes by registering RIR', "SELECT prefix_rir, uniqExact(prefix) AS prefixes\nFROM route_events\nWHERE elem_type = 'announce' AND notEmpty(kinds)\nGROUP BY prefix_rir ORDER BY prefixes DESC"],
  ['Latest finding events', 'SELECT time, type, prefix, origin_asn, kinds, severity, why\nFROM finding_events ORDER BY time DESC LIMIT 50'],
  ['Tables and columns', "SELECT table, name, type, comment FROM system.columns WHERE database = currentDatabase() ORDER BY table, position"],
];

/** Read-only SQL console: the store enforces read-only and the row/time limits. */
export function sqlView(main: HTMLElement): void {
  // A query in the URL (?q=…) is shown and run: a link to the console reproduces the result.
  const linked = urlParam('q');
  const textarea = h('textarea', { id: 'sql-text', name: 'sql', rows: 8, spellcheck: 'false', 'aria-describedby': 'sql-help' }, linked || STARTERS[0][1]);
  const maxRows = h('input', { id: 'sql-rows', name: 'maxRows', type: 'number', min: 1, max: 10000, value: urlParam('rows', '1000') });
  const run = h('button', { type: 'submit' }, 'Run query');
  const csv = h('button', { type: 'submit', formaction: '/api/sql?format=csv', formmethod: 'post', formenctype: 'application/x-www-form-urlencoded' }, 'Download CSV');
  const out = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'sql', method: 'post', action: '/api/sql?format=csv' },
    h('label', { for: 'sql-text' }, 'SQL (read-only: SELECT or WITH … SELECT)'),
    textarea,
    h('p', { id: 'sql-help', class: 'note' }, 'Tables: route_events, finding_events and hourly aggregates. Queries run with readonly = 1, a row limit and a time limit.'),
    h('div', { class: 'filters' }, h('div', { class: 'field' }, h('label', { for: 'sql-rows' }, 'Max rows'), maxRows), h('div', { class: 'field buttons' }, run, csv)),
  );
  const starters = h(
    'ul',
    { class: 'starters' },
    STARTERS.map(([label, sql]) =>
      h('li', {}, h('button', { type: 'button', class: 'linklike', onclick: () => { textarea.value = sql; textarea.focus(); } }, label)),
    ),
  );
  const named = h('div', {}, 'Loading named queries…');
  main.append(h('h1', {}, 'SQL console'), h('div', { class: 'two-col wide-left' }, h('div', {}, form, out), h('aside', { 'aria-label': 'Starting points' }, h('h2', {}, 'Starting points'), starters, h('h2', {}, 'Named queries'), named)));

  const show = (caption: string, r: Result, csvHref?: string): void => {
    fill(out, 
      h('p', { class: 'note' }, `${integer(r.rows.length)} rows${r.truncated ? ' (truncated at the row limit)' : ''}${r.elapsedMs !== undefined ? ` in ${r.elapsedMs} ms` : ''}.`),
      rowsTable(caption, r.rows, r.columns.map((c) => c.name)),
      csvHref ? csvLink(csvHref) : null,
    );
  };
  form.addEventListener('submit', (ev) => {
    const submitter = (ev as SubmitEvent).submitter;
    if (submitter === csv) return; // the browser posts the form and downloads the CSV
    ev.preventDefault();
    setUrlParams({ q: textarea.value, rows: maxRows.value === '1000' ? null : maxRows.value });
    fill(out, h('p', { class: 'note' }, 'Running…'));
    postJson<Result>('/api/sql', { sql: textarea.value, maxRows: Number(maxRows.value) })
      .then((r) => show('Query result', r))
      .catch((err) => fill(out, errorBox(err)));
  });

  if (linked) form.requestSubmit(run);
  getJson<{ queries: NamedQuery[] }>('/api/queries')
    .then(({ queries }) => {
      fill(named, 
        ...queries.map((q) => {
          const inputs = (q.params ?? []).map((p) => {
            const id = `nq-${q.name}-${p.name}`;
            return { p, el: h('input', { id, name: p.name, type: 'text', placeholder: p.default !== undefined ? String(p.default) : p.required ? 'required' : '', 'aria-describedby': `${id}-d` }), id };
          });
          const f = h(
            'form',
            { class: 'named' },
            h('h3', {}, q.name),
            q.description ? h('p', { class: 'note' }, q.description) : null,
            inputs.map(({ p, el, id }) => h('div', { class: 'field' }, h('label', { for: id }, p.name), el, h('span', { id: `${id}-d`, class: 'sr-only' }, p.description))),
            h('button', { type: 'submit' }, `Run ${q.name}`),
          );
          f.addEventListener('submit', (ev) => {
            ev.preventDefault();
            const params: Record<string, string> = {};
            for (const { p, el } of inputs) if (el.value.trim()) params[p.name] = el.value.trim();
            fill(out, h('p', { class: 'note' }, 'Running…'));
            getJson<Result & { columns: Array<{ name: string }> }>(`/api/queries/${q.name}${qs(params)}`)
              .then((r) => show(q.name, r, `/api/queries/${q.name}${qs({ ...params, format: 'csv' })}`))
              .catch((err) => fill(out, errorBox(err instanceof ApiError ? err : String(err))));
          });
          return f;
        }),
      );
    })
    .catch((err) => fill(named, errorBox(err)));
}
