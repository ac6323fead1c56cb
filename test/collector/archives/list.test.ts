/**
 * Listing archive files from a local mirror served over HTTP with real index pages (Apache and
 * nginx styles): folders across month and year ends, months a collector lacks, links that are no
 * archive file, RIB dumps to start from, retries and errors. The files are empty: a listing reads
 * names only (test/cli/archives.test.ts ingests what it lists).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageFetcher } from '../../../collector/archives/fetch-page.js';
import { ArchiveListError, listArchives, type ListOptions } from '../../../collector/archives/list.js';
import type { ArchiveFile, DumpKind } from '../../../collector/archives/models.js';
import { fileServer } from '../../helpers/http.js';
import { makeTmpDir } from '../../helpers/tmp.js';

const t = (iso: string): number => Date.parse(iso) / 1000;
const stamp = (s: number): string => new Date(s * 1000).toISOString().replace(/[-:]/g, '').replace('T', '.').slice(0, 13);
const month = (s: number): string => new Date(s * 1000).toISOString().slice(0, 7).replace('-', '.');

interface Made {
  collector: string;
  kind: DumpKind;
  time: number;
  /** Path under the mirror's root. */
  path: string;
}

const made: Made[] = [];
const root = makeTmpDir('archives-list');
const put = (path: string): void => {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), '');
};
/** Files every `step` seconds in [from, until) of a collector's archive. */
function fill(collector: string, kind: DumpKind, from: string, until: string, step: number): void {
  for (let s = t(from); s < t(until); s += step) {
    const ris = collector.startsWith('rrc');
    const name = `${kind === 'rib' ? (ris ? 'bview' : 'rib') : 'updates'}.${stamp(s)}.${ris ? 'gz' : 'bz2'}`;
    const folder = ris ? `ris/${collector}/${month(s)}` : `rv/${collector === 'route-views2' ? '' : `${collector}/`}bgpdata/${month(s)}/${kind === 'rib' ? 'RIBS' : 'UPDATES'}`;
    put(`${folder}/${name}`);
    made.push({ collector, kind, time: s, path: `${folder}/${name}` });
  }
}
// rrc00 across a month end; rrc01 only from 2016-08-01 06:00 (its 2016.07 folder is absent).
fill('rrc00', 'rib', '2016-07-30T00:00Z', '2016-08-03T00:00Z', 8 * 3600);
fill('rrc00', 'updates', '2016-07-30T00:00Z', '2016-08-03T00:00Z', 300);
fill('rrc01', 'rib', '2016-08-01T08:00Z', '2016-08-02T00:00Z', 8 * 3600);
fill('rrc01', 'updates', '2016-08-01T06:00Z', '2016-08-02T00:00Z', 300);
// RouteViews: route-views.linx every 2 hours and 15 minutes; route-views2's August dumps begin at 04:00.
fill('route-views.linx', 'rib', '2016-08-01T00:00Z', '2016-08-02T00:00Z', 2 * 3600);
fill('route-views.linx', 'updates', '2016-08-01T00:00Z', '2016-08-02T00:00Z', 900);
fill('route-views2', 'rib', '2016-07-31T22:00Z', '2016-07-31T23:00Z', 2 * 3600);
fill('route-views2', 'rib', '2016-08-01T04:00Z', '2016-08-02T00:00Z', 2 * 3600);
fill('route-views2', 'updates', '2016-07-31T20:00Z', '2016-08-02T00:00Z', 900);
// rrc03 as RIS wrote in its early years: a file every 15 minutes, and an outage from 06:00 to 12:00.
fill('rrc03', 'updates', '2005-03-01T00:00Z', '2005-03-01T06:00Z', 900);
fill('rrc03', 'updates', '2005-03-01T12:00Z', '2005-03-01T13:00Z', 900);
// Links that are no archive file.
put('ris/rrc00/2016.08/updates.20160801.0000.gz.md5');
put('ris/rrc00/2016.08/latest-update.gz');

