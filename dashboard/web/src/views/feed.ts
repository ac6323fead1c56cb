import { h, asnLink, countryLink, prefixLink, clear } from '../dom.js';
import { time } from '../format.js';
import { qs } from '../api.js';
import { KINDS, RIR_IDS, SEVERITIES, kindsList, rirBadge, select, severityBadge, textInput } from './common.js';
import { RIR_LABELS } from '../format.js';

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

const MAX_ROWS = 300;
const TYPE_LABEL: Record<string, string> = { 'finding-started': 'started', 'finding-ended': 'ended', 'origin-changed': 'origin changed', finding: 'finding' };

/** The live feed: an EventSource on /api/feed with the filters as query parameters; pausable. */
export function feedView(main: HTMLElement): () => void {
  const rirSel = select('f-rir', 'Registering RIR', [['', 'any'], ...RIR_IDS.map((r) => [r, RIR_LABELS[r]] as [string, string])]);
  const kindSel = select('f-kind', 'Kind', [['', 'any'], ...KINDS.map((k) => [k, k] as [string, string])]);
  const sevSel = select('f-sev', 'Minimum severity', [['', 'any'], ...SEVERITIES.map((s) => [s, s] as [string, string])]);
  const cc = textInput('f-cc', 'Country', 'e.g. SC');
  const asn = textInput('f-asn', 'Origin AS', 'e.g. 4134');
  const pause = h('button', { type: 'button', 'aria-pressed': 'false', id: 'feed-pause' }, 'Pause');
  const clearBtn = h('button', { type: 'button' }, 'Clear');
  const state = h('span', { class: 'feed-state', role: 'status', 'aria-live': 'polite' }, 'connecting…');
  const tbody = h('tbody', { id: 'feed-rows' });
  const filterForm = h('form', { class: 'filters', 'aria-label': 'Feed filters' }, rirSel.wrap, kindSel.wrap, sevSel.wrap, cc.wrap, asn.wrap, h('div', { class: 'field buttons' }, pause, clearBtn));
  main.append(
    h('h1', {}, 'Live feed'),
    h('p', { class: 'lead' }, 'Portability findings as the collector sees them: space registered with one RIR but announced or used elsewhere.'),
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
        h('td', {}, asnLink(f.originAsn)),
        h('td', {}, rirBadge(f.prefixRir)),
        h('td', {}, rirBadge(f.usageRegion)),
        h('td', {}, countryLink(f.mainCountry)),
        h('td', {}, kindsList(f.kinds)),
        h('td', {}, severityBadge(f.severity)),
        h('td', { class: 'why' }, f.why),
      );
      tbody.prepend(tr);
    }
    while (tbody.childElementCount > MAX_ROWS) tbody.lastElementChild?.remove();
  };

  const connect = (): void => {
    source?.close();
    const url = `/api/feed${qs({ rir: rirSel.el.value, kind: kindSel.el.value, severity: sevSel.el.value, country: cc.el.value.trim(), asn: asn.el.value.trim(), backlog: 100 })}`;
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
    source?.close();
  };
}
