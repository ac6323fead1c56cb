/** The report names the origin ASes of its contributor lists when AS names are loaded (`--as-names`, or asn.txt in the cache). */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asNameIndex } from '../../analyzer/asnames/index.js';
import { publicIndex } from '../../analyzer/accounting/portability.js';
import { reportHtml } from '../../analyzer/report/html.js';
import { withReportAsNames } from '../../analyzer/report/names.js';
import { reportJson } from '../../analyzer/report/series.js';
import type { ReportData } from '../../analyzer/report/types.js';
import type { PortabilityIndex } from '../../analyzer/models/accounting.js';
import { runCli } from '../helpers/cli.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { buildIndexes, storeIndexes } from './fixture.js';

const dir = makeTmpDir('report-names');
let indexes: PortabilityIndex[];
// A name with markup in it: the report must escape it.
const LIST = '3356 LEVEL3 <Level 3> & Co, US\n3333 RIPE-NCC-AS Reseaux IP Europeens, NL\n';

/** The origin-AS table of one registry's contributor block. */
const originTable = (html: string, rir: string, family = 'ipv4'): string => {
  const block = new RegExp(`<div class="contrib" data-rir="${rir}" data-family="${family}">([\\s\\S]*?)</div>`).exec(html)?.[1] ?? '';
  return /<table><thead><tr><th>Origin AS<\/th>[\s\S]*?<\/table>/.exec(block)?.[0] ?? '';
};

beforeAll(async () => {
  indexes = await buildIndexes(dir);
});

describe('report with AS names', () => {
  it('names origin ASes the list knows (escaped), leaves others as numbers, and index.json carries the names', () => {
    const base: ReportData = { generated_at: '2024-03-04T00:00:00.000Z', version: 'test', from: '2024-03-01', to: '2024-03-03', series: [], days: indexes.map(publicIndex) };
    const origins = base.days.flatMap((d) => Object.values(d.ipv4).flatMap((r) => r.top_origins.map((c) => c.key)));
    expect(origins).toContain('AS3356');
    const data = withReportAsNames(base, asNameIndex([{ asn: 3356, name: 'LEVEL3 <Level 3> & Co', cc: 'US' }]));
    expect(data.as_names).toEqual({ 3356: { name: 'LEVEL3 <Level 3> & Co', cc: 'US' } });
    const html = reportHtml(data);
    const afrinic = originTable(html, 'afrinic');
    expect(afrinic).toContain('AS3356 <span class="as-name" title="LEVEL3 &lt;Level 3&gt; &amp; Co">LEVEL3 &lt;Level 3&gt; &amp; Co</span>');
    expect(html).not.toContain('<Level 3>');
    expect(reportJson(data).as_names).toEqual(data.as_names);
    // Without a list: numbers only, no as_names in the JSON.
    const plain = withReportAsNames(base, null);
    expect(plain).toBe(base);
    expect(originTable(reportHtml(plain), 'afrinic')).not.toContain('as-name');
    expect('as_names' in reportJson(plain)).toBe(false);
  });

  it('portolan report --as-names FILE, and asn.txt in --cache-dir by default', async () => {
    const db = join(dir, 'db');
    await storeIndexes(db, indexes);
    const names = join(dir, 'names.txt');
    writeFileSync(names, LIST);
    const out = join(dir, 'out');
    const r = await runCli(['report', '--out', out, '--db', db, '--as-names', names, '--log-level', 'error']);
    expect(r.code, r.stderr).toBe(0);
    expect(originTable(readFileSync(join(out, 'report.html'), 'utf8'), 'afrinic')).toContain('LEVEL3 &lt;Level 3&gt; &amp; Co');
    expect(JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')).as_names['3356']).toEqual({ name: 'LEVEL3 <Level 3> & Co', cc: 'US' });
    const cache = join(dir, 'cache');
    mkdirSync(cache);
    writeFileSync(join(cache, 'asn.txt'), LIST.replace('LEVEL3 <Level 3> & Co', 'LUMEN-FROM-CACHE'));
    const out2 = join(dir, 'out2');
    const r2 = await runCli(['report', '--out', out2, '--db', db, '--cache-dir', cache, '--log-level', 'error']);
    expect(r2.code, r2.stderr).toBe(0);
    expect(originTable(readFileSync(join(out2, 'report.html'), 'utf8'), 'afrinic')).toContain('AS3356 <span class="as-name" title="LUMEN-FROM-CACHE">LUMEN-FROM-CACHE</span>');
  }, 120_000);
});
