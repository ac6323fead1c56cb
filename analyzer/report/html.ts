/**
 * report.html: one self-contained document (inline CSS and SVG, no script, nothing fetched) for
 * a policy discussion: headline, share-out-of-region charts, the last day's tables, the
 * contributors behind out-of-region space, and the method. Pure: ReportData in, HTML out.
 */
import { INDEX_RIRS, type Contributor, type FamilyIndex, type RirIndex } from '../models/accounting.js';
import type { Rir } from '../models/registry.js';
import { DBIP_ATTRIBUTION } from '../geo/index.js';
import { esc } from './escape.js';
import { FAMILY_LABEL, UNIT_LABEL, fmtCount, fmtShare, fmtShort, fmtWords } from './format.js';
import { isDbIp, methodHtml } from './method.js';
import { REPORT_RIRS, RIR_STYLE, displayName } from './palette.js';
import { REPORT_CSS } from './style.js';
import { lineChart } from './svg-chart.js';
import { confidenceHtml } from './confidence.js';
import type { FamilyKey, ReportData } from './types.js';

const FAMILIES: FamilyKey[] = ['ipv4', 'ipv6'];
const FAMILY_NUMBER: Record<FamilyKey, 4 | 6> = { ipv4: 4, ipv6: 6 };
/** Contributors shown per list in the HTML (index.json has every stored one). */
export const CONTRIBUTORS_SHOWN = 5;

/** A count as the tables print it: thousands separators, and for IPv4 a short magnitude beneath. */
export function countCell(n: number, family: FamilyKey): string {
  const short = family === 'ipv4' ? fmtShort(n) : '';
  return `<td class="num">${fmtCount(n)}${short ? `<small>${short}</small>` : ''}</td>`;
}

function headline(data: ReportData): string {
  const day = data.days[data.days.length - 1];
  const items = REPORT_RIRS.map((rir) => {
    const name = displayName(rir);
    const part = (family: FamilyKey): string => {
      const r = day[family][rir];
      const geolocated = r.in_region + r.out_of_region;
      if (r.share_out === null) return r.routed > 0 ? `none of its routed ${FAMILY_LABEL[family]} space could be geolocated` : `no ${FAMILY_LABEL[family]} space it registers was routed`;
      const unit = family === 'ipv4' ? 'addresses' : '/48s';
      const amount = `${fmtWords(r.out_of_region)} of ${fmtWords(geolocated)} geolocated ${unit}`;
      return `<b class="share">${fmtShare(r.share_out)}</b> of its routed ${FAMILY_LABEL[family]} space is used outside its service region (${amount})`;
    };
    return `<li style="--c: ${RIR_STYLE[rir].color}" data-rir="${rir}"><strong>${esc(name)}</strong>: ${part('ipv4')}; IPv6: ${part('ipv6').replace(/ of its routed IPv6 space| IPv6/, '')}.</li>`;
  });
  return [
    '<section id="headline">',
    `<h2>Headline, ${esc(day.date)}</h2>`,
    `<p>For each registry, the share of the address space it registers that is routed, geolocated, and placed outside the registry’s service region on ${esc(day.date)}.</p>`,
    `<ul class="lead">${items.join('\n')}</ul>`,
    '</section>',
  ].join('\n');
}

function charts(data: ReportData): string {
  const out = ['<section id="trend">', `<h2>Share out of region over time</h2>`];
  const single = data.from === data.to;
  for (const family of FAMILIES) {
    const rows = data.series.filter((r) => r.family === FAMILY_NUMBER[family]);
    const series = REPORT_RIRS.map((rir) => ({
      key: rir,
      label: displayName(rir),
      color: RIR_STYLE[rir].color,
      dash: RIR_STYLE[rir].dash,
      points: rows.filter((r) => r.rir === rir).map((r) => ({ date: r.date, value: r.share_out })),
    }));
    out.push(
      `<figure id="chart-${family}">`,
      `<h3>${FAMILY_LABEL[family]}</h3>`,
      lineChart({
        id: `svg-${family}`,
        title: `${FAMILY_LABEL[family]}: share of each RIR's routed, geolocated space used outside its service region, ${single ? data.from : `${data.from} to ${data.to}`}`,
        description: REPORT_RIRS.map((rir) => {
          const last = [...rows].reverse().find((r) => r.rir === rir);
          return `${displayName(rir)} ${fmtShare(last?.share_out ?? null)}`;
        }).join(', '),
        series,
      }),
      `<figcaption>${FAMILY_LABEL[family]}, out of region ÷ geolocated, per registering RIR${single ? ' (one day stored in the period: points)' : `, ${esc(data.from)} to ${esc(data.to)}`}. Counted in ${UNIT_LABEL[family]}.</figcaption>`,
      '</figure>',
    );
  }
  out.push('</section>');
  return out.join('\n');
}

