/** `portolan archives`: what the declaration in archives.ts runs. */
import { ArchiveListError, listArchives } from '../../collector/archives/list.js';
import type { ArchiveFile, ArchiveListing, DumpKind } from '../../collector/archives/models.js';
import { BufferedWriter } from '../../collector/text/buffered-writer.js';
import { parseDuration, parseTime, TimeParseError } from '../../common/time.js';
import { action } from '../action.js';
import { UsageError } from '../errors.js';

interface ArchivesOptions {
  collector: string[];
  from: string;
  until?: string;
  type: 'updates' | 'rib' | 'all';
  ribFirst?: boolean;
  every?: string;
  json?: boolean;
  risArchive: string;
  routeviewsArchive: string;
}

const KINDS: Record<ArchivesOptions['type'], DumpKind[]> = { updates: ['updates'], rib: ['rib'], all: ['rib', 'updates'] };

export const archives = action(
  async (opts: ArchivesOptions) => {
    const now = Date.now() / 1000;
    const parsed = <T>(parse: () => T): T => {
      try {
        return parse();
      } catch (err) {
        throw err instanceof TimeParseError ? new UsageError(err.message) : err;
      }
    };
    const time = (text: string, name: string): number => parsed(() => parseTime(text, { now, name }));
    let listing: ArchiveListing;
    try {
      listing = await listArchives({
        collectors: [...new Set(opts.collector)],
        from: time(opts.from, '--from'),
        until: opts.until === undefined ? now : time(opts.until, '--until'),
        kinds: KINDS[opts.type],
        ribFirst: opts.ribFirst,
        ribEvery: opts.every === undefined ? undefined : parsed(() => parseDuration(opts.every, { name: '--every' })),
        bases: { ris: opts.risArchive, routeviews: opts.routeviewsArchive },
      });
    } catch (err) {
      throw err instanceof ArchiveListError ? new UsageError(err.message) : err;
    }
    const out = new BufferedWriter(process.stdout);
    const line = (f: ArchiveFile): string =>
      opts.json ? JSON.stringify({ url: f.url, project: f.project, collector: f.collector, type: f.kind, time: new Date(f.time * 1000).toISOString() }) : f.url;
    await out.write(Buffer.from(listing.files.map((f) => `${line(f)}\n`).join('')));
    await out.end();
    process.stderr.write(`${summary(listing)}\n`);
  },
  { exitWhenDone: true },
);

/** One line for stderr: what was listed and what the folders held besides. */
export function summary(listing: ArchiveListing): string {
  const ribs = listing.files.filter((f) => f.kind === 'rib').length;
  const collectors = new Set(listing.files.map((f) => f.collector)).size;
  const parts = [
    `${count(listing.files.length, 'file')} (${count(ribs, 'RIB dump')}, ${count(listing.files.length - ribs, 'updates file')}) of ${count(collectors, 'collector')}, from ${count(listing.folders, 'folder page')}`,
  ];
  const absent = listing.absent;
  if (absent.length) parts.push(`${count(absent.length, 'folder')} absent from the archive (${absent.slice(0, 3).join(', ')}${absent.length > 3 ? ', …' : ''})`);
  if (listing.unrecognized) parts.push(`${count(listing.unrecognized, 'other link')} skipped`);
  return `archives: ${parts.join('; ')}`;
}

const count = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;
