/** What an index-backed view describes (day, snapshot, filters, data versions), and the day selector. */
import { h } from './dom.js';
import { compact, addressesShort } from './format.js';

export interface IndexMeta {
  date: string | null;
  computed_at?: string | null;
  snapshot_at: string | null;
  filters: { ipv4_length: [number, number]; ipv6_length: [number, number]; min_peers: number; exclude_special_purpose: boolean } | null;
  registry: Array<{ rir: string; date: string | null; file: string }> | null;
  geo: { database: string; build_date: string; file: string } | null;
  source?: string | null;
  dates: string[];
  message?: string;
  /** `confirmed`: only the addresses the independent geo databases agree on (index build --confirmed). */
  confidence?: 'all' | 'confirmed';
  confirmed_available?: boolean;
  geo_agreement?: { rule: string; databases: Array<{ name: string; database: string; build_date: string }>; echoes_ignored: string[] } | null;
}

export const EMPTY_INDEX = 'No index yet: run `portolan index build FILE…` or let `portolan run` pass a UTC midnight.';

/** Registry file dates: one date when all agree, else the range. */
function registryDates(files: IndexMeta['registry']): string {
  const dates = [...new Set((files ?? []).map((f) => f.date).filter((d): d is string => !!d))].sort();
  if (!dates.length) return 'registry files (undated)';
  return dates.length === 1 ? `registry files ${dates[0]}` : `registry files ${dates[0]} to ${dates[dates.length - 1]}`;
}

const geoName = (db: string): string => (/db-?ip/i.test(db) ? 'DB-IP' : /geolite|geoip/i.test(db) ? 'MaxMind' : db);

/** "2002-07-22 · routed table at 23:37 UTC · IPv4 /8–/24, ≥2 peers, special-purpose excluded · registry files 2013-08-12 · DB-IP 2026-06-01" */
export function describeIndex(meta: IndexMeta, family: 4 | 6 = 4): string {
  if (!meta.date) return EMPTY_INDEX;
  const parts: string[] = [meta.date];
  if (meta.snapshot_at) {
    const iso = new Date(meta.snapshot_at).toISOString();
    const day = iso.slice(0, 10);
    parts.push(`routed table at ${day === meta.date ? '' : `${day} `}${iso.slice(11, 16)} UTC`);
  }
  if (meta.filters) {
    const [lo, hi] = family === 4 ? meta.filters.ipv4_length : meta.filters.ipv6_length;
    parts.push(`IPv${family} /${lo}–/${hi}, ≥${meta.filters.min_peers} peer${meta.filters.min_peers === 1 ? '' : 's'}${meta.filters.exclude_special_purpose ? ', special-purpose excluded' : ''}`);
  }
  if (meta.registry) parts.push(registryDates(meta.registry));
  if (meta.geo) parts.push(`${geoName(meta.geo.database)} ${meta.geo.build_date}`);
  return parts.join(' · ');
}

/** The line under a view's title. */
export const indexLine = (meta: IndexMeta, family: 4 | 6 = 4): HTMLElement => h('p', { class: `index-line${meta.date ? '' : ' empty'}`, id: 'index-line' }, describeIndex(meta, family));

/** The empty state of an index-backed view. */
export const emptyIndex = (): HTMLElement => h('p', { class: 'empty-index', role: 'status' }, EMPTY_INDEX);

/** A select of the stored days (newest first); calls `onPick` with the chosen day. */
export function daySelect(meta: IndexMeta, onPick: (date: string) => void): HTMLElement | null {
  if (!meta.dates.length) return null;
  const el = h('select', { id: 'index-date', name: 'date' }, meta.dates.map((d) => h('option', { value: d, selected: d === meta.date }, d)));
  el.addEventListener('change', () => onPick(el.value));
  return h('div', { class: 'field' }, h('label', { for: 'index-date' }, 'Day'), el);
}

/** Routed space in the index's unit: IPv4 addresses, IPv6 /48s. */
export const space = (n: number | null | undefined, family: 4 | 6): string => (n === null || n === undefined ? '–' : family === 4 ? addressesShort(n) : `${compact(n)} /48s`);

/** The current path with some query parameters set (null/empty removes them). */
export function withQuery(params: Record<string, string | number | null | undefined>): string {
  const q = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === undefined || v === '') q.delete(k);
    else q.set(k, String(v));
  }
  const s = q.toString();
  return `${location.pathname}${s ? `?${s}` : ''}`;
}

/** The `confidence` of the page's URL: 'confirmed', or null for all geolocated space (the default). */
export const confidenceOf = (query: URLSearchParams): 'confirmed' | null => (query.get('confidence') === 'confirmed' ? 'confirmed' : null);

/** The geolocation select of the index-backed views (kept in the URL as ?confidence=confirmed). */
export function confidenceSelect(current: 'confirmed' | null, onPick: (value: 'confirmed' | null) => void): HTMLElement {
  const el = h(
    'select',
    { id: 'index-confidence', name: 'confidence' },
    h('option', { value: '', selected: current === null }, 'as the primary database places it'),
    h('option', { value: 'confirmed', selected: current === 'confirmed' }, 'confirmed by all databases'),
  );
  el.addEventListener('change', () => onPick(el.value === 'confirmed' ? 'confirmed' : null));
  return h('div', { class: 'field' }, h('label', { for: 'index-confidence' }, 'Geolocation'), el);
}

/**
 * What a confirmed-only view counts (the databases and the rule), or why it is empty; null for
 * the default view.
 */
export function confidenceNote(meta: IndexMeta): HTMLElement | null {
  if (meta.confidence !== 'confirmed' || !meta.date) return null;
  if (!meta.confirmed_available || !meta.geo_agreement) return h('p', { class: 'empty-index', role: 'status', id: 'confidence-note' }, meta.message ?? 'This day has no confirmed-only count.');
  const dbs = meta.geo_agreement.databases.map((d) => `${d.name} (${d.database} ${d.build_date})`).join(', ');
  return h('p', { class: 'note', id: 'confidence-note' }, `Confirmed geolocation only, by ${dbs}: ${meta.geo_agreement.rule}`);
}