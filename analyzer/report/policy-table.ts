/** The RIR policy table of the method section: policyRows() of the classifier's policy table, as HTML. */
import { policyRows } from '../classify/policy.js';
import { esc } from './escape.js';

export function policyTableHtml(): string {
  const rows = policyRows().map((r) => {
    const rule = [
      `<strong>${esc(r.ruleLabel)}</strong>`,
      `<div>${esc(r.summary)}</div>`,
      r.quote !== null ? `<blockquote>“${esc(r.quote)}”</blockquote>` : `<div class="absence"><em>No rule to quote:</em> ${esc(r.absence ?? '')}</div>`,
    ].join('');
    const disputes = r.disputes.length ? r.disputes.map((d) => `<div>${d.id ? `<strong>${esc(d.id)}</strong>: ` : ''}${esc(d.text)}</div>`).join('') : '<span class="none">none known</span>';
    return (
      `<tr data-rir="${esc(r.rir)}"><th scope="row">${esc(r.name)}</th>` +
      `<td>${esc(r.document)}<small><a href="${esc(r.url)}">${esc(r.url.replace(/^https?:\/\//, ''))}</a></small><small>checked ${esc(r.checked)}</small></td>` +
      `<td>${esc(r.section)}</td><td>${rule}</td><td>${disputes}</td></tr>`
    );
  });
  return [
    '<table class="policy">',
    '<thead><tr><th>RIR</th><th>Document</th><th>Section</th><th>Rule on out-of-region use</th><th>Disputes and proposals</th></tr></thead>',
    `<tbody>${rows.join('\n')}</tbody>`,
    '</table>',
  ].join('\n');
}
