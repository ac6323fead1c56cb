/**
 * The HTML report and its data files, from a stored series of three days: the figures printed
 * match the index, the method names the filters and data versions, index.csv equals the stored
 * series, index.json round-trips; then `portolan report` end to end and its errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { INDEX_RIRS, type PortabilityIndex } from '../../analyzer/models/accounting.js';
import { openStore, type Store } from '../../analyzer/store/index.js';
import type { IndexSeriesRow } from '../../analyzer/store/portability.js';
import { publicIndex } from '../../analyzer/accounting/portability.js';
import { clientReader, readIndexSeries, readPortabilityIndex } from '../../analyzer/store/portability.js';

const readSeries = (client: Parameters<typeof clientReader>[0], range: { from?: string; to?: string }) => readIndexSeries(clientReader(client), range);
const readDay = async (client: Parameters<typeof clientReader>[0], date: string) => {
  const day = await readPortabilityIndex(clientReader(client), date);
  return day && publicIndex(day);
};
import { loadReportData } from '../../analyzer/report/load.js';
import { reportHtml } from '../../analyzer/report/html.js';
import { fmtCount, fmtShare } from '../../analyzer/report/format.js';
import { esc } from '../../analyzer/report/escape.js';
import { reportJson, seriesCsvRows, SERIES_COLUMNS } from '../../analyzer/report/series.js';
import type { ReportData } from '../../analyzer/report/types.js';
import { lineChart, shareTicks } from '../../analyzer/report/svg-chart.js';
import { reportRange } from '../../cli/commands/report.action.js';
import { DBIP_ATTRIBUTION } from '../../analyzer/geo/index.js';
import { runCli } from '../helpers/cli.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { DAYS, FILE_DATES, GEO_BUILD_DATE, GEO_TYPE, ODD_HOLDER, buildIndexes } from './fixture.js';
import { writePortabilityIndex } from '../../analyzer/store/portability.js';

const dir = makeTmpDir('report');
const db = join(dir, 'db');
let indexes: PortabilityIndex[];
let series: IndexSeriesRow[];
let data: ReportData;
let html: string;

/** The cells of one row of a figures table, as text (the short magnitude beneath a count left out). */
function rowCells(doc: string, family: 'ipv4' | 'ipv6', rir: string): string[] {
  const table = new RegExp(`<table class="figures" id="table-${family}">([\\s\\S]*?)</table>`).exec(doc)?.[1] ?? '';
  const row = new RegExp(`<tr class="${rir}" data-rir="${rir}">([\\s\\S]*?)</tr>`).exec(table)?.[1] ?? '';
  return [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => m[1].replace(/<small>[\s\S]*?<\/small>/g, '').trim());
}

const csvValue = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

