import type { AsName } from '../models/asnames.js';

/**
 * Parsers for the public AS-name lists:
 * - RIPE NCC `asn.txt` and Geoff Huston's potaroo list: `ASN<space or tab>NAME, CC` per line
 *   (the last `, XX` is the country; leading blanks allowed);
 * - pyasn's `asnames.json`: `{ "ASN": "NAME descr, CC" }`;
 * - emileaben's curated CSV: `ASN|contributor|name` (no country).
 */
export type AsNameFormat = 'asn-txt' | 'pyasn-json' | 'pipe-csv';

const TRAILING_CC = /,\s*([A-Za-z]{2})\s*$/;

/** Splits `NAME, CC` into the name and the country (null when absent or `ZZ`). */
export function splitNameCc(text: string): { name: string; cc: string | null } {
  const t = text.trim();
  const m = TRAILING_CC.exec(t);
  if (!m) return { name: t, cc: null };
  const cc = m[1].toUpperCase();
  return { name: t.slice(0, m.index).trim(), cc: cc === 'ZZ' ? null : cc };
}

function asnOf(text: string): number | null {
  if (!/^\d{1,10}$/.test(text)) return null;
  const n = Number(text);
  return n <= 0xffffffff ? n : null;
}

/** One `asn.txt`/potaroo line, or null for blank, comment or malformed lines. */
export function parseAsnTxtLine(line: string): AsName | null {
  const m = /^\s*(?:AS)?(\d+)\s+(.*\S)\s*$/i.exec(line);
  if (!m) return null;
  const asn = asnOf(m[1]);
  if (asn === null) return null;
  const { name, cc } = splitNameCc(m[2]);
  return name ? { asn, name, cc } : null;
}

/** The format of a list's (decompressed) text, from its first non-blank characters. */
export function detectFormat(text: string): AsNameFormat {
  const head = text.trimStart();
  if (head.startsWith('{')) return 'pyasn-json';
  const first = head.split('\n', 1)[0] ?? '';
  if (/^\d+\|/.test(first)) return 'pipe-csv';
  return 'asn-txt';
}

/** Every name in a list's text; malformed lines are skipped and counted. */
export function parseAsNames(text: string, format: AsNameFormat = detectFormat(text)): { names: AsName[]; skipped: number } {
  const names: AsName[] = [];
  let skipped = 0;
  if (format === 'pyasn-json') {
    const parsed = JSON.parse(text) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('expected a JSON object of AS number → "NAME, CC"');
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
      const asn = asnOf(k.replace(/^AS/i, ''));
      if (asn === null || typeof v !== 'string' || !v.trim()) {
        skipped++;
        continue;
      }
      names.push({ asn, ...splitNameCc(v) });
    }
    return { names, skipped };
  }
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    if (format === 'pipe-csv') {
      const [a, , ...rest] = line.split('|');
      const asn = asnOf(a.trim());
      const name = rest.join('|').trim();
      if (asn === null || !name) skipped++;
      else names.push({ asn, name, cc: null });
      continue;
    }
    const parsed = parseAsnTxtLine(line);
    if (parsed) names.push(parsed);
    else skipped++;
  }
  return { names, skipped };
}
