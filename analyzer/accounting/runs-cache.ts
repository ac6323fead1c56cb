/**
 * A geo database's IPv4 runs (CountryRuns), kept in the cache folder's `prepared/` beside the
 * registry's space and keyed by the database file's content. Building them walks the whole IPv4
 * tree (~0.2 s on the default database, on the critical path when the registry comes from its
 * files); reading them back takes a few milliseconds. Exact: the same starts and countries
 * (test/analyzer/accounting/runs-cache.test.ts).
 */
import { createHash } from 'node:crypto';
import { decodeColumns, encodeColumns } from '../../common/columns-file.js';
import { log } from '../../common/log.js';
import type { GeoDatabase } from '../geo/index.js';
import type { CountryRuns } from '../models/geo.js';
import { preparedPath, readPrepared, writePrepared } from '../../common/prepared-files.js';

/** Bump when what is saved, or how the runs are computed, changes: older files are then never read. */
const FORMAT = 2;
/** Databases' runs kept in the folder (the oldest go). */
const KEEP = 4;

/** A header (JSON: the countries but the first, null), then the starts (Float64) and each run's country (Uint16). */
export function encodeRuns(runs: CountryRuns): Buffer {
  return encodeColumns({ format: FORMAT, countries: runs.codes.slice(1) }, [runs.starts, runs.country]);
}

/** The runs in a file written by encodeRuns, or null when it is not one of this format (or is cut short or damaged). */
export function decodeRuns(buf: Buffer): CountryRuns | null {
  const file = decodeColumns(buf);
  if (!file) return null;
  const header = file.header as { format: number; countries: string[] };
  const [starts, country] = file.columns;
  if (header.format !== FORMAT || !Array.isArray(header.countries) || !header.countries.every((cc) => typeof cc === 'string')) return null;
  if (file.columns.length !== 2 || !(starts instanceof Float64Array) || !(country instanceof Uint16Array) || starts.length < 1 || country.length !== starts.length) return null;
  const codes = [null, ...header.countries];
  for (let i = 0; i < country.length; i++) if (country[i] >= codes.length) return null;
  if (starts[0] !== 0) return null;
  return { starts, country, codes };
}

/** The cache file for this database: named by the content of its file (as the reader holds it: not read again). */
export function runsCachePath(geo: GeoDatabase, cacheDir: string): string {
  const h = createHash('sha1').update(`portolan ipv4 runs ${FORMAT}\n`).update(geo.reader.db);
  return preparedPath(cacheDir, `geo-runs-${h.digest('hex').slice(0, 32)}.bin`);
}

/**
 * Gives the database its IPv4 runs from the cache folder when this database's are there
 * (`cached`); else `save()` writes them once built (after the output: not on the build's path).
 */
export function usePreparedRuns(geo: GeoDatabase, cacheDir: string): { cached: boolean; save(): void } {
  const path = runsCachePath(geo, cacheDir);
  const buf = readPrepared(path);
  const runs = buf && decodeRuns(buf);
  if (runs) {
    geo.useIpv4Runs(runs);
    return { cached: true, save() {} };
  }
  if (buf) log.warn({ file: path }, 'prepared geo runs unreadable; walking the database');
  return { cached: false, save: () => writePrepared(path, () => encodeRuns(geo.ipv4Runs()), /^geo-runs-[0-9a-f]+\.bin$/, KEEP, 'prepared geo runs') };
}
