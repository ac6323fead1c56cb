/**
 * The three VRP exports, read into rows: rpki-client's JSON (`roas` of {asn, prefix, maxLength,
 * ta, expires}; Routinator's plain `json` has the same shape), Routinator's `jsonext` (each VRP
 * with its `source` ROAs, their TAL and validity) and the CSV RIPE NCC archives daily
 * (`URI,ASN,IP Prefix,Max Length,Not Before,Not After`, one file per trust anchor; Routinator's
 * `csv`, `ASN,IP Prefix,Max Length,Trust Anchor`, is read by its header too).
 */
import { parseTime } from '../../common/time.js';
import type { VrpFormat } from '../models/rpki.js';
import { BadRow, normaliseTa, type RowFields } from './vrp-row.js';

/** The whole file cannot be read as a VRP export (the loader keeps the last good set). */
export class VrpFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VrpFormatError';
  }
}

export interface ParsedExport {
  format: VrpFormat;
  builtAt: number | null;
  /** One entry per row: its fields, or why it cannot be read. */
  rows: Array<RowFields | BadRow>;
}

/** Repository hosts of the five RIRs' publication points: the TA of a CSV row whose file does not name one. */
const REPOSITORY_TA: Array<[RegExp, string]> = [
  [/(^|\.)ripe\.net$/, 'ripe'],
  [/(^|\.)arin\.net$/, 'arin'],
  [/(^|\.)apnic\.net$/, 'apnic'],
  [/(^|\.)lacnic\.net$/, 'lacnic'],
  [/(^|\.)afrinic\.net$/, 'afrinic'],
];

function taOfUri(uri: string): string | null {
  const host = /^[a-z]+:\/\/([^/:]+)/i.exec(uri.trim())?.[1]?.toLowerCase();
  if (!host) return null;
  for (const [re, ta] of REPOSITORY_TA) if (re.test(host)) return ta;
  return null;
}

/** `<ta>.tal` in the file's path or URL, as RIPE NCC's archive lays it out (…/ripencc.tal/2024/05/01/roas.csv). */
export function taOfSource(source: string): string | null {
  const m = /([a-z0-9-]+)\.tal(?:[/\\]|$)/i.exec(source);
  if (!m) return null;
  const ta = m[1].toLowerCase();
  return ta === 'ripencc' ? 'ripe' : ta;
}

const seconds = (v: unknown, what: string): number | null => {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  const s = String(v).trim();
  try {
    // Validators write UTC; a date-time without a zone is UTC here, as their documentation says.
    return parseTime(/[zZ]|[+-]\d{2}:?\d{2}$/.test(s) || /^\d+(\.\d+)?$/.test(s) ? s : `${s}Z`, { name: what });
  } catch (err) {
    throw new BadRow((err as Error).message);
  }
};

export function parseVrpText(text: string, source: string): ParsedExport {
  const head = text.slice(0, 1024).trimStart();
  if (head.startsWith('{')) return parseJson(text, source);
  const firstLine = head.split(/\r?\n/, 1)[0].toLowerCase();
  if (firstLine.includes('ip prefix') && firstLine.includes('asn')) return parseCsv(text, source);
  throw new VrpFormatError(`${source}: not a VRP export (expected rpki-client or Routinator JSON with a "roas" list, or a CSV with the header URI,ASN,IP Prefix,Max Length,Not Before,Not After)`);
}

function parseJson(text: string, source: string): ParsedExport {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new VrpFormatError(`${source}: not valid JSON (${(err as Error).message})`);
  }
  const roas = (doc as { roas?: unknown }).roas;
  if (!Array.isArray(roas)) throw new VrpFormatError(`${source}: JSON without a "roas" list (rpki-client json or Routinator json/jsonext expected)`);
  const meta = (doc as { metadata?: Record<string, unknown> }).metadata ?? {};
  let builtAt: number | null = null;
  try {
    builtAt = seconds(meta.generated ?? meta.buildtime ?? null, 'metadata time');
  } catch {
    builtAt = null;
  }
  const ext = roas.some((r) => r && typeof r === 'object' && Array.isArray((r as { source?: unknown }).source));
  const rows: Array<RowFields | BadRow> = [];
  for (const r of roas as Array<Record<string, unknown>>) {
    try {
      if (!r || typeof r !== 'object') throw new BadRow('not an object');
      if (ext) rows.push(...jsonextRows(r));
      else rows.push({ asn: r.asn, prefix: r.prefix, maxLength: r.maxLength, ta: normaliseTa(r.ta), notBefore: null, notAfter: seconds(r.expires, 'expires') });
    } catch (err) {
      rows.push(err instanceof BadRow ? err : new BadRow(String(err)));
    }
  }
  return { format: ext ? 'routinator-jsonext' : 'rpki-client', builtAt, rows };
}