/** Where a made updates file's messages end: at its collector's next file, at most 15 minutes on. */
const endOf = (m: Made): number => Math.min(m.time + 900, ...made.filter((x) => x.collector === m.collector && x.kind === 'updates' && x.time > m.time).map((x) => x.time));
/** What a listing must hold, from the files made (the rule of collector/archives/list.ts, stated again). */
function expected(opts: { collectors: string[]; from: number; until: number; kinds: DumpKind[]; ribFirst?: boolean }): string[] {
  const out: Made[] = [];
  for (const collector of opts.collectors) {
    const mine = made.filter((m) => m.collector === collector);
    let start = opts.from;
    if (opts.ribFirst) {
      const rib = mine.filter((m) => m.kind === 'rib' && m.time <= opts.from).sort((a, b) => b.time - a.time)[0];
      out.push(rib);
      start = rib.time;
    }
    for (const m of mine) {
      if (!opts.kinds.includes(m.kind)) continue;
      if (m.kind === 'rib' ? m.time >= opts.from && m.time < opts.until : m.time < opts.until && endOf(m) > start) out.push(m);
    }
  }
  const unique = [...new Map(out.map((m) => [m.path, m])).values()];
  unique.sort((a, b) => a.time - b.time || (a.kind === b.kind ? 0 : a.kind === 'rib' ? -1 : 1) || a.collector.localeCompare(b.collector) || a.path.localeCompare(b.path));
  return unique.map((m) => m.path);
}

