/**
 * A view's state in the URL, so that a link reproduces it: read once when the view is drawn,
 * written back with replaceState as the user changes it (no history entry per keystroke).
 */

/** The current query string's value of `name`, or `fallback`. */
export const urlParam = (name: string, fallback = ''): string => new URLSearchParams(location.search).get(name) ?? fallback;

/** Sets (or, for empty values, removes) query parameters in place. */
export function setUrlParams(params: Record<string, string | number | null | undefined>): void {
  const q = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === undefined || v === '') q.delete(k);
    else q.set(k, String(v));
  }
  const s = q.toString();
  history.replaceState(history.state, '', `${location.pathname}${s ? `?${s}` : ''}${location.hash}`);
}

/** `Origin ASes seen` → `origin-ases-seen`: a table's or column's name in a URL. */
export const slug = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
