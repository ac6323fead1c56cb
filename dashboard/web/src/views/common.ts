import { ApiError, getJson } from '../api.js';
import { h } from '../dom.js';
import { rir } from '../format.js';

export function errorBox(err: unknown): HTMLElement {
  const text = err instanceof ApiError ? `${err.message} (${err.status})` : err instanceof Error ? err.message : String(err);
  return h('p', { class: 'error', role: 'alert' }, text);
}

/**
 * Why a page has no rows when the store holds nothing at all, and what to run; null when the
 * store has data (the page's own empty message applies) or cannot be asked.
 */
export async function storeEmptyNote(): Promise<HTMLElement | null> {
  try {
    const d = await getJson<{ stored_events: number }>('/api/findings/recent?limit=1');
    if (d.stored_events > 0) return null;
    return h('p', { class: 'empty-why', role: 'status' }, 'No store yet: run ', h('code', {}, 'portolan ingest FILE'), ' or ', h('code', {}, 'portolan run'), '.');
  } catch {
    return null;
  }
}

export const loading = (): HTMLElement => h('p', { class: 'note', role: 'status' }, 'Loading…');

const SEVERITY_CLASS: Record<string, string> = { none: 'sev-none', info: 'sev-info', low: 'sev-low', medium: 'sev-medium', high: 'sev-high' };
export const severityBadge = (s: string | null | undefined): HTMLElement => h('span', { class: `badge ${SEVERITY_CLASS[s ?? 'none'] ?? ''}` }, s ?? '–');
export const kindsList = (kinds: string[] | null | undefined): HTMLElement => h('span', { class: 'kinds' }, (kinds ?? []).map((k) => h('span', { class: 'kind' }, k)));
export const rirBadge = (r: string | null | undefined): HTMLElement => h('span', { class: `rir rir-${r ?? 'unknown'}` }, rir(r));

export const RIR_IDS = ['afrinic', 'apnic', 'arin', 'lacnic', 'ripencc'] as const;
export const KINDS = ['geo-out-of-region', 'origin-out-of-region', 'registered-out-of-region', 'in-region-country', 'transferred', 'legacy', 'unregistered'] as const;
export const SEVERITIES = ['none', 'info', 'low', 'medium', 'high'] as const;

/** A labelled select. */
export function select(id: string, label: string, options: Array<[string, string]>, value = ''): { wrap: HTMLElement; el: HTMLSelectElement } {
  const el = h('select', { id, name: id }, options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
  return { wrap: h('div', { class: 'field' }, h('label', { for: id }, label), el), el };
}

export function textInput(id: string, label: string, placeholder = '', value = ''): { wrap: HTMLElement; el: HTMLInputElement } {
  const el = h('input', { id, name: id, type: 'text', placeholder, value, autocomplete: 'off' });
  return { wrap: h('div', { class: 'field' }, h('label', { for: id }, label), el), el };
}
