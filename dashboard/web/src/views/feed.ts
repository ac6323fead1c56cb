import { h, asnLink, countryLink, prefixLink, clear, fill } from '../dom.js';
import { time } from '../format.js';
import { getJson, qs } from '../api.js';
import { KINDS, RIR_IDS, SEVERITIES, errorBox, kindsList, loading, rirBadge, select, severityBadge, textInput } from './common.js';
import { table } from './table.js';
import { RIR_LABELS } from '../format.js';
import { setUrlParams, urlParam } from '../url-state.js';

interface Finding {
  time: number;
  prefix: string;
  originAsn: number | null;
  prefixRir: string | null;
  usageRegion: string | null;
  mainCountry: string | null;
  registeredCc: string | null;
  kinds: string[];
  severity: string;
  why: string;
}
interface FeedItem {
  id: number;
  type: string;
  time: number;
  finding: Finding;
  reason?: string;
}

interface StoredFinding {
  time: number;
  type: string;
  reason: string;
  prefix: string;
  origin_asn: number | null;
  as_name?: string | null;
  as_cc?: string | null;
  kinds: string[];
  severity: string;
  why: string;
  prefix_rir: string;
  usage_region: string;
  main_country: string;
}
interface StoredAnswer {
  rows: StoredFinding[];
  stored_events: number;
  note: string | null;
}

const MAX_ROWS = 300;
const TYPE_LABEL: Record<string, string> = { 'finding-started': 'started', 'finding-ended': 'ended', 'origin-changed': 'origin changed', finding: 'finding' };

