import { getJson } from '../api.js';
import { countryLink, h, link, prefixLink, section, note, fill } from '../dom.js';
import { addressesShort, integer, rir, time } from '../format.js';
import { errorBox, kindsList, loading, rirBadge, severityBadge, storeEmptyNote } from './common.js';
import { table } from './table.js';
import { findingsTimeline, type FindingRow } from './findings.js';
import { stackedDays, type DayRow } from '../charts/stacked-days.js';

interface AsnPage {
  asn: number;
  as_name?: string | null;
  as_cc?: string | null;
  registry: { record: { rir: string; cc: string; date: string | null; status: string; opaqueId: string | null } | null; rir: string | null; iana: { block: string; designation: string; status: string } | null } | null;
  seen: { events: number; prefixes: number; first_seen: number; last_seen: number } | null;
  prefixes: Array<{ prefix: string; prefix_rir: string; usage_region: string; main_country: string; kinds: string[]; severity: string; addresses: number; events: number; last_seen: number }>;
  findings: FindingRow[];
  notes: string[];
}

export function asnView(main: HTMLElement, params: string[]): void {
  const asn = params[0];
  const holder = h('div', {}, loading());
  const title = h('h1', { id: 'page-title' }, `AS${asn}`);
  main.append(title, holder);
  const history = section('Announced space by registering RIR over time', loading());
  history.id = 'asn-history';
  getJson<{ rows: Array<DayRow & { family: number }>; note: string }>(`/api/history/asn/${asn}`)
    .then((r) => {
      const fams = ([4, 6] as const).filter((f) => r.rows.some((x) => Number(x.family) === f));
      fill(
        history,
        h('h2', {}, 'Announced space by registering RIR over time'),
        fams.length
          ? [
              h('p', { class: 'note' }, `Each day, the prefixes this AS announced, by the RIR that registered them. ${r.note}`),
              ...fams.map((f) => stackedDays(`asn-history-v${f}`, `IPv${f} space announced by AS${asn} per day, by registering RIR`, r.rows.filter((x) => Number(x.family) === f), f === 4 ? 'addresses' : '/48s')),
            ]
          : h('p', { class: 'note' }, 'No announcements by this AS in the store.'),
      );
    })
    .catch((err) => fill(history, h('h2', {}, 'Announced space by registering RIR over time'), errorBox(err)));
  getJson<AsnPage>(`/api/asn/${asn}`)
    .then(async (d) => {
      const rec = d.registry?.record;
      const empty = d.seen ? null : await storeEmptyNote();
      if (d.as_name) fill(title, `AS${asn} `, h('span', { class: 'as-name' }, d.as_name), d.as_cc ? h('span', { class: 'as-cc' }, ` ${d.as_cc}`) : null);
      fill(holder, 
        h('p', { class: 'lead' }, d.seen ? `Originated ${integer(d.seen.prefixes)} prefixes in ${integer(d.seen.events)} route events, ${time(d.seen.first_seen)} to ${time(d.seen.last_seen)}.` : 'Not seen as an origin in the store.'),
        empty,
        d.notes.length ? h('ul', { class: 'notes' }, d.notes.map((n) => h('li', {}, n))) : null,
        section(
          'Registry',
          d.registry
            ? h('p', {}, 'Registered by ', rirBadge(d.registry.rir), rec ? ` · ${rec.status} · country ` : '', rec ? countryLink(rec.cc) : '', rec?.date ? ` · ${rec.date}` : '', rec?.opaqueId ? ' · holder ' : '', rec?.opaqueId ? link(`/holder/${rec.rir}/${encodeURIComponent(rec.opaqueId)}`, h('code', {}, rec.opaqueId)) : '', d.registry.iana ? ` · IANA ${d.registry.iana.block}: ${d.registry.iana.designation}` : '')
            : note('Registry not loaded.'),
        ),
        history,
        section(
          'Prefixes originated',
          table(
            'Prefixes, largest first',
            [
              { label: 'Prefix', cell: (r) => prefixLink(r.prefix) },
              { label: 'Registered by', cell: (r) => rir(r.prefix_rir || null) },
              { label: 'Used in', cell: (r) => rirBadge(r.usage_region || null) },
              { label: 'Country', cell: (r) => countryLink(r.main_country) },
              { label: 'Addresses', cell: (r) => addressesShort(r.addresses), numeric: true, sort: (r) => Number(r.addresses) },
              { label: 'Kinds', cell: (r) => kindsList(r.kinds) },
              { label: 'Severity', cell: (r) => severityBadge(r.severity) },
            ],
            d.prefixes,
          ),
        ),
        findingsTimeline(d.findings),
      );
    })
    .catch((err) => fill(holder, errorBox(err)));
}