function figuresTable(fam: FamilyIndex, family: FamilyKey): string {
  const row = (rir: (typeof INDEX_RIRS)[number]): string => {
    const r: RirIndex = fam[rir];
    const swatch = rir === 'unregistered' ? '' : `<span class="swatch" style="background:${RIR_STYLE[rir].color}"></span>`;
    return [
      `<tr class="${rir}" data-rir="${rir}"><th scope="row">${swatch}${esc(displayName(rir))}</th>`,
      countCell(r.routed, family),
      countCell(r.geolocated, family),
      countCell(r.in_region, family),
      countCell(r.out_of_region, family),
      `<td class="num share">${fmtShare(r.share_out)}</td>`,
      `<td class="num">${fmtCount(r.prefixes.routed)}</td>`,
      `<td class="num">${fmtCount(r.prefixes.geolocated)}</td>`,
      `<td class="num">${fmtCount(r.prefixes.in_region)}</td>`,
      `<td class="num">${fmtCount(r.prefixes.out_of_region)}</td>`,
      `<td class="num">${fmtShare(r.prefixes.share_out)}</td>`,
      `<td class="num">${fmtShare(r.by_origin.share_other)}</td></tr>`,
    ].join('');
  };
  return [
    `<table class="figures" id="table-${family}">`,
    '<thead>',
    `<tr class="group"><th></th><th colspan="5">Space (${UNIT_LABEL[family]})</th><th colspan="5">Routed prefixes</th><th>Origin</th></tr>`,
    '<tr><th>RIR</th><th class="num">Routed</th><th class="num">Geolocated</th><th class="num">In region</th><th class="num">Out of region</th><th class="num">Share out</th>' +
      '<th class="num">Routed</th><th class="num">Geolocated</th><th class="num">In region</th><th class="num">Out of region</th><th class="num">Share out</th><th class="num">AS of another RIR</th></tr>',
    '</thead>',
    `<tbody>${INDEX_RIRS.map(row).join('\n')}</tbody>`,
    '</table>',
  ].join('\n');
}

function tables(data: ReportData): string {
  const day = data.days[data.days.length - 1];
  const out = ['<section id="figures">', `<h2>The figures of ${esc(day.date)}</h2>`];
  for (const family of FAMILIES) out.push(`<h3>${FAMILY_LABEL[family]} (${UNIT_LABEL[family]})</h3>`, figuresTable(day[family], family));
  out.push(
    '<p class="note">“Share out” is out of region ÷ (in region + out of region). Unregistered space has no service region, so no share. “AS of another RIR” is the share of the space (among space whose origin AS registry is known) announced by an origin AS registered with another RIR.</p>',
    '</section>',
  );
  return out.join('\n');
}