describe('listing archive files', () => {
  let apache: Awaited<ReturnType<typeof fileServer>>;
  let nginx: Awaited<ReturnType<typeof fileServer>>;
  beforeAll(async () => {
    apache = await fileServer(root, { ranges: true, index: 'apache' });
    nginx = await fileServer(root, { ranges: true, index: 'nginx' });
  });
  afterAll(async () => {
    await apache?.close();
    await nginx?.close();
  });
  const list = (server: typeof apache, opts: Omit<ListOptions, 'bases'>) => listArchives({ ...opts, bases: { ris: `${server.base}/ris`, routeviews: `${server.base}/rv/` } });
  const paths = (server: typeof apache, files: ArchiveFile[]): string[] => files.map((f) => f.url.slice(server.base.length + 1));

  it('lists updates files across a month end from both kinds of index page, in time order', async () => {
    const opts = { collectors: ['rrc00', 'route-views.linx', 'route-views2'], from: t('2016-07-31T23:00Z'), until: t('2016-08-01T01:00Z'), kinds: ['updates' as const] };
    for (const server of [apache, nginx]) {
      const listing = await list(server, opts);
      expect(paths(server, listing.files)).toEqual(expected(opts));
      // 24 of rrc00 (23:00…00:55), 4 of route-views.linx (August only), 8 of route-views2.
      expect(listing.files.map((f) => f.collector).sort()).toEqual([...Array(8).fill('route-views.linx').slice(0, 4), ...Array(8).fill('route-views2'), ...Array(24).fill('rrc00')].sort());
      expect(listing.files.find((f) => f.collector === 'rrc00')).toEqual({ url: `${server.base}/ris/rrc00/2016.07/updates.20160731.2300.gz`, project: 'ris', collector: 'rrc00', kind: 'updates', time: t('2016-07-31T23:00Z') });
      // route-views.linx has no July: absent, not an error.
      expect(listing.absent).toEqual([`${server.base}/rv/route-views.linx/bgpdata/2016.07/UPDATES/`]);
      expect(listing.folders).toBe(5);
      expect(listing.unrecognized).toBe(2);
    }
  });

  it('takes an updates file whose messages overlap the range, and no RIB dump outside it', async () => {
    const opts = { collectors: ['rrc00', 'route-views.linx'], from: t('2016-08-01T08:07Z'), until: t('2016-08-01T08:20:30Z'), kinds: ['rib', 'updates'] as DumpKind[] };
    const listing = await list(apache, opts);
    expect(paths(apache, listing.files)).toEqual(expected(opts));
    expect(paths(apache, listing.files)).toEqual([
      'rv/route-views.linx/bgpdata/2016.08/UPDATES/updates.20160801.0800.bz2',
      'ris/rrc00/2016.08/updates.20160801.0805.gz',
      'ris/rrc00/2016.08/updates.20160801.0810.gz',
      'rv/route-views.linx/bgpdata/2016.08/UPDATES/updates.20160801.0815.bz2',
      'ris/rrc00/2016.08/updates.20160801.0815.gz',
      'ris/rrc00/2016.08/updates.20160801.0820.gz',
    ]);
  });

  it('takes an updates file to run until its collector\'s next one (15 minutes in RIS\'s early years), at most 15 minutes over a gap', async () => {
    const names = async (from: string, until: string) => {
      const opts = { collectors: ['rrc03'], from: t(from), until: t(until), kinds: ['updates'] as DumpKind[] };
      const got = paths(apache, (await list(apache, opts)).files);
      expect(got).toEqual(expected(opts));
      return got.map((p) => p.slice(p.lastIndexOf('/') + 1));
    };
    // From 10 minutes into the 00:00 file: it holds the range's first 5 minutes (a 5-minute span would leave them out).
    expect(await names('2005-03-01T00:10Z', '2005-03-01T00:20Z')).toEqual(['updates.20050301.0000.gz', 'updates.20050301.0015.gz']);
    // In the outage: the last file before it ends 15 minutes on, not at the next file six hours later.
    expect(await names('2005-03-01T08:00Z', '2005-03-01T12:10Z')).toEqual(['updates.20050301.1200.gz']);
    expect(await names('2005-03-01T06:10Z', '2005-03-01T06:20Z')).toEqual([]);
    expect(await names('2005-03-01T05:50Z', '2005-03-01T06:20Z')).toEqual(['updates.20050301.0545.gz']);
  });

  it('starts each collector from its last RIB dump at or before --from, in the month before where need be', async () => {
    const opts = { collectors: ['rrc00', 'route-views2', 'route-views.linx'], from: t('2016-08-01T03:00Z'), until: t('2016-08-01T04:00Z'), kinds: ['updates'] as DumpKind[], ribFirst: true };
    const listing = await list(nginx, opts);
    expect(paths(nginx, listing.files)).toEqual(expected(opts));
    expect(listing.files.filter((f) => f.kind === 'rib').map((f) => f.url.slice(nginx.base.length + 1))).toEqual([
      'rv/bgpdata/2016.07/RIBS/rib.20160731.2200.bz2',
      'ris/rrc00/2016.08/bview.20160801.0000.gz',
      'rv/route-views.linx/bgpdata/2016.08/RIBS/rib.20160801.0200.bz2',
    ]);
    // Each collector's updates begin at its dump: route-views2's at 22:00 the day before.
    expect(listing.files.filter((f) => f.collector === 'route-views2')[1].url).toMatch(/\/rv\/bgpdata\/2016\.07\/UPDATES\/updates\.20160731\.2200\.bz2$/);
    // A dump at --from itself is the one to start from, listed once.
    const at = { ...opts, collectors: ['rrc00'], from: t('2016-08-01T08:00Z'), kinds: ['rib', 'updates'] as DumpKind[] };
    expect(paths(nginx, (await list(nginx, { ...at, until: t('2016-08-01T08:10Z') })).files)).toEqual(['ris/rrc00/2016.08/bview.20160801.0800.gz', 'ris/rrc00/2016.08/updates.20160801.0800.gz', 'ris/rrc00/2016.08/updates.20160801.0805.gz']);
  });

  it("follows a folder page's redirect, and takes its links from where it landed", async () => {
    const redirecting = createServer((req, res) => void res.writeHead(301, { location: `${apache.base}/ris${req.url}` }).end());
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}`;
      const opts = { collectors: ['rrc00'], from: t('2016-08-01T00:00Z'), until: t('2016-08-01T00:10Z'), kinds: ['updates'] as DumpKind[] };
      const listing = await listArchives({ ...opts, bases: { ris: base } });
      expect(listing.files.map((f) => f.url)).toEqual([`${apache.base}/ris/rrc00/2016.08/updates.20160801.0000.gz`, `${apache.base}/ris/rrc00/2016.08/updates.20160801.0005.gz`]);
    } finally {
      redirecting.closeAllConnections();
      await new Promise<void>((resolve) => redirecting.close(() => resolve()));
    }
  });

  it('with ribEvery, lists only the first RIB dump of each period, periods counted from 1970 (UTC days), whatever --from', async () => {
    const names = async (from: string, every: number) =>
      paths(apache, (await list(apache, { collectors: ['rrc00'], from: t(from), until: t('2016-08-03T00:00Z'), kinds: ['rib'], ribEvery: every })).files).map((p) => p.slice(p.lastIndexOf('/') + 1));
    // From 04:00: the rest of that day, then whole UTC days (periods from --from would take every 08:00 dump).
    expect(await names('2016-07-30T04:00Z', 86_400)).toEqual(['bview.20160730.0800.gz', 'bview.20160731.0000.gz', 'bview.20160801.0000.gz', 'bview.20160802.0000.gz']);
    expect(await names('2016-08-02T00:00Z', 12 * 3600)).toEqual(['bview.20160802.0000.gz', 'bview.20160802.1600.gz']);
    expect(await names('2016-08-02T04:00Z', 12 * 3600)).toEqual(['bview.20160802.0800.gz', 'bview.20160802.1600.gz']);
  });

  it('refuses what no archive can answer', async () => {
    const base = { from: t('2016-08-01T05:00Z'), until: t('2016-08-01T06:00Z'), kinds: ['updates'] as DumpKind[] };
    await expect(list(apache, { ...base, collectors: ['rrc01'], ribFirst: true })).rejects.toThrow(new ArchiveListError('no RIB dump of rrc01 at or before 2016-08-01T05:00:00.000Z in 2016.08 or 2016.07: nothing to start the routing state from'));
    await expect(list(apache, { ...base, collectors: ['rrc00', 'isolario'] })).rejects.toThrow(/"isolario" is no RIS or RouteViews collector/);
    await expect(list(apache, { ...base, collectors: ['rrc00'], until: base.from })).rejects.toThrow(/the range is empty/);
    await expect(list(apache, { ...base, collectors: ['rrc00'], kinds: ['rib'], ribFirst: true })).rejects.toThrow(/list updates too/);
    await expect(list(apache, { ...base, collectors: ['rrc00'], ribEvery: 86_400 })).rejects.toThrow(/--every picks RIB dumps/);
    await expect(list(apache, { ...base, collectors: ['rrc00'], kinds: ['rib'], ribEvery: 0 })).rejects.toThrow(/a length of time over 0/);
    // A collector with nothing in the range lists nothing.
    expect((await list(apache, { ...base, collectors: ['rrc01'] })).files).toEqual([]);
  });

  it('tries a folder page again after dropped connections, and names the page when it gives up', async () => {
    const resetting = await fileServer(root, { ranges: true, index: 'apache', resets: 3 });
    const errors = createServer((req, res) => void res.writeHead(req.url?.includes('2016.07') ? 403 : 503).end());
    await new Promise<void>((resolve) => errors.listen(0, '127.0.0.1', resolve));
    const errorsBase = `http://127.0.0.1:${(errors.address() as AddressInfo).port}`;
    try {
      const fetchPage = pageFetcher({ policy: { attempts: 3, initialDelayMs: 5, maxDelayMs: 10 } });
      const opts = { collectors: ['rrc00'], from: t('2016-08-01T00:00Z'), until: t('2016-08-01T00:10Z'), kinds: ['updates'] as DumpKind[], fetchPage };
      expect(paths(resetting, (await list(resetting, opts)).files)).toEqual(['ris/rrc00/2016.08/updates.20160801.0000.gz', 'ris/rrc00/2016.08/updates.20160801.0005.gz']);
      // Two pages (July and August), the first three connections dropped.
      expect(resetting.requests()).toBe(5);
      const failed = (collector: string, from: string) => listArchives({ ...opts, collectors: [collector], from: t(from), until: t(from) + 600, bases: { ris: errorsBase }, concurrency: 1 }).catch((err: Error) => err.message);
      expect(await failed('rrc00', '2016-07-15T00:00Z')).toBe(`${errorsBase}/rrc00/2016.07/: HTTP 403 Forbidden (after 1 attempt)`);
      expect(await failed('rrc00', '2016-08-15T00:00Z')).toBe(`${errorsBase}/rrc00/2016.08/: HTTP 503 Service Unavailable (after 3 attempts)`);
    } finally {
      await resetting.close();
      errors.closeAllConnections();
      await new Promise<void>((resolve) => errors.close(() => resolve()));
    }
  });
});
