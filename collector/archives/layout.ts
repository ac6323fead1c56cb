/**
 * How the archives lay out their files (the folders of one month, the names of the files), and
 * what each updates file spans. Text only: nothing here is fetched.
 *   RIS:        <base>/rrc00/2024.01/bview.20240101.0000.gz, …/updates.20240101.0000.gz
 *   RouteViews: <base>/route-views.linx/bgpdata/2024.01/RIBS/rib.20240101.0000.bz2,
 *               …/UPDATES/updates.20240101.0000.bz2; route-views2 has no folder of its own
 *               (<base>/bgpdata/2024.01/…).
 */
import type { ArchiveProject, DumpKind } from './models.js';

export const DEFAULT_ARCHIVE_BASES: Readonly<Record<ArchiveProject, string>> = {
  ris: 'https://data.ris.ripe.net',
  routeviews: 'https://archive.routeviews.org',
};

/**
 * The longest an updates file's messages run past the time in its name. RouteViews writes one
 * every 15 minutes; RIS every 5 now, and every 15 in its early years (the RIS files of 2000, 2002
 * and 2007 in shared data span 891–899 s, those of 2010 and 2016 299 s). A file is taken to run
 * until its collector's next file, at most this long (a collector's outage leaves a gap).
 */
export const UPDATES_SPAN_MAX = 900;

/** A collector's name as the projects spell it: rrc00…, route-views2, route-views.linx, route-views2.saopaulo… */
const RIS_NAME = /^rrc\d{2,3}$/;
const ROUTE_VIEWS_NAME = /^route-views\d*(?:\.[a-z0-9]+)?$/;

/** The project a collector belongs to, from its name, or null for a name neither uses. */
export function projectOf(collector: string): ArchiveProject | null {
  if (RIS_NAME.test(collector)) return 'ris';
  if (ROUTE_VIEWS_NAME.test(collector)) return 'routeviews';
  return null;
}

/** One folder of an archive month and the kinds of file it holds. */
export interface MonthFolder {
  url: string;
  kinds: readonly DumpKind[];
}

/** `YYYY.MM`, the archives' month folder, of a time in seconds. */
export function monthOf(seconds: number): string {
  const d = new Date(seconds * 1000);
  return `${d.getUTCFullYear()}.${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The month folder `n` months after `month` (`YYYY.MM`; before it for a negative `n`). */
export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('.').map(Number);
  const i = y * 12 + m - 1 + n;
  return `${Math.floor(i / 12)}.${String((i % 12) + 1).padStart(2, '0')}`;
}

/** The month folders (`YYYY.MM`) from the one holding `from` to the one holding `until`, both included. */
export function monthsBetween(from: number, until: number): string[] {
  const last = monthOf(until);
  const months = [monthOf(from)];
  while (months[months.length - 1] < last) months.push(addMonths(months[months.length - 1], 1));
  return months;
}

/** The folders of `collector`'s month that hold files of `kinds`, under `base` (no trailing slash). */
export function monthFolders(project: ArchiveProject, base: string, collector: string, month: string, kinds: readonly DumpKind[]): MonthFolder[] {
  if (project === 'ris') return [{ url: `${base}/${collector}/${month}/`, kinds }];
  const root = collector === 'route-views2' ? `${base}/bgpdata` : `${base}/${collector}/bgpdata`;
  return kinds.map((kind) => ({ url: `${root}/${month}/${kind === 'rib' ? 'RIBS' : 'UPDATES'}/`, kinds: [kind] }));
}

const FILE_NAME = /^(bview|rib|updates)\.(\d{4})(\d{2})(\d{2})\.(\d{2})(\d{2})\.(?:gz|bz2)$/;

/** The kind and time of an archive file from its name (`bview.20240101.0800.gz`, `rib.20240101.0200.bz2`, `updates.…`), or null. */
export function fileOf(name: string): { kind: DumpKind; time: number } | null {
  const m = FILE_NAME.exec(name);
  if (!m) return null;
  const [, type, y, mo, d, h, mi] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi));
  // Date.UTC rolls 2024-02-30 over into March: such a name is no archive file.
  if (new Date(ms).toISOString().slice(0, 16) !== `${y}-${mo}-${d}T${h}:${mi}`) return null;
  return { kind: type === 'updates' ? 'updates' : 'rib', time: ms / 1000 };
}