function contributorList(title: string, list: Contributor[], total: number, family: FamilyKey, label: (c: Contributor) => string): string {
  if (!list.length) return `<table><thead><tr><th>${title}</th></tr></thead><tbody><tr><td class="none">none</td></tr></tbody></table>`;
  const rows = list.slice(0, CONTRIBUTORS_SHOWN).map((c) => `<tr><td>${label(c)}</td><td class="num">${fmtCount(c.out_of_region)}${family === 'ipv4' && fmtShort(c.out_of_region) ? `<small>${fmtShort(c.out_of_region)}</small>` : ''}</td><td class="num">${fmtShare(total > 0 ? c.out_of_region / total : null)}</td></tr>`);
  return `<table><thead><tr><th>${title}</th><th class="num">${UNIT_LABEL[family]}</th><th class="num">Share</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const withCc = (c: Contributor): string => `${esc(c.key)}${c.cc ? ` <small>registered in ${esc(c.cc)}</small>` : ''}`;

/** An origin AS with its name when the report has names: `AS4134 CHINANET-BACKBONE … registered in CN`. */
const originLabel = (names: ReportData['as_names']) => (c: Contributor): string => {
  const name = names?.[c.key.replace(/^AS/, '')]?.name;
  const short = name && name.length > 48 ? `${name.slice(0, 47)}…` : name;
  return `${esc(c.key)}${short ? ` <span class="as-name" title="${esc(name!)}">${esc(short)}</span>` : ''}${c.cc ? ` <small>registered in ${esc(c.cc)}</small>` : ''}`;
};

function contributors(data: ReportData): string {
  const day = data.days[data.days.length - 1];
  const out = [
    '<section id="contributors">',
    `<h2>Who is behind out-of-region space, ${esc(day.date)}</h2>`,
    `<p>Per registry, the largest holders (opaque id of the delegated files, or <code>cc:XX</code> when a file has none), origin ASes${data.as_names ? ' (with their names from the AS-name list)' : ''} and usage countries of its out-of-region space; the top ${CONTRIBUTORS_SHOWN} of each, with their share of that registry’s out-of-region space.</p>`,
  ];
  for (const family of FAMILIES) {
    out.push(`<h3>${FAMILY_LABEL[family]}</h3>`);
    for (const rir of REPORT_RIRS as Rir[]) {
      const r = day[family][rir];
      out.push(`<div class="contrib" data-rir="${rir}" data-family="${family}">`, `<h4><span class="swatch" style="background:${RIR_STYLE[rir].color}"></span>${esc(displayName(rir))}: ${fmtCount(r.out_of_region)} ${UNIT_LABEL[family]} out of region</h4>`);
      if (r.out_of_region <= 0) out.push('<p class="none">No out-of-region space.</p>');
      else
        out.push(
          contributorList('Holder', r.top_holders, r.out_of_region, family, withCc),
          contributorList('Origin AS', r.top_origins, r.out_of_region, family, originLabel(data.as_names)),
          contributorList('Used in', r.top_countries, r.out_of_region, family, (c) => esc(c.key)),
        );
      out.push('</div>');
    }
  }
  out.push('</section>');
  return out.join('\n');
}

export function reportHtml(data: ReportData): string {
  if (!data.days.length) throw new Error('a report needs at least one stored day');
  const period = data.from === data.to ? `on ${data.from}` : `from ${data.from} to ${data.to}`;
  const dbip = data.days.some((d) => isDbIp(d.params));
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // No request may leave the file: no scripts, and nothing but inline styles and data images.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${esc(`Where RIR address space is used, ${period}`)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1>Where registered address space is used</h1>`,
    `<p class="meta"><span>Routed IPv4 and IPv6 space of the five RIRs, ${esc(period)}</span><span>${data.days.length} day${data.days.length === 1 ? '' : 's'} stored</span><span>generated ${esc(data.generated_at.replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC'))}</span><span>Portolan ${esc(data.version)}</span></p>`,
    '</header>',
    headline(data),
    charts(data),
    tables(data),
    contributors(data),
    confidenceHtml(data.confidence),
    methodHtml(data.days),
    '<footer>',
    dbip ? `<p class="attribution">${esc(DBIP_ATTRIBUTION)}.</p>` : '',
    `<p>Made with Portolan ${esc(data.version)}. Registry data: the RIRs' delegated statistics files. Routing data: ${esc(data.days[data.days.length - 1].params.source.kind === 'live' ? 'a live BGP feed' : 'BGP archive files')}.</p>`,
    '</footer>',
    '</body>',
    '</html>',
    '',
  ]
    .join('\n');
}
