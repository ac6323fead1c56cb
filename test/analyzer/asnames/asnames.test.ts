import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { asLabel, loadAsNames, parseAsNames, parseAsnTxtLine, resolveAsNames, withAsNames } from '../../../analyzer/asnames/index.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../../helpers/shared-data.js';

const dir = mkdtempSync(join(tmpdir(), 'portolan-asnames-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('AS-name lists: tiny files written here', () => {
  it('parses RIPE NCC asn.txt lines (space separated, trailing country)', () => {
    expect(parseAsnTxtLine('   3333 RIPE-NCC-AS Reseaux IP Europeens Network Coordination Centre (RIPE NCC), NL')).toEqual({
      asn: 3333,
      name: 'RIPE-NCC-AS Reseaux IP Europeens Network Coordination Centre (RIPE NCC)',
      cc: 'NL',
    });
    expect(parseAsnTxtLine('0\t-Reserved AS-, ZZ')).toEqual({ asn: 0, name: '-Reserved AS-', cc: null });
    expect(parseAsnTxtLine('4134\tCHINANET-BACKBONE No.31,Jin-rong Street, CN')).toEqual({ asn: 4134, name: 'CHINANET-BACKBONE No.31,Jin-rong Street', cc: 'CN' });
    expect(parseAsnTxtLine('64512 NO-COUNTRY')).toEqual({ asn: 64512, name: 'NO-COUNTRY', cc: null });
    expect(parseAsnTxtLine('garbage')).toBeNull();
    expect(parseAsnTxtLine('99999999999 TOO-BIG, US')).toBeNull();
  });

  it('loads a plain asn.txt, a gzip one, pyasn JSON and the pipe CSV', () => {
    const txt = join(dir, 'asn.txt');
    writeFileSync(txt, '3333 RIPE-NCC-AS Reseaux IP Europeens, NL\n13335 CLOUDFLARENET, US\nbad line\n');
    const a = loadAsNames(txt);
    expect(a.size).toBe(2);
    expect(a.skipped).toBe(1);
    expect(a.get(13335)).toEqual({ asn: 13335, name: 'CLOUDFLARENET', cc: 'US' });

    const gz = join(dir, 'asn.txt.gz');
    writeFileSync(gz, gzipSync('3333\tRIPE-NCC-AS Reseaux, NL\n'));
    expect(loadAsNames(gz).get(3333)?.cc).toBe('NL');

    const json = join(dir, 'asnames.json');
    writeFileSync(json, JSON.stringify({ '50088': 'FITL-IE Fort Technologies, GB', x: 'no' }));
    const j = loadAsNames(json);
    expect(j.get(50088)).toEqual({ asn: 50088, name: 'FITL-IE Fort Technologies', cc: 'GB' });
    expect(j.skipped).toBe(1);

    const csv = join(dir, 'asnames.csv');
    writeFileSync(csv, '3|emileaben|MIT\n174|emileaben|Cogent\n');
    expect(loadAsNames(csv).get(174)).toEqual({ asn: 174, name: 'Cogent', cc: null });

    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '\n# nothing\n');
    expect(() => loadAsNames(empty)).toThrow(/no AS names found/);
  });

  it('searches by name, labels ASNs and annotates rows', () => {
    const { names } = parseAsNames('3333 RIPE-NCC-AS Reseaux IP Europeens, NL\n13335 CLOUDFLARENET, US\n209242 CLOUDFLARESPECTRUM Cloudflare London, GB\n');
    const path = join(dir, 'three.txt');
    writeFileSync(path, names.map((n) => `${n.asn} ${n.name}, ${n.cc}`).join('\n'));
    const idx = loadAsNames(path);
    expect(idx.search('cloudflarenet').map((n) => n.asn)).toEqual([13335]);
    expect(idx.search('CLOUDFLARE').map((n) => n.asn)).toEqual([13335, 209242]);
    expect(idx.search('ripe europeens')[0].asn).toBe(3333);
    expect(idx.search('   ')).toEqual([]);
    expect(asLabel(3333, idx)).toBe('AS3333 RIPE-NCC-AS Reseaux IP Europeens (NL)');
    expect(asLabel(1, idx)).toBe('AS1');
    expect(withAsNames([{ origin_asn: 13335, n: 1 }, { asn: '7' }, { prefix: 'x' }], idx)).toEqual([
      { origin_asn: 13335, n: 1, as_name: 'CLOUDFLARENET', as_cc: 'US' },
      { asn: '7', as_name: null, as_cc: null },
      { prefix: 'x' },
    ]);
    expect(resolveAsNames({ cacheDir: dir })?.get(13335)?.name).toBe('CLOUDFLARENET');
    expect(resolveAsNames({ cacheDir: join(dir, 'none') })).toBeNull();
    expect(() => resolveAsNames({ asNames: join(dir, 'missing.txt') })).toThrow(/does not exist/);
  });
});

describe.skipIf(!hasSharedData)(`AS-name lists: the files in shared/data/asn-names (${sharedDataSkipReason})`, () => {
  it('potaroo asn-20260120.txt.gz: 120k names with countries', () => {
    const names = loadAsNames(sharedData('asn-names', 'potaroo-asn-20260120.txt.gz'));
    expect(names.size).toBeGreaterThan(120_000);
    expect(names.skipped).toBeLessThan(10);
    expect(names.get(3333)).toMatchObject({ name: expect.stringMatching(/^RIPE-NCC-AS /), cc: 'NL' });
    expect(names.get(13335)).toEqual({ asn: 13335, name: 'CLOUDFLARENET', cc: 'US' });
    expect(names.get(4134)?.cc).toBe('CN');
    expect(names.get(0)?.cc).toBeNull();
    expect(names.search('CLOUDFLARENET')[0].asn).toBe(13335);
  });

  it('pyasn asnames-2016.json.gz', () => {
    const names = loadAsNames(sharedData('asn-names', 'pyasn-asnames-2016.json.gz'));
    expect(names.size).toBeGreaterThan(50_000);
    expect(names.get(50088)).toMatchObject({ cc: 'GB' });
  });

  it('emileaben CSV', () => {
    const names = loadAsNames(sharedData('asn-names', 'emileaben-asnames.csv'));
    expect(names.size).toBeGreaterThan(50);
    expect(names.get(174)?.name).toBe('Cogent');
  });
});
