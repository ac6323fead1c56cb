import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { AsName, AsNameLookup } from '../models/asnames.js';
import { parseAsNames, type AsNameFormat } from './parse.js';

export { detectFormat, parseAsNames, parseAsnTxtLine, splitNameCc, type AsNameFormat } from './parse.js';
export type { AsName, AsNameLookup } from '../models/asnames.js';

/** The file `registry update` would keep RIPE NCC's list in, inside the cache folder. */
export const AS_NAMES_CACHE_FILE = 'asn.txt';
export const AS_NAMES_URL = 'https://ftp.ripe.net/ripe/asnames/asn.txt';

/** A lookup over parsed names; later entries for the same AS replace earlier ones. */
export function asNameIndex(names: Iterable<AsName>, source = 'memory'): AsNameLookup {
  const byAsn = new Map<number, AsName>();
  for (const n of names) byAsn.set(n.asn, n);
  let lowered: Array<{ n: AsName; text: string; handle: string }> | null = null;
  return {
    source,
    get size() {
      return byAsn.size;
    },
    get: (asn) => byAsn.get(asn),
    search(text, limit = 20) {
      const words = text.toLowerCase().split(/\s+/).filter(Boolean);
      if (!words.length) return [];
      lowered ??= [...byAsn.values()].map((n) => ({ n, text: n.name.toLowerCase(), handle: n.name.split(/\s/, 1)[0].toLowerCase() }));
      const exact: AsName[] = [];
      const prefix: AsName[] = [];
      const other: AsName[] = [];
      const phrase = words.join(' ');
      for (const e of lowered) {
        if (!words.every((w) => e.text.includes(w))) continue;
        if (e.handle === phrase) exact.push(e.n);
        else if (e.text.startsWith(phrase)) prefix.push(e.n);
        else other.push(e.n);
      }
      const byAsnOrder = (a: AsName, b: AsName) => a.asn - b.asn;
      return [...exact.sort(byAsnOrder), ...prefix.sort(byAsnOrder), ...other.sort(byAsnOrder)].slice(0, limit);
    },
  };
}

/** Reads a list (plain or gzip; format from the content unless given). */
export function loadAsNames(path: string, format?: AsNameFormat): AsNameLookup & { skipped: number } {
  let buf = readFileSync(path);
  if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
  const { names, skipped } = parseAsNames(buf.toString('utf8'), format);
  if (names.length === 0) throw new Error(`${path}: no AS names found (expected lines like "3333 RIPE-NCC-AS Reseaux IP Europeens …, NL", pyasn JSON, or ASN|contributor|name)`);
  return Object.assign(asNameIndex(names, path), { skipped });
}

/**
 * The names for a command: `--as-names FILE` when given (an error if it is missing), else
 * `asn.txt` in the registry cache when `registry update` put one there, else none.
 */
export function resolveAsNames(opts: { asNames?: string; cacheDir?: string }): AsNameLookup | null {
  if (opts.asNames) {
    if (!existsSync(opts.asNames) || !statSync(opts.asNames).isFile()) throw new Error(`--as-names ${opts.asNames} does not exist or is not a file`);
    return loadAsNames(opts.asNames);
  }
  if (opts.cacheDir) {
    const cached = join(opts.cacheDir, AS_NAMES_CACHE_FILE);
    if (existsSync(cached)) return loadAsNames(cached);
  }
  return null;
}

/** `AS3333 RIPE-NCC-AS …` (name shortened to `max` characters), or `AS3333` without a name. */
export function asLabel(asn: number, names: AsNameLookup | null | undefined, max = 60): string {
  const n = names?.get(asn);
  if (!n) return `AS${asn}`;
  const name = n.name.length > max ? `${n.name.slice(0, max - 1)}…` : n.name;
  return `AS${asn} ${name}${n.cc ? ` (${n.cc})` : ''}`;
}

/**
 * Adds `as_name` and `as_cc` to rows that carry an AS number in `origin_asn` or `asn`
 * (null when the AS is not in the list); rows without one are returned unchanged.
 */
export function withAsNames<T extends object>(rows: readonly T[], names: AsNameLookup | null | undefined): Array<T & { as_name?: string | null; as_cc?: string | null }> {
  if (!names) return rows as Array<T & { as_name?: string | null }>;
  return rows.map((row) => {
    const r = row as Record<string, unknown>;
    const raw = r.origin_asn ?? r.asn;
    const asn = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : null;
    if (asn === null) return row;
    const n = names.get(asn);
    return { ...row, as_name: n?.name ?? null, as_cc: n?.cc ?? null };
  });
}

/**
 * Query output with names: after a column named `origin_asn` or `asn`, an `as_name` column
 * (empty when the AS is not listed). Unchanged without names, without such a column, or
 * when the result already has `as_name`.
 */
export function addAsNameColumn(
  columns: string[],
  rows: Record<string, unknown>[],
  names: AsNameLookup | null | undefined,
): { columns: string[]; rows: Record<string, unknown>[] } {
  const key = columns.includes('origin_asn') ? 'origin_asn' : columns.includes('asn') ? 'asn' : null;
  if (!names || !key || columns.includes('as_name')) return { columns, rows };
  const at = columns.indexOf(key) + 1;
  const out = [...columns.slice(0, at), 'as_name', ...columns.slice(at)];
  return {
    columns: out,
    rows: rows.map((r) => {
      const v = r[key];
      const asn = typeof v === 'number' ? v : typeof v === 'string' && /^(AS)?\d+$/i.test(v) ? Number(v.replace(/^AS/i, '')) : null;
      return { ...r, as_name: asn === null ? null : (names.get(asn)?.name ?? null) };
    }),
  };
}
