import { asLabel, shortName } from './format.js';
/** Tiny DOM builder: text always goes through textContent, never innerHTML. */
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | ((ev: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Array<Child | Child[]>): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(key.replace(/^on/, ''), value);
    else if (key === 'class') el.className = String(value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: Array<Child | Child[]>): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'number' ? String(child) : child);
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** A link handled by the client-side router. */
export const link = (href: string, ...children: Child[]): HTMLAnchorElement => h('a', { href, 'data-route': '' }, ...children);

export const prefixLink = (prefix: string): HTMLAnchorElement => link(`/prefix/${prefix}`, prefix);
/**
 * An AS number linking to its page, with its name (and country) beside it when known:
 * `AS3333 RIPE-NCC-AS Reseaux IP … (NL)`; the full name is the tooltip.
 */
export function asnLink(asn: number | string | null | undefined, name?: string | null, cc?: string | null): Node {
  if (asn === null || asn === undefined || asn === '') return document.createTextNode('–');
  const a = link(`/asn/${asn}`, `AS${asn}`);
  if (!name) return a;
  return h('span', { class: 'as' }, a, ' ', h('span', { class: 'as-name', title: `${asLabel(asn, name, 1000)}${cc ? `, ${cc}` : ''}` }, shortName(name), cc ? h('span', { class: 'as-cc' }, ` ${cc}`) : null));
}
export const countryLink = (cc: string | null | undefined): Node => (!cc ? document.createTextNode('–') : link(`/country/${cc}`, cc));

export function section(title: string, ...children: Array<Child | Child[]>): HTMLElement {
  return h('section', { class: 'card', 'aria-label': title }, h('h2', {}, title), ...children);
}

export const note = (text: string, cls = 'note'): HTMLElement => h('p', { class: cls }, text);

/** Replaces an element's children, skipping null/false parts. */
export function fill(el: Element, ...children: Array<Child | Child[]>): void {
  clear(el);
  append(el, children);
}
