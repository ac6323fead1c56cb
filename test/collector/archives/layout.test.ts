import { describe, expect, it } from 'vitest';
import { addMonths, fileOf, monthFolders, monthOf, monthsBetween, projectOf } from '../../../collector/archives/layout.js';

const t = (iso: string): number => Date.parse(iso) / 1000;

describe('archive layout', () => {
  it('tells the project from the collector name, and refuses other names', () => {
    expect(['rrc00', 'rrc26', 'route-views2', 'route-views.linx', 'route-views2.saopaulo', 'route-views6'].map(projectOf)).toEqual(['ris', 'ris', 'routeviews', 'routeviews', 'routeviews', 'routeviews']);
    for (const name of ['rrc', 'rrc1', 'RRC00', 'routeviews2', 'route-views.', 'rrc00/..', '', 'bgpdata']) expect(projectOf(name), name).toBeNull();
  });

  it("lays out a month's folders as each archive does", () => {
    expect(monthFolders('ris', 'https://data.ris.ripe.net', 'rrc06', '2015.04', ['rib', 'updates'])).toEqual([{ url: 'https://data.ris.ripe.net/rrc06/2015.04/', kinds: ['rib', 'updates'] }]);
    expect(monthFolders('routeviews', 'https://archive.routeviews.org', 'route-views.jinx', '2015.04', ['rib', 'updates']).map((f) => f.url)).toEqual([
      'https://archive.routeviews.org/route-views.jinx/bgpdata/2015.04/RIBS/',
      'https://archive.routeviews.org/route-views.jinx/bgpdata/2015.04/UPDATES/',
    ]);
    // route-views2 is the archive's root collector: no folder of its own.
    expect(monthFolders('routeviews', 'https://archive.routeviews.org', 'route-views2', '2015.04', ['updates'])).toEqual([{ url: 'https://archive.routeviews.org/bgpdata/2015.04/UPDATES/', kinds: ['updates'] }]);
  });

  it('reads the kind and time from file names, and nothing from others', () => {
    expect(fileOf('bview.20020722.2337.gz')).toEqual({ kind: 'rib', time: t('2002-07-22T23:37:00Z') });
    expect(fileOf('rib.20140523.0600.bz2')).toEqual({ kind: 'rib', time: t('2014-05-23T06:00:00Z') });
    expect(fileOf('updates.19990903.1041.gz')).toEqual({ kind: 'updates', time: t('1999-09-03T10:41:00Z') });
    for (const name of ['updates.20240230.0000.gz', 'updates.20240101.2460.gz', 'updates.20240101.0000.gz.md5', 'updates.20100227.1600.first-796-records.gz', 'latest-bview.gz', 'updates.20240101.0000.xz', 'RIBS']) expect(fileOf(name), name).toBeNull();
  });

  it('lists the months of a range across a year end, both ends included', () => {
    expect(monthOf(t('2016-08-31T23:59:59Z'))).toBe('2016.08');
    expect(monthsBetween(t('2023-11-30T23:55:00Z'), t('2024-02-01T00:00:00Z'))).toEqual(['2023.11', '2023.12', '2024.01', '2024.02']);
    expect(monthsBetween(t('2024-01-05T00:00:00Z'), t('2024-01-06T00:00:00Z'))).toEqual(['2024.01']);
    expect([addMonths('2024.01', -1), addMonths('2024.10', -1), addMonths('2024.12', 1), addMonths('2024.03', 22)]).toEqual(['2023.12', '2024.09', '2025.01', '2026.01']);
  });
});
