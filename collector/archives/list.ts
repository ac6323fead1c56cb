/**
 * The archive files of some collectors over a time range, read from the archives' own folder
 * pages (no index service in between): what `portolan archives` prints for `ingest` to read.
 *
 * Range [from, until): an updates file is listed when the messages it holds (from the time in its
 * name until its collector's next file, at most UPDATES_SPAN_MAX) overlap the range, a RIB dump
 * when its time is in it. With `ribFirst`,
 * each collector's list starts with its last RIB dump at or before `from`, and its updates files
 * from that dump's time on: the files that rebuild the routing state as it was at `from`, as
 * BGPStream and bgpkit-broker's snapshot lists do. Files come in time order, a RIB dump before
 * the updates file of the same time. With `ribEvery`, only the first RIB dump of each period of
 * that length is listed (one a day, say: what `index backfill` reads, a snapshot a day). Periods
 * are counted from 1970-01-01 UTC, whatever `from`: a day is a UTC day, as `index backfill`
 * groups files by the date in their names (periods from a `from` at 04:00 held two dates each:
 * a day without dumps after 04:00 got none, and the next day two).
 */
import { addMonths, DEFAULT_ARCHIVE_BASES, fileOf, monthFolders, monthOf, monthsBetween, projectOf, UPDATES_SPAN_MAX } from './layout.js';
import type { ArchiveFile, ArchiveListing, ArchiveProject, DumpKind } from './models.js';
import { fileLinks, linkName } from './index-page.js';
import { pageFetcher, type PageFetcher } from './fetch-page.js';

export interface ListOptions {
  collectors: readonly string[];
  /** Seconds since 1970; `from` < `until`. */
  from: number;
  until: number;
  /** The kinds of file listed in the range. */
  kinds: readonly DumpKind[];
  ribFirst?: boolean;
  /** Seconds: of each collector's RIB dumps in the range, only the first in each period this long, counted from 1970-01-01 UTC (86400: one a UTC day). */
  ribEvery?: number;
  /** Archive roots (a mirror, a test server), without a trailing slash. */
  bases?: Partial<Record<ArchiveProject, string>>;
  fetchPage?: PageFetcher;
  /** Folder pages fetched at once. */
  concurrency?: number;
}

/** Thrown for what the user asked that no archive can answer (an unknown collector, no RIB dump to start from). */
export class ArchiveListError extends Error {}

interface Folder {
  files: ArchiveFile[];
  absent: boolean;
  unrecognized: number;
}

export async function listArchives(opts: ListOptions): Promise<ArchiveListing> {
  if (!(opts.from < opts.until)) throw new ArchiveListError('the range is empty: --from must be before --until');
  if (opts.ribEvery !== undefined && !(opts.ribEvery > 0 && opts.kinds.includes('rib'))) throw new ArchiveListError('--every picks RIB dumps, at most one in each period: give a length of time over 0, with --type rib or all');
  if (opts.ribFirst && !opts.kinds.includes('updates')) throw new ArchiveListError('--rib-first lists updates files after the RIB dump: list updates too (--type updates or all)');
  const unknown = opts.collectors.find((c) => !projectOf(c));
  if (unknown !== undefined) throw new ArchiveListError(`${JSON.stringify(unknown)} is no RIS or RouteViews collector (rrc00…rrc26, route-views2, route-views.linx…)`);
  const fetchPage = limited(opts.concurrency ?? 4, opts.fetchPage ?? pageFetcher());
  // Each folder is read once, whichever collector step asks for it first.
  const folders = new Map<string, Promise<Folder>>();
  const readFolder = (url: string, project: ArchiveProject, collector: string): Promise<Folder> => {
    let folder = folders.get(url);
    if (!folder) folders.set(url, (folder = fetchPage(url).then((page) => parseFolder(page, project, collector))));
    return folder;
  };
  const perCollector = await Promise.all(opts.collectors.map((collector) => listCollector(collector, opts, readFolder)));
  const read = await Promise.all(folders.values());
  const byUrl = new Map<string, ArchiveFile>();
  for (const file of perCollector.flat()) byUrl.set(file.url, file);
  return {
    files: [...byUrl.values()].sort(fileOrder),
    folders: read.filter((f) => !f.absent).length,
    absent: [...folders.keys()].filter((_, i) => read[i].absent),
    unrecognized: read.reduce((n, f) => n + f.unrecognized, 0),
  };
}