/** A jsonext VRP: one row per trust anchor among its ROA sources, valid over the union of their validity. */
function jsonextRows(r: Record<string, unknown>): RowFields[] {
  const sources = (r.source as Array<Record<string, unknown>>).filter((s) => s && s.type !== 'exception');
  // A VRP only from local exceptions (SLURM) has no trust anchor: it is the operator's own.
  if (sources.length === 0) return [{ asn: r.asn, prefix: r.prefix, maxLength: r.maxLength, ta: 'local', notBefore: null, notAfter: null }];
  const byTa = new Map<string, { notBefore: number | null; notAfter: number | null }>();
  for (const s of sources) {
    const v = (s.chainValidity ?? s.validity ?? {}) as Record<string, unknown>;
    const nb = seconds(v.notBefore, 'notBefore');
    const na = seconds(v.notAfter, 'notAfter');
    const ta = normaliseTa(s.tal);
    const prev = byTa.get(ta);
    if (!prev) byTa.set(ta, { notBefore: nb, notAfter: na });
    else {
      prev.notBefore = prev.notBefore === null || nb === null ? null : Math.min(prev.notBefore, nb);
      prev.notAfter = prev.notAfter === null || na === null ? null : Math.max(prev.notAfter, na);
    }
  }
  return [...byTa].map(([ta, v]) => ({ asn: r.asn, prefix: r.prefix, maxLength: r.maxLength, ta, notBefore: v.notBefore, notAfter: v.notAfter }));
}

function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') {
      if (quoted && line[i + 1] === '"') (cur += '"'), i++;
      else quoted = !quoted;
    } else if (c === ',' && !quoted) out.push(cur), (cur = '');
    else cur += c;
  }
  out.push(cur);
  return out;
}

function parseCsv(text: string, source: string): ParsedExport {
  const lines = text.split(/\r?\n/);
  const header = splitCsvLine(lines[0]).map((h) => h.trim().toLowerCase());
  const col = (name: string): number => header.indexOf(name);
  const [iUri, iAsn, iPrefix, iMax, iNb, iNa, iTa] = [col('uri'), col('asn'), col('ip prefix'), col('max length'), col('not before'), col('not after'), col('trust anchor')];
  if (iAsn < 0 || iPrefix < 0) throw new VrpFormatError(`${source}: CSV header without ASN and IP Prefix columns`);
  const fileTa = taOfSource(source);
  const rows: Array<RowFields | BadRow> = [];
  for (let n = 1; n < lines.length; n++) {
    const line = lines[n];
    if (!line.trim()) continue;
    try {
      const f = splitCsvLine(line);
      if (f.length < header.length) throw new BadRow(`line ${n + 1}: ${f.length} fields, the header has ${header.length}`);
      const ta = iTa >= 0 ? normaliseTa(f[iTa]) : (fileTa ?? (iUri >= 0 ? taOfUri(f[iUri]) : null) ?? 'unknown');
      rows.push({
        asn: f[iAsn].trim(),
        prefix: f[iPrefix].trim(),
        maxLength: iMax >= 0 ? f[iMax].trim() : undefined,
        ta,
        notBefore: iNb >= 0 ? seconds(f[iNb], `line ${n + 1} Not Before`) : null,
        notAfter: iNa >= 0 ? seconds(f[iNa], `line ${n + 1} Not After`) : null,
      });
    } catch (err) {
      rows.push(err instanceof BadRow ? err : new BadRow(`line ${n + 1}: ${String(err)}`));
    }
  }
  return { format: 'ripe-csv', builtAt: null, rows };
}