describe('report from a stored series', () => {
  let store: Store;

  beforeAll(async () => {
    indexes = await buildIndexes(dir);
    store = await openStore({ db });
    await store.migrate();
    let t = Date.parse('2024-03-04T00:00:00Z');
    for (const index of indexes) await writePortabilityIndex(store.client, index, (t += 1000));
    series = await readSeries(store.client, {});
    data = (await loadReportData(store.client, {}, new Date('2024-03-04T08:00:00Z'))) as ReportData;
    html = reportHtml(data);
  }, 60_000);

  // The CLI tests below open the same store from another process.
  afterAll(async () => store?.close());

  it('loads every stored day, oldest first, and the series as stored', () => {
    expect(data.from).toBe('2024-03-01');
    expect(data.to).toBe('2024-03-03');
    expect(data.days.map((d) => d.date)).toEqual(DAYS.map((d) => d.date));
    expect(data.series).toEqual(series);
    expect(series).toHaveLength(3 * 2 * INDEX_RIRS.length);
    // Each row holds the figures of the index written for its day (readIndexSeries's shape).
    for (const row of series) {
      const index = indexes[DAYS.findIndex((d) => d.date === row.date)];
      const r = index[row.family === 4 ? 'ipv4' : 'ipv6'][row.rir];
      expect(row).toMatchObject({ source: 'files', routed: r.routed, geolocated: r.geolocated, in_region: r.in_region, out_of_region: r.out_of_region, share_out: r.share_out, prefixes: r.prefixes });
      expect([row.origin_same_rir, row.origin_other_rir, row.origin_unknown]).toEqual([r.by_origin.same_rir, r.by_origin.other_rir, r.by_origin.unknown]);
    }
  });

  it("prints the last day's figures per family and RIR, formatted as the index holds them", () => {
    const last = indexes[indexes.length - 1];
    for (const family of ['ipv4', 'ipv6'] as const) {
      for (const rir of INDEX_RIRS) {
        const r = last[family][rir];
        expect(rowCells(html, family, rir), `${family} ${rir}`).toEqual([
          fmtCount(r.routed),
          fmtCount(r.geolocated),
          fmtCount(r.in_region),
          fmtCount(r.out_of_region),
          fmtShare(r.share_out),
          fmtCount(r.prefixes.routed),
          fmtCount(r.prefixes.geolocated),
          fmtCount(r.prefixes.in_region),
          fmtCount(r.prefixes.out_of_region),
          fmtShare(r.prefixes.share_out),
          fmtShare(r.by_origin.share_other),
        ]);
      }
    }
    // The fixture is what it says: AFRINIC space used in HK and the US, thousands separators.
    expect(last.ipv4.afrinic.routed).toBe(3 * 65536);
    expect(rowCells(html, 'ipv4', 'afrinic')[0]).toBe('196,608');
    expect(last.ipv4.afrinic.share_out).toBeCloseTo((65536 + 32768) / (3 * 65536));
  });

  it('states the headline share of each RIR, IPv4 and IPv6', () => {
    const last = indexes[indexes.length - 1];
    const headline = /<section id="headline">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '';
    for (const rir of ['afrinic', 'apnic', 'arin', 'lacnic', 'ripencc'] as const) {
      const item = new RegExp(`<li [^>]*data-rir="${rir}">([\\s\\S]*?)</li>`).exec(headline)?.[1] ?? '';
      expect(item, rir).toContain(`${fmtShare(last.ipv4[rir].share_out)}</b> of its routed IPv4 space`);
      expect(item, rir).toContain(`IPv6: <b class="share">${fmtShare(last.ipv6[rir].share_out)}</b>`);
    }
  });

  it('names every filter value, the registry file dates, the geo build date, and the change of filters within the period', () => {
    const method = /<section id="method">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '';
    const f = DAYS[2].filters;
    expect(method).toContain(`IPv4 prefixes /${f.ipv4_length[0]} to /${f.ipv4_length[1]}`);
    expect(method).toContain(`IPv6 prefixes /${f.ipv6_length[0]} to /${f.ipv6_length[1]}`);
    expect(method).toContain('announced by at least 1 peer,');
    expect(method).toContain('IANA special-purpose space left out');
    for (const d of Object.values(FILE_DATES)) expect(method).toContain(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}`);
    for (const rir of Object.keys(FILE_DATES)) expect(method).toContain(`<code>delegated-${rir}-extended-latest</code>`);
    expect(method).toContain(`${GEO_TYPE}, built ${GEO_BUILD_DATE}`);
    expect(method).toContain(indexes[2].params.snapshot_rule.slice(0, 40));
    expect(method).toContain(esc(indexes[2].params.origin_rule));
    expect(method).toContain(esc(indexes[2].params.prefix_rule));
    // Days 1-2 used two peers at least, day 3 one: both sets listed with their days.
    expect(method).toContain('class="warn params-differ"');
    const runs = /<table class="param-runs">([\s\S]*?)<\/table>/.exec(method)?.[1] ?? '';
    expect(runs).toContain('2024-03-01 to 2024-03-02');
    expect(runs).toContain('announced by at least 2 peers');
    expect(runs).toMatch(/2024-03-03<small>1 day<\/small>[\s\S]*announced by at least 1 peer,/);
    // Prefixes seen: the kept count of the last day.
    expect(method).toContain(`<td class="num">${fmtCount(indexes[2].params.prefixes_seen.ipv4.kept)}</td>`);
    // The RIR policy table and the limits.
    for (const name of ['AFRINIC', 'APNIC', 'ARIN', 'LACNIC', 'RIPE NCC']) expect(method).toContain(`<th scope="row">${name}</th>`);
    expect(method).toMatch(/Africa and Asia/);
    expect(method).toMatch(/lessee/);
    expect(method).toMatch(/[Aa]nycast/);
    expect(method).toMatch(/not proof/);
    // Not the bundled DB-IP database: no attribution claimed.
    expect(html).not.toContain(DBIP_ATTRIBUTION);
  });

  it('escapes text from the data and makes no external reference', () => {
    expect(html).toContain(esc(ODD_HOLDER));
    expect(html).not.toContain(ODD_HOLDER);
    expect(html).toContain('updates&lt;&amp;&gt;.gz');
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html).not.toMatch(/\s(src|srcset)=/i);
    // Links only as <a href> (policy documents), which load nothing.
    const refs = [...html.matchAll(/\s(\w+)="(https?:[^"]*)"/g)].map((m) => m[1]);
    expect(new Set(refs)).toEqual(new Set(['href', 'xmlns'].filter((a) => refs.includes(a))));
  });

  it('draws one line per RIR in each chart, and points when there is one day', () => {
    for (const family of ['ipv4', 'ipv6']) {
      const svg = new RegExp(`<svg[^>]*id="svg-${family}"[\\s\\S]*?</svg>`).exec(html)?.[0] ?? '';
      const groups = [...svg.matchAll(/<g class="series" data-series="(\w+)"[^>]*>([\s\S]*?)<\/g>/g)];
      expect(groups.map((g) => g[1])).toEqual(['afrinic', 'apnic', 'arin', 'lacnic', 'ripencc']);
      for (const g of groups) expect(g[2], `${family} ${g[1]}`).toMatch(/<path class="line"[^>]* d="M[\d.]+ [\d.]+ L[\d.]+ [\d.]+ L[\d.]+ [\d.]+"/);
      expect(svg).toContain('2024-03-01');
      expect(svg).toContain('2024-03-03');
      expect(svg).toMatch(/>\d+(\.\d)?%<\/text>/);
    }
    const oneDay: ReportData = { ...data, from: '2024-03-02', to: '2024-03-02', series: data.series.filter((r) => r.date === '2024-03-02'), days: [data.days[1]] };
    const single = reportHtml(oneDay);
    const svg = /<svg[^>]*id="svg-ipv4"[\s\S]*?<\/svg>/.exec(single)?.[0] ?? '';
    expect(svg).not.toContain('<path class="line"');
    expect(svg.match(/<circle class="point"/g)).toHaveLength(5);
    expect(single).toContain('on 2024-03-02');
    expect(single).toContain('were built with the same filters');
    expect(single).not.toContain('params-differ');
    // The bundled DB-IP database: its licence's attribution is printed.
    const dbip = reportHtml({ ...oneDay, days: [{ ...data.days[1], params: { ...data.days[1].params, geo: { database: 'DBIP-Country-Lite', build_date: '2026-06-01', file: 'dbip-country.mmdb' } } }] });
    expect(dbip).toContain(`<p class="attribution">${esc(DBIP_ATTRIBUTION)}.</p>`);
  });

  it('charts: round y ticks, breaks at days with no value, no data says so', () => {
    expect(shareTicks(0.37)).toMatchObject({ top: 0.4, ticks: [0, 0.1, 0.2, 0.3, 0.4] });
    expect(shareTicks(1).top).toBe(1);
    expect(shareTicks(0.004).top).toBeCloseTo(0.004);
    const svg = lineChart({
      id: 'c',
      title: 't',
      description: 'd',
      series: [{ key: 'a', label: 'A<', color: '#000', points: [{ date: '2024-01-01', value: 0.1 }, { date: '2024-01-02', value: 0.2 }, { date: '2024-01-03', value: null }, { date: '2024-01-04', value: 0.2 }, { date: '2024-01-05', value: 0.3 }] }],
    });
    expect(svg.match(/M[\d.]+ [\d.]+ L[\d.]+ [\d.]+/g)).toHaveLength(2);
    expect(svg).toContain('A&lt;');
    expect(lineChart({ id: 'e', title: 't', description: 'd', series: [{ key: 'a', label: 'A', color: '#000', points: [{ date: '2024-01-01', value: null }] }] })).toContain('nothing geolocated');
  });

  it('index.csv rows are the stored series; index.json round-trips', () => {
    const rows = seriesCsvRows(series);
    expect(rows).toHaveLength(series.length);
    const json = JSON.parse(JSON.stringify(reportJson(data)));
    expect(json.series).toEqual(series);
    expect(Object.keys(json.days)).toEqual(DAYS.map((d) => d.date));
    const { flows: _f, ...last } = indexes[2];
    expect(json.days['2024-03-03']).toEqual(JSON.parse(JSON.stringify(last)));
  });

  it('validates the period flags', () => {
    expect(reportRange({})).toEqual({ from: undefined, to: undefined });
    expect(reportRange({ date: '2024-03-02' })).toEqual({ from: '2024-03-02', to: '2024-03-02' });
    expect(() => reportRange({ date: '2024-03-02', to: '2024-03-03' })).toThrow(/exclude each other/);
    expect(() => reportRange({ from: '2024-02-30' })).toThrow(/--from takes a day as YYYY-MM-DD/);
    expect(() => reportRange({ from: '2024-03-03', to: '2024-03-01' })).toThrow(/after/);
  });

  it('reads a period and a day as stored, the latest build of each day', async () => {
    expect((await readSeries(store.client, { from: '2024-03-02', to: '2024-03-02' })).map((r) => r.date)).toEqual(Array(12).fill('2024-03-02'));
    expect(await readSeries(store.client, { from: '2030-01-01' })).toEqual([]);
    expect(await readDay(store.client, '2030-01-01')).toBeNull();
    // Day 1 rebuilt twice (with day 3's figures, then with its own): the latest build wins.
    await writePortabilityIndex(store.client, { ...indexes[2], date: '2024-03-01' }, Date.parse('2024-03-05T00:00:00Z'));
    expect((await readDay(store.client, '2024-03-01'))?.params.filters.min_peers).toBe(1);
    await writePortabilityIndex(store.client, indexes[0], Date.parse('2024-03-06T00:00:00Z'));
    const rebuilt = await readDay(store.client, '2024-03-01');
    expect(rebuilt?.ipv4).toEqual(JSON.parse(JSON.stringify(indexes[0].ipv4)));
    expect(rebuilt?.params.filters).toEqual(DAYS[0].filters);
    const after = await readSeries(store.client, {});
    expect(after.filter((r) => r.date === '2024-03-01').every((r) => r.computed_at.startsWith('2024-03-06 00:00:00'))).toBe(true);
    // The CLI tests compare with the series as it now stands.
    series = after;
  });
});

describe('portolan report', () => {
  it('writes report.html, index.csv and index.json from the store', async () => {
    const out = join(dir, 'out', 'all');
    const res = await runCli(['report', '--out', out, '--db', db]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('2024-03-01 to 2024-03-03 (3 days)');
    const page = readFileSync(join(out, 'report.html'), 'utf8');
    expect(page).toContain(`<td class="num">${fmtCount(indexes[2].ipv4.ripencc.routed)}`);
    expect(page).toContain('from 2024-03-01 to 2024-03-03');
    const csvText = readFileSync(join(out, 'index.csv'), 'utf8');
    expect(csvText.split('\r\n')[0]).toBe(SERIES_COLUMNS.join(','));
    const csv = parse(csvText, { columns: true }) as Record<string, string>[];
    expect(csv).toEqual(seriesCsvRows(series).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, csvValue(v)]))));
    const json = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8'));
    expect(json.series).toEqual(series);
    expect(json.from).toBe('2024-03-01');
    expect(Object.keys(json.days)).toHaveLength(3);
    expect(typeof json.generated_at).toBe('string');
  }, 60_000);

  it('reports one day with --date, and a period with --from/--to', async () => {
    const one = join(dir, 'out', 'one');
    expect((await runCli(['report', '--date', '2024-03-02', '--out', one, '--db', db])).code).toBe(0);
    const page = readFileSync(join(one, 'report.html'), 'utf8');
    expect(page).toContain('on 2024-03-02');
    expect(JSON.parse(readFileSync(join(one, 'index.json'), 'utf8')).series.every((r: IndexSeriesRow) => r.date === '2024-03-02')).toBe(true);
    const two = join(dir, 'out', 'two');
    expect((await runCli(['report', '--from', '2024-03-02', '--to', '2024-03-03', '--out', two, '--db', db])).code).toBe(0);
    expect(readFileSync(join(two, 'index.csv'), 'utf8').split('\r\n').filter(Boolean)).toHaveLength(1 + 2 * 2 * INDEX_RIRS.length);
  }, 60_000);

  it('fails with one line naming what to run: no store, an empty store, an empty period, bad flags', async () => {
    const missing = await runCli(['report', '--out', join(dir, 'x'), '--db', join(dir, 'nowhere')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^portolan report: no store at .*nowhere: run `portolan index build FILE…`.*\n$/);
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);

    const emptyDb = join(dir, 'empty');
    mkdirSync(emptyDb);
    const empty = await runCli(['report', '--out', join(dir, 'y'), '--db', emptyDb]);
    expect(empty.code).toBe(1);
    // One line of error (the store's migration log lines aside, JSON on stderr).
    expect(empty.stderr.trim().split('\n').filter((l) => !l.startsWith('{'))).toHaveLength(1);
    expect(empty.stderr).toContain('portolan report: no portability index stored in the store: run `portolan index build FILE…`');
    expect(existsSync(join(dir, 'y'))).toBe(false);

    const later = await runCli(['report', '--from', '2030-01-01', '--out', join(dir, 'z'), '--db', db]);
    expect(later.code).toBe(1);
    expect(later.stderr).toContain('no portability index stored from 2030-01-01 to the last day');

    const both = await runCli(['report', '--date', '2024-03-01', '--to', '2024-03-02', '--out', join(dir, 'w'), '--db', db]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--date and --from/--to exclude each other');
    const bad = await runCli(['report', '--date', '1.3.2024', '--out', join(dir, 'w'), '--db', db]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--date takes a day as YYYY-MM-DD (not "1.3.2024")');
  }, 180_000);
});
