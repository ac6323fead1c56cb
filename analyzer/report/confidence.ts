/**
 * The report's confidence section: how far the geolocation databases agree over the routed
 * space of the report's last day, by registering RIR and for the countries where they disagree
 * most. Figures come from the day's two stored counts (index build --confirmed): the plain flows
 * (the primary database) and the confirmed flows (only where every independent database places
 * an address in the same RIR region; the country kept is the primary's). So the agreed space of
 * a RIR or a country is exact, address by address, not a per-prefix estimate.
 */
import { INDEX_RIRS, type Flow, type GeoAgreementFilter, type IndexRir } from '../models/accounting.js';
import { esc } from './escape.js';
import { FAMILY_LABEL, UNIT_LABEL, fmtCount, fmtShare } from './format.js';
import { displayName } from './palette.js';
import type { AgreementRow, ReportConfidence } from './types.js';

/** Countries listed per family. */
export const TOP_DISAGREEING = 10;

const row = (geolocated: number, agreed: number): AgreementRow => ({ geolocated, agreed, share: geolocated > 0 ? agreed / geolocated : null });
const placed = (f: Flow): boolean => f.usage_region !== '' && f.country !== 'ZZ';

/** The section's figures from a day's plain and confirmed flows. */
export function confidenceOf(date: string, agreement: GeoAgreementFilter | null, flows: readonly Flow[], confirmed: readonly Flow[]): ReportConfidence {
  const by_rir = {} as ReportConfidence['by_rir'];
  const top_disagreeing = {} as ReportConfidence['top_disagreeing'];
  for (const [key, family] of [['ipv4', 4], ['ipv6', 6]] as const) {
    const sum = (list: readonly Flow[], pick: (f: Flow) => string): Map<string, number> => {
      const m = new Map<string, number>();
      for (const f of list) if (f.family === family && placed(f)) m.set(pick(f), (m.get(pick(f)) ?? 0) + f.addresses);
      return m;
    };
    const [geoRir, agreedRir] = [sum(flows, (f) => f.rir), sum(confirmed, (f) => f.rir)];
    by_rir[key] = {} as Record<IndexRir, AgreementRow>;
    for (const rir of INDEX_RIRS) by_rir[key][rir] = row(geoRir.get(rir) ?? 0, agreedRir.get(rir) ?? 0);
    const [geoCc, agreedCc] = [sum(flows, (f) => f.country), sum(confirmed, (f) => f.country)];
    top_disagreeing[key] = [...geoCc]
      .map(([cc, n]) => ({ cc, ...row(n, agreedCc.get(cc) ?? 0), disagreed: n - (agreedCc.get(cc) ?? 0) }))
      .filter((c) => c.disagreed > 0)
      .sort((a, b) => b.disagreed - a.disagreed || a.cc.localeCompare(b.cc))
      .slice(0, TOP_DISAGREEING);
  }
  return { date, geo_agreement: agreement, by_rir, top_disagreeing };
}

/** The HTML section (pure). Without a confirmed count it says how to get one. */
export function confidenceHtml(c: ReportConfidence | null | undefined): string {
  if (!c) return '';
  const out = ['<section id="confidence">', `<h2>How sure: the geolocation databases compared, ${esc(c.date)}</h2>`];
  if (!c.geo_agreement) {
    out.push(
      '<p>This day was measured with one geolocation database, so its figures cannot be checked against a second opinion here. ' +
        'Build the day with <code>portolan index build --confirmed --geo A.mmdb,B.mmdb</code> (two or more independent databases) for this section.</p>',
      '</section>',
    );
    return out.join('\n');
  }
  const g = c.geo_agreement;
  const dbs = g.databases.map((d, i) => `<li><strong>${esc(d.name)}</strong> (${esc(d.database)}, built ${esc(d.build_date)})${i === 0 ? ': the primary database, whose countries the figures above use' : ''}</li>`);
  out.push(
    `<p>Share of the routed space the primary database geolocates that every independent database places in the same RIR service region (address by address, over the routed space of ${esc(c.date)}).</p>`,
    `<ul class="databases">${dbs.join('')}</ul>`,
    g.echoes_ignored.length ? `<p class="note">Registry echoes, not counted as confirmation: ${esc(g.echoes_ignored.join(', '))}.</p>` : '',
  );
  for (const family of ['ipv4', 'ipv6'] as const) {
    const rows = INDEX_RIRS.map((rir) => {
      const r = c.by_rir[family][rir];
      return `<tr data-rir="${rir}"><th scope="row">${esc(displayName(rir))}</th><td class="num">${fmtCount(r.geolocated)}</td><td class="num">${fmtCount(r.agreed)}</td><td class="num share">${fmtShare(r.share)}</td></tr>`;
    });
    out.push(
      `<table class="figures" id="agreement-${family}"><caption>${FAMILY_LABEL[family]} (${UNIT_LABEL[family]}) by registering RIR</caption>`,
      '<thead><tr><th>RIR</th><th class="num">Geolocated</th><th class="num">Databases agree</th><th class="num">Share agreed</th></tr></thead>',
      `<tbody>${rows.join('\n')}</tbody></table>`,
    );
    const top = c.top_disagreeing[family];
    if (top.length) {
      out.push(
        `<table class="figures" id="disagreeing-${family}"><caption>${FAMILY_LABEL[family]}: countries (primary database) with the most space the databases disagree on</caption>`,
        '<thead><tr><th>Country</th><th class="num">Geolocated</th><th class="num">Not agreed</th><th class="num">Share agreed</th></tr></thead>',
        `<tbody>${top.map((t) => `<tr data-cc="${esc(t.cc)}"><th scope="row">${esc(t.cc)}</th><td class="num">${fmtCount(t.geolocated)}</td><td class="num">${fmtCount(t.disagreed)}</td><td class="num share">${fmtShare(t.share)}</td></tr>`).join('\n')}</tbody></table>`,
      );
    }
  }
  out.push(`<p class="note">Rule: ${esc(g.rule)}</p>`, '</section>');
  return out.join('\n');
}
