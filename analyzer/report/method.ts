/**
 * The method section: what is measured (from the last day's params), how the days of the period
 * were built (and where their parameters differ), the RIR policy table, the limits of the
 * figures, and the geolocation data's licence.
 */
import type { IndexParams, RoutedFilters } from '../models/accounting.js';
import { esc } from './escape.js';
import { fmtCount } from './format.js';
import { policyTableHtml } from './policy-table.js';
import type { PublicIndex } from './types.js';

/** The filters in words: "IPv4 /8 to /24, IPv6 /16 to /48, at least 2 peers, IANA special-purpose space left out". */
export function filtersText(f: RoutedFilters): string {
  return `IPv4 prefixes /${f.ipv4_length[0]} to /${f.ipv4_length[1]}, IPv6 prefixes /${f.ipv6_length[0]} to /${f.ipv6_length[1]}, announced by at least ${f.min_peers} peer${f.min_peers === 1 ? '' : 's'}${f.exclude_special_purpose ? ', IANA special-purpose space left out' : ''}`;
}

const registryText = (p: IndexParams): string => p.registry.map((r) => `${r.rir} ${r.date ?? 'undated'}`).join(', ');
const geoText = (p: IndexParams): string => `${p.geo.database} built ${p.geo.build_date}`;

/** What makes two days comparable: filters, rules, registry file dates and the geo database. */
const paramsKey = (p: IndexParams): string =>
  JSON.stringify([p.filters, p.units, p.snapshot_rule, p.origin_rule, p.prefix_rule, p.registry.map((r) => [r.rir, r.date, r.file]), p.geo.database, p.geo.build_date, p.source.kind]);

export interface ParamsRun {
  from: string;
  to: string;
  days: number;
  params: IndexParams;
}

/** Consecutive days (in date order) built with the same parameters, as runs. */
export function paramsRuns(days: PublicIndex[]): ParamsRun[] {
  const runs: Array<ParamsRun & { key: string }> = [];
  for (const d of [...days].sort((a, b) => (a.date < b.date ? -1 : 1))) {
    const key = paramsKey(d.params);
    const last = runs[runs.length - 1];
    if (last && last.key === key) {
      last.to = d.date;
      last.days++;
    } else runs.push({ key, from: d.date, to: d.date, days: 1, params: d.params });
  }
  return runs.map(({ key: _key, ...run }) => run);
}

/** The geo database is the bundled DB-IP Lite one (so its licence asks for attribution). */
export const isDbIp = (p: IndexParams): boolean => p.geo.file === 'dbip-country.mmdb' || /db-?ip/i.test(p.geo.database);

function prefixesSeenTable(p: IndexParams): string {
  const row = (label: string, c: IndexParams['prefixes_seen']['ipv4']) =>
    `<tr><th scope="row">${label}</th><td class="num">${fmtCount(c.announced)}</td><td class="num">${fmtCount(c.kept)}</td><td class="num">${fmtCount(c.length)}</td><td class="num">${fmtCount(c.special_purpose)}</td><td class="num">${fmtCount(c.min_peers)}</td></tr>`;
  return [
    '<table class="prefixes-seen">',
    '<thead><tr><th>Family</th><th class="num">Announced prefixes</th><th class="num">Kept</th><th class="num">Left out: length</th><th class="num">Left out: special-purpose</th><th class="num">Left out: too few peers</th></tr></thead>',
    `<tbody>${row('IPv4', p.prefixes_seen.ipv4)}${row('IPv6', p.prefixes_seen.ipv6)}</tbody>`,
    '</table>',
  ].join('\n');
}

