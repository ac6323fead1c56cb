import { formatPrefix, parseIp, parsePrefix } from '../../../common/ip.js';
import { badRequest, sendJson } from '../http.js';
import type { Route } from '../types.js';
import { parseAsn } from '../../../common/asn.js';
import type { AsNameLookup } from '../../../analyzer/models/asnames.js';

export interface SearchAnswer {
  query: string;
  kind: 'ip' | 'prefix' | 'asn' | 'country';
  value: string;
  /** The web UI page to go to. */
  path: string;
  /** The API resource with the data. */
  api: string;
  /** A search by AS name: the ASes whose name matched, best first (the answer is the first). */
  matches?: Array<{ asn: number; name: string; cc: string | null }>;
}

/**
 * Recognises an IP, a prefix (host bits are cleared), an AS number (`AS123` or `123`) or a
 * country code; anything else is searched among the AS names when they are loaded.
 */
export function resolveSearch(raw: string, names?: AsNameLookup | null): SearchAnswer {
  const q = raw.trim();
  if (q === '') throw badRequest('q is empty: give an IP, a prefix, an AS number or a country code');
  if (q.includes('/')) {
    // Host bits are cleared: a researcher pasting 154.80.1.7/16 means 154.80.0.0/16.
    const parsed = parsePrefix(q, true);
    const p = parsed ? formatPrefix(parsed) : null;
    if (p) return { query: q, kind: 'prefix', value: p, path: `/prefix/${p}`, api: `/api/prefix/${p}` };
    throw badRequest(`${JSON.stringify(q)} is not a valid prefix (like 154.80.0.0/16 or 2001:db8::/32)`);
  }
  if (parseIp(q)) return { query: q, kind: 'ip', value: q, path: `/ip/${q}`, api: `/api/ip/${q}` };
  const asn = parseAsn(q);
  if (asn !== null) {
    const n = String(asn);
    return { query: q, kind: 'asn', value: n, path: `/asn/${n}`, api: `/api/asn/${n}` };
  }
  if (/^[A-Za-z]{2}$/.test(q)) {
    const cc = q.toUpperCase();
    return { query: q, kind: 'country', value: cc, path: `/country/${cc}`, api: `/api/country/${cc}` };
  }
  const matches = names?.search(q, 10) ?? [];
  if (matches.length) {
    const n = String(matches[0].asn);
    return { query: q, kind: 'asn', value: n, path: `/asn/${n}`, api: `/api/asn/${n}`, matches: matches.map(({ asn, name, cc }) => ({ asn, name, cc })) };
  }
  if (names) throw badRequest(`no AS name contains ${JSON.stringify(q)}, and it is not an IP (1.2.3.4), a prefix (1.2.3.0/24), an AS number (AS123) or a country code (SC)`);
  throw badRequest(`cannot tell what ${JSON.stringify(q)} is: give an IP (1.2.3.4), a prefix (1.2.3.0/24), an AS number (AS123) or a country code (SC)`);
}

export const searchRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/search$/,
    handle({ res, query, deps }) {
      sendJson(res, 200, resolveSearch(query.get('q') ?? '', deps.asNames));
    },
  },
];