/** The live feed: an EventSource on /api/feed with the filters as query parameters; pausable. */
export function feedView(main: HTMLElement): () => void {
  // The filters come from the URL and go back into it, so a link opens the same filtered feed.
  const rirSel = select('f-rir', 'Registering RIR', [['', 'any'], ...RIR_IDS.map((r) => [r, RIR_LABELS[r]] as [string, string])], urlParam('rir'));
  const kindSel = select('f-kind', 'Kind', [['', 'any'], ...KINDS.map((k) => [k, k] as [string, string])], urlParam('kind'));
  const sevSel = select('f-sev', 'Minimum severity', [['', 'any'], ...SEVERITIES.map((s) => [s, s] as [string, string])], urlParam('severity'));
  const cc = textInput('f-cc', 'Country', 'e.g. SC', urlParam('country'));
  const asn = textInput('f-asn', 'Origin AS', 'e.g. 4134', urlParam('asn'));
  const pause = h('button', { type: 'button', 'aria-pressed': 'false', id: 'feed-pause' }, 'Pause');
  const clearBtn = h('button', { type: 'button' }, 'Clear');
  const state = h('span', { class: 'feed-state', role: 'status', 'aria-live': 'polite' }, 'connecting…');
  const tbody = h('tbody', { id: 'feed-rows' });
  const liveWrap = h('div', { id: 'live-part' });
  const stored = h('section', { class: 'card', id: 'stored-findings', 'aria-label': 'Latest stored findings' }, h('h2', {}, 'Latest stored findings'), loading());
  const filterForm = h('form', { class: 'filters', 'aria-label': 'Feed filters' }, rirSel.wrap, kindSel.wrap, sevSel.wrap, cc.wrap, asn.wrap, h('div', { class: 'field buttons' }, pause, clearBtn));
  main.append(
    h('h1', {}, 'Live feed'),
    h('p', { class: 'lead' }, 'Portability findings as the collector sees them: space registered with one RIR but announced or used elsewhere.'),
    liveWrap,
    stored,
  );
  liveWrap.append(
    filterForm,
    h('p', {}, state),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'feed' },
        h('caption', { class: 'sr-only' }, 'Live findings, newest first'),
        h('thead', {}, h('tr', {}, ['Time (UTC)', 'Event', 'Prefix', 'Origin', 'Registered', 'Used in', 'Country', 'Kinds', 'Severity', 'Why'].map((t) => h('th', { scope: 'col' }, t)))),
        tbody,
      ),
    ),
  );

  // Names of the live rows' origin ASes, asked for in batches (/api/asnames) and filled in.
  const names = new Map<number, { name: string; cc: string | null } | null>();
  const wanted = new Set<number>();
  let nameTimer: number | undefined;
  let namesLoaded = true;
  const fetchNames = (): void => {
    if (!namesLoaded) return;
    const asns = [...wanted].slice(0, 500);
    for (const a of asns) wanted.delete(a);
    getJson<{ loaded: boolean; names: Record<string, { name: string; cc: string | null }> }>(`/api/asnames${qs({ asn: asns.join(',') })}`)
      .then((r) => {
        namesLoaded = r.loaded;
        for (const a of asns) {
          const n = r.names[String(a)] ?? null;
          names.set(a, n);
          if (!n) continue;
          for (const td of tbody.querySelectorAll(`td[data-asn="${a}"]`)) fill(td, asnLink(a, n.name, n.cc));
        }
      })
      .catch(() => undefined);
  };

  // Without a live collector (portolan serve) or before anything arrives: the store's newest findings.
  const loadStored = (live: boolean): void => {
    getJson<StoredAnswer>(`/api/findings/recent${qs({ limit: 50 })}`)
      .then((d) => {
        const intro = live
          ? h('p', { class: 'note stored-source' }, 'From the store, newest first, while the live feed above fills.')
          : h(
              'p',
              { class: 'note stored-source' },
              'No live events are flowing: this server has no live collector (',
              h('code', {}, 'portolan serve'),
              '). These are the newest findings from the store, newest first. Start a live collector with ',
              h('code', {}, 'portolan run'),
              ' (RIS Live), or replay a file with ',
              h('code', {}, 'portolan run --replay FILE'),
              '.',
            );
        fill(
          stored,
          h('h2', {}, 'Latest stored findings'),
          intro,
          d.note ? h('p', { class: 'empty-why', role: 'status' }, d.note) : null,
          d.rows.length
            ? table(
                'Stored findings, newest first',
                [
                  { label: 'Time (UTC)', cell: (r) => time(r.time) },
                  { label: 'Event', cell: (r) => `${TYPE_LABEL[r.type] ?? r.type}${r.reason ? ` (${r.reason})` : ''}` },
                  { label: 'Prefix', cell: (r) => prefixLink(r.prefix) },
                  { label: 'Origin', cell: (r) => asnLink(r.origin_asn, r.as_name, r.as_cc) },
                  { label: 'Registered', cell: (r) => rirBadge(r.prefix_rir || null) },
                  { label: 'Used in', cell: (r) => rirBadge(r.usage_region || null) },
                  { label: 'Country', cell: (r) => countryLink(r.main_country) },
                  { label: 'Kinds', cell: (r) => kindsList(r.kinds) },
                  { label: 'Severity', cell: (r) => severityBadge(r.severity) },
                  { label: 'Why', cell: (r) => r.why },
                ],
                d.rows,
              )
            : null,
        );
      })
      .catch((err) => fill(stored, h('h2', {}, 'Latest stored findings'), errorBox(err)));
  };
  getJson<{ feed: unknown }>('/api/health')
    .then((hd) => {
      const live = hd.feed !== null && hd.feed !== undefined;
      if (!live) {
        liveWrap.hidden = true;
        main.insertBefore(stored, liveWrap);
        main.querySelector('.lead')!.textContent = 'Portability findings: space registered with one RIR but announced or used elsewhere. This server has no live collector, so the page shows what the store holds.';
      }
      loadStored(live);
    })
    .catch(() => loadStored(false));

  let source: EventSource | null = null;
  let paused = false;
  let held: FeedItem[] = [];
  let received = 0;
  let dropped = 0;

  const showState = (text: string): void => {
    state.textContent = `${text} · ${received} received${dropped ? ` · ${dropped} dropped (too slow)` : ''}${paused ? ` · paused, ${held.length} waiting` : ''}`;
  };

  const addRows = (items: FeedItem[]): void => {
    for (const item of items) {
      const f = item.finding;
      const tr = h(
        'tr',
        { class: `ev-${item.type}` },
        h('td', { class: 'nowrap' }, time(item.time)),
        h('td', {}, TYPE_LABEL[item.type] ?? item.type, item.reason ? ` (${item.reason})` : ''),
        h('td', {}, prefixLink(f.prefix)),
        h('td', { 'data-asn': f.originAsn ?? '' }, asnLink(f.originAsn, names.get(f.originAsn ?? -1)?.name, names.get(f.originAsn ?? -1)?.cc)),
        h('td', {}, rirBadge(f.prefixRir)),
        h('td', {}, rirBadge(f.usageRegion)),
        h('td', {}, countryLink(f.mainCountry)),
        h('td', {}, kindsList(f.kinds)),
        h('td', {}, severityBadge(f.severity)),
        h('td', { class: 'why' }, f.why),
      );
      tbody.prepend(tr);
      if (f.originAsn !== null && !names.has(f.originAsn)) wanted.add(f.originAsn);
    }
    if (wanted.size) {
      window.clearTimeout(nameTimer);
      nameTimer = window.setTimeout(fetchNames, 300);
    }
    while (tbody.childElementCount > MAX_ROWS) tbody.lastElementChild?.remove();
  };

  const connect = (): void => {
    source?.close();
    const filters = { rir: rirSel.el.value, kind: kindSel.el.value, severity: sevSel.el.value, country: cc.el.value.trim(), asn: asn.el.value.trim() };
    setUrlParams(filters);
    const url = `/api/feed${qs({ ...filters, backlog: 100 })}`;
    source = new EventSource(url);
    showState('connecting…');
    source.onopen = () => showState('live');
    source.onerror = () => showState('disconnected, retrying…');
    const onItem = (ev: MessageEvent<string>): void => {
      const item = JSON.parse(ev.data) as FeedItem;
      received++;
      if (paused) held.push(item);
      else addRows([item]);
      showState('live');
    };
    for (const type of ['finding', 'finding-started', 'finding-ended', 'origin-changed']) source.addEventListener(type, onItem as EventListener);
    source.addEventListener('dropped', ((ev: MessageEvent<string>) => {
      dropped += (JSON.parse(ev.data) as { dropped: number }).dropped;
      showState('live');
    }) as EventListener);
  };

  let debounce: number | undefined;
  filterForm.addEventListener('submit', (ev) => ev.preventDefault());
  for (const el of [rirSel.el, kindSel.el, sevSel.el]) el.addEventListener('change', connect);
  for (const el of [cc.el, asn.el])
    el.addEventListener('input', () => {
      window.clearTimeout(debounce);
      debounce = window.setTimeout(connect, 400);
    });
  pause.addEventListener('click', () => {
    paused = !paused;
    pause.textContent = paused ? 'Resume' : 'Pause';
    pause.setAttribute('aria-pressed', String(paused));
    if (!paused) {
      addRows(held);
      held = [];
    }
    showState('live');
  });
  clearBtn.addEventListener('click', () => clear(tbody));
  connect();
  return () => {
    window.clearTimeout(debounce);
    window.clearTimeout(nameTimer);
    source?.close();
  };
}