function registryTable(p: IndexParams): string {
  const rows = p.registry.map((r) => `<tr><td>${esc(r.rir)}</td><td>${esc(r.date ?? 'undated')}</td><td><code>${esc(r.file)}</code></td></tr>`);
  return `<table class="registry-files"><thead><tr><th>Registry</th><th>File date</th><th>File</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function methodHtml(days: PublicIndex[]): string {
  const last = days[days.length - 1];
  const p = last.params;
  const f = p.filters;
  const runs = paramsRuns(days);
  const out: string[] = ['<section id="method">', '<h2>Method</h2>', '<h3>What is measured</h3>', '<ul>'];
  out.push(
    `<li><strong>Routed space</strong> is the union of the announced prefixes that pass the filters: ${esc(filtersText(f))}. Each address is counted once, however many prefixes cover it. IPv4 is counted in ${esc(p.units.ipv4)}, IPv6 in ${esc(p.units.ipv6)}.</li>`,
    '<li><strong>Registering RIR</strong>: the RIR whose delegated file holds the most specific allocated or assigned record covering the address (space no RIR has delegated is “unregistered”).</li>',
    `<li><strong>Country</strong>: where the geolocation database (${esc(geoText(p))}) places the address. <strong>Usage region</strong>: the RIR whose service region contains that country. Space the database places nowhere, or in a country with no known region, is routed but not geolocated.</li>`,
    '<li><strong>Share out of region</strong> = out of region ÷ (in region + out of region): a share of the geolocated space, not of all routed space.</li>',
    `<li><strong>Origin rule</strong>: ${esc(p.origin_rule)}. The “origin AS of another registry” column is the share of space whose origin AS is registered with a different RIR than the space, among space whose origin AS registry is known.</li>`,
    `<li><strong>Prefix rule</strong> (the prefix columns): ${esc(p.prefix_rule)}.</li>`,
    `<li><strong>Snapshot rule</strong>: ${esc(p.snapshot_rule)}.</li>`,
    '</ul>',
  );
  out.push(
    `<h3>The data of ${esc(last.date)}</h3>`,
    '<dl class="facts">',
    `<dt>Routed table at</dt><dd>${esc(p.snapshot_at)}</dd>`,
    `<dt>Routes from</dt><dd>${esc(p.source.kind === 'live' ? 'the live feed (portolan run)' : 'files')}${p.source.files.length ? `: ${p.source.files.map((x) => `<code>${esc(x)}</code>`).join(', ')}` : ''}; ${fmtCount(p.source.peers)} peers, ${fmtCount(p.source.elements)} elements</dd>`,
    `<dt>Filters</dt><dd>${esc(filtersText(f))}</dd>`,
    `<dt>Geolocation</dt><dd>${esc(p.geo.database)}, built ${esc(p.geo.build_date)} (<code>${esc(p.geo.file)}</code>)</dd>`,
    `<dt>Registry conflicts</dt><dd>${fmtCount(p.registry_conflicts.ipv4)} IPv4 addresses and ${fmtCount(p.registry_conflicts.ipv6)} IPv6 /48s had most specific records of identical extent in two registries (resolved by IANA's designee, else the alphabetically first RIR)</dd>`,
    '</dl>',
    '<h4>Prefixes seen and left out</h4>',
    prefixesSeenTable(p),
    '<h4>Registry files</h4>',
    registryTable(p),
  );
  out.push('<h3>Days in the period</h3>');
  if (runs.length === 1) {
    out.push(`<p>All ${fmtCount(days.length)} day${days.length === 1 ? '' : 's'} in the period (${esc(runs[0].from)}${runs[0].to !== runs[0].from ? ` to ${esc(runs[0].to)}` : ''}) were built with the same filters, rules, registry file dates and geolocation database.</p>`);
  } else {
    out.push(
      `<p class="warn params-differ">The period holds days built with different parameters (${runs.length} runs of identical settings). Figures on either side of a change are not strictly comparable:</p>`,
      '<table class="param-runs"><thead><tr><th>Days</th><th>Filters</th><th>Registry file dates</th><th>Geolocation</th></tr></thead><tbody>',
      ...runs.map(
        (r) =>
          `<tr><td class="num">${esc(r.from)}${r.to !== r.from ? ` to ${esc(r.to)}` : ''}<small>${r.days} day${r.days === 1 ? '' : 's'}</small></td><td>${esc(filtersText(r.params.filters))}${r.params.source.kind === 'live' ? '<small>live snapshot</small>' : ''}</td><td>${esc(registryText(r.params))}</td><td>${esc(geoText(r.params))}</td></tr>`,
      ),
      '</tbody></table>',
    );
  }
  out.push(
    '<h3>Files beside this report</h3>',
    `<p><code>index.csv</code> holds the series, one row per day, family and registry (RFC 4180). <code>index.json</code> holds the same series and, under <code>days</code>, every day's full index as stored (date, params, ipv4, ipv6, with the top contributors; the per-country flows stay in the store).</p>`,
  );
  out.push('<h3>RIR policies on out-of-region use</h3>', '<p>Summaries are paraphrased; the policy documents are authoritative.</p>', policyTableHtml());
  out.push(
    '<h3>Limits</h3>',
    '<ul class="limits">',
    '<li>Geolocation databases make mistakes, and more of them in Africa and Asia than in Europe and North America; a country-level error moves space across regions.</li>',
    '<li>Leased space is used by the lessee, not the holder: the country is where the lessee’s network is, whatever the holder’s own footprint.</li>',
    '<li>Anycast prefixes are served from many countries at once but geolocate to one.</li>',
    '<li>Only routed space is measured: space registered but not announced, or announced by too few peers, does not count.</li>',
    '<li>The figures are therefore estimates of where registered space is used, not proof that any holder breaches a policy.</li>',
    '</ul>',
    '</section>',
  );
  return out.join('\n');
}
