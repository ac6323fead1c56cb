/** `portolan registry holders`: holders grouped by opaque id, filters, formats; on real AFRINIC and LACNIC extended files when present. */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../helpers/shared-data.js';

const dir = makeTmpDir('registry-holders');
writeFileSync(
  join(dir, 'delegated-afrinic-extended-latest'),
  [
    '2.3|afrinic|20240229|5|19870101|20240229|+0000',
    'afrinic|*|ipv4|*|4|summary',
    'afrinic|ZA|ipv4|41.0.0.0|65536|20100101|allocated|AF-ZA-1',
    'afrinic|SC|ipv4|41.1.0.0|65536|20100101|allocated|AF-SC-1',
    'afrinic|SC|ipv4|41.2.0.0|65536|20110101|allocated|AF-SC-1',
    'afrinic|ZA|asn|37000|1|20100101|assigned|AF-ZA-1',
    'afrinic||ipv4|41.3.0.0|65536||available|',
    '',
  ].join('\n'),
);
const names = join(dir, 'asn.txt');
writeFileSync(names, '37000 AFRINIC-ZA-JNB-AS, ZA\n');
const base = ['registry', 'holders', '--rir-dir', dir, '--as-names', names, '--log-level', 'error'];

describe('portolan registry holders', () => {
  it('groups records by holder, largest first, with a name via the holder’s AS', async () => {
    const r = await runCli([...base, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((x) => [x.holder_id, x.records, x.ipv4_addresses, x.asns, x.name])).toEqual([
      ['AF-SC-1', 2, 131072, 0, null],
      ['AF-ZA-1', 2, 65536, 1, 'AFRINIC-ZA-JNB-AS'],
    ]);
    const table = await runCli([...base, '--cc', 'za']);
    expect(table.stdout).toMatch(/holder_id\s+rir\s+cc/);
    expect(table.stdout).toContain('AF-ZA-1');
    expect(table.stdout).not.toContain('AF-SC-1');
    const bad = await runCli([...base, '--rir', 'nowhere']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--rir must be one of/);
  }, 60_000);

  it.skipIf(!hasSharedData)(`on the real 2024-01-05 AFRINIC and LACNIC extended files (${sharedDataSkipReason})`, async () => {
    const real = join(makeTmpDir('registry-holders-real'), 'rir');
    mkdirSync(real);
    for (const rir of ['afrinic', 'lacnic']) symlinkSync(sharedData('rir', '2024-01-05', `delegated-${rir}-extended-latest.gz`), join(real, `delegated-${rir}-extended-latest.gz`));
    const r = await runCli(['registry', 'holders', '--rir-dir', real, '--limit', '0', '--format', 'csv', '--log-level', 'error']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\r\n');
    expect(lines.length).toBeGreaterThan(1000);
    const rirs = new Set(lines.slice(1).map((l) => l.split(',')[1]));
    expect(rirs).toEqual(new Set(['afrinic', 'lacnic']));
    // Largest IPv4 space first.
    const v4 = lines.slice(1, 50).map((l) => Number(l.split(',')[4]));
    expect(v4).toEqual([...v4].sort((a, b) => b - a));
  }, 120_000);
});