type ReadFolder = (url: string, project: ArchiveProject, collector: string) => Promise<Folder>;

async function listCollector(collector: string, opts: ListOptions, readFolder: ReadFolder): Promise<ArchiveFile[]> {
  const project = projectOf(collector)!;
  const base = (opts.bases?.[project] ?? DEFAULT_ARCHIVE_BASES[project]).replace(/\/+$/, '');
  const filesOf = async (month: string, kinds: readonly DumpKind[]): Promise<ArchiveFile[]> => {
    const read = await Promise.all(monthFolders(project, base, collector, month, kinds).map((f) => readFolder(f.url, project, collector)));
    return read.flatMap((f) => f.files).filter((f) => kinds.includes(f.kind));
  };
  const listed: ArchiveFile[] = [];
  let start = opts.from;
  if (opts.ribFirst) {
    const rib = await lastRibAtOrBefore(opts.from, filesOf);
    if (!rib) {
      const months = [monthOf(opts.from), addMonths(monthOf(opts.from), -1)].join(' or ');
      throw new ArchiveListError(`no RIB dump of ${collector} at or before ${new Date(opts.from * 1000).toISOString()} in ${months}: nothing to start the routing state from`);
    }
    listed.push(rib);
    start = rib.time;
  }
  // An updates file of the month before may hold the range's first seconds.
  const first = opts.kinds.includes('updates') ? start - UPDATES_SPAN_MAX : opts.from;
  const files = (await Promise.all(monthsBetween(first, opts.until - 1).map((month) => filesOf(month, opts.kinds)))).flat();
  const updates = files.filter((f) => f.kind === 'updates').sort((a, b) => a.time - b.time);
  let next = Infinity; // the time of the next file with a later time
  for (let i = updates.length - 1; i >= 0; i--) {
    if (i + 1 < updates.length && updates[i + 1].time > updates[i].time) next = updates[i + 1].time;
    const end = Math.min(next, updates[i].time + UPDATES_SPAN_MAX);
    if (updates[i].time < opts.until && end > start) listed.push(updates[i]);
  }
  /** Of the RIB dumps, the period each is in (with ribEvery), and the first dump taken in it. */
  const periods = new Map<number, ArchiveFile>();
  for (const file of files) {
    if (file.kind !== 'rib' || file.time < opts.from || file.time >= opts.until) continue;
    if (!opts.ribEvery) listed.push(file);
    else {
      const period = Math.floor(file.time / opts.ribEvery);
      const first = periods.get(period);
      if (!first || fileOrder(file, first) < 0) periods.set(period, file);
    }
  }
  return [...listed, ...periods.values()];
}

/** The last RIB dump at or before `time`, in its month or the month before (RIS dumps every 8 hours, RouteViews every 2). */
async function lastRibAtOrBefore(time: number, filesOf: (month: string, kinds: readonly DumpKind[]) => Promise<ArchiveFile[]>): Promise<ArchiveFile | null> {
  for (const month of [monthOf(time), addMonths(monthOf(time), -1)]) {
    const ribs = (await filesOf(month, ['rib'])).filter((f) => f.time <= time);
    if (ribs.length) return ribs.reduce((a, b) => (fileOrder(a, b) >= 0 ? a : b));
  }
  return null;
}

function parseFolder(page: { html: string; url: string } | null, project: ArchiveProject, collector: string): Folder {
  if (page === null) return { files: [], absent: true, unrecognized: 0 };
  const files: ArchiveFile[] = [];
  let unrecognized = 0;
  for (const link of fileLinks(page.html, page.url)) {
    const named = fileOf(linkName(link));
    if (named) files.push({ url: link, project, collector, ...named });
    else unrecognized++;
  }
  return { files, absent: false, unrecognized };
}

/** Time, then a RIB dump before an updates file, then collector and URL: one order whatever the pages' order. */
function fileOrder(a: ArchiveFile, b: ArchiveFile): number {
  return a.time - b.time || (a.kind === b.kind ? 0 : a.kind === 'rib' ? -1 : 1) || cmp(a.collector, b.collector) || cmp(a.url, b.url);
}
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** `fn` with at most `limit` calls running at once; a call that ends hands its slot to the next waiting. */
function limited<A, R>(limit: number, fn: (arg: A) => Promise<R>): (arg: A) => Promise<R> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (arg) => {
    if (running < limit) running++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await fn(arg);
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
