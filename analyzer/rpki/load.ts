/**
 * Loads a VRP export from a file or URL (any of the formats in formats.ts, gzip or bzip2 too)
 * into a VrpIndex. Rows that cannot be read, and ROAs outside their validity, are counted and
 * logged, never used; a file that cannot be read at all, or yields no VRP, is an error (the
 * feed then keeps its last good set).
 */
import { log } from '../../common/log.js';
import type { Vrp, VrpLoadStats } from '../models/rpki.js';
import { readText } from '../registry/read-text.js';
import { parseVrpText, VrpFormatError } from './formats.js';
import { VrpIndex } from './vrp-index.js';
import { BadRow, toVrp } from './vrp-row.js';

export class VrpLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VrpLoadError';
  }
}

export interface VrpLoadOptions {
  /** Seconds since 1970 against which validity is checked (default: now). */
  now?: number;
}

/** `--rpki A,B`: the files or URLs, merged into one VRP set. */
export const vrpSources = (text: string): string[] => text.split(',').map((s) => s.trim()).filter(Boolean);

/** Bad rows logged one by one before only the count is kept. */
const LOGGED_ROWS = 5;

/**
 * One source, or several merged into one index (RIPE NCC archives one CSV per trust anchor).
 * Any source failing fails the load: a partial set would make covered routes look not-found.
 */
export async function loadVrps(sources: string | readonly string[], opts: VrpLoadOptions = {}): Promise<VrpIndex> {
  const list = typeof sources === 'string' ? [sources] : sources;
  if (list.length === 0) throw new VrpLoadError('no RPKI VRP source given');
  const now = opts.now ?? Date.now() / 1000;
  const parts = await Promise.all(list.map(async (s) => readVrps(s, await readSource(s), now)));
  if (parts.length === 1) return new VrpIndex(parts[0].vrps, parts[0].stats);
  const stats: VrpLoadStats = { ...parts[0].stats, source: list.join(','), builtAt: null };
  for (const p of parts.slice(1)) {
    for (const k of ['rows', 'vrps', 'malformed', 'expired', 'notYetValid'] as const) stats[k] += p.stats[k];
    if (p.stats.format !== stats.format) stats.format = p.stats.format;
  }
  return new VrpIndex(parts.flatMap((p) => p.vrps), stats);
}

async function readSource(source: string): Promise<string> {
  let text: string;
  try {
    text = await readText(source);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    throw new VrpLoadError(`RPKI VRP file ${source} cannot be read: ${why}`);
  }
  return text;
}

export function vrpIndexFromText(text: string, source: string, opts: VrpLoadOptions = {}): VrpIndex {
  const { vrps, stats } = readVrps(source, text, opts.now ?? Date.now() / 1000);
  return new VrpIndex(vrps, stats);
}

function readVrps(source: string, text: string, now: number): { vrps: Vrp[]; stats: VrpLoadStats } {
  let parsed;
  try {
    parsed = parseVrpText(text, source);
  } catch (err) {
    if (err instanceof VrpFormatError) throw new VrpLoadError(`RPKI VRP file ${err.message}`);
    throw err;
  }
  const stats: VrpLoadStats = { source, format: parsed.format, rows: parsed.rows.length, vrps: 0, malformed: 0, expired: 0, notYetValid: 0, builtAt: parsed.builtAt, loadedAt: now };
  const vrps: Vrp[] = [];
  for (const row of parsed.rows) {
    let vrp: Vrp;
    try {
      if (row instanceof BadRow) throw row;
      vrp = toVrp(row);
    } catch (err) {
      if (++stats.malformed <= LOGGED_ROWS) log.warn({ source, err: (err as Error).message }, 'VRP row skipped: malformed');
      continue;
    }
    if (vrp.notAfter !== null && vrp.notAfter < now) {
      if (++stats.expired <= LOGGED_ROWS) log.warn({ source, prefix: `${row instanceof BadRow ? '' : String(row.prefix)}`, asn: vrp.asn, notAfter: new Date(vrp.notAfter * 1000).toISOString() }, 'VRP skipped: its ROA has expired');
      continue;
    }
    if (vrp.notBefore !== null && vrp.notBefore > now) {
      stats.notYetValid++;
      continue;
    }
    vrps.push(vrp);
  }
  stats.vrps = vrps.length;
  if (stats.malformed || stats.expired || stats.notYetValid) log.warn({ ...stats }, 'VRP rows left out (malformed, expired or not yet valid)');
  if (vrps.length === 0) {
    throw new VrpLoadError(
      `RPKI VRP file ${source} (${parsed.format}) has no usable VRP: ${stats.rows} rows, ${stats.malformed} malformed, ${stats.expired} expired, ${stats.notYetValid} not yet valid`,
    );
  }
  return { vrps, stats };
}
