import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatBgpdump } from '../../../collector/bgpdump/format.js';
import { readMrtRecords } from '../../../collector/mrt/index.js';
import { bgpdumpSkipReason, bgpdumpText, hasBgpdump } from '../../helpers/bgpdump.js';
import { runCli } from '../../helpers/cli.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../../helpers/shared-data.js';

const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
const mrtFiles = hasSharedData ? files(sharedData('mrt')).sort() : [];

describe.skipIf(!hasSharedData || !hasBgpdump)(`--format bgpdump is byte-identical to bgpdump -m ${bgpdumpSkipReason}`, () => {
  it('covers every file of the shared MRT folder (28 or more)', () => {
    expect(mrtFiles.length).toBeGreaterThanOrEqual(28);
  });

  for (const file of mrtFiles) {
    it(relative(sharedData('mrt'), file), async () => {
      const expected = bgpdumpText(file);
      let got = '';
      for await (const r of readMrtRecords(file)) got += formatBgpdump(r);
      expect(got.length).toBe(expected.length);
      expect(got === expected).toBe(true);
    });
  }
});

describe.skipIf(!hasSharedData)(`portolan parse (CLI) ${hasSharedData ? '' : sharedDataSkipReason}`, () => {
  const file = sharedData('mrt', 'bgpkit-example', 'updates.20240914.2230.bz2');
  it('prints JSONL elements with microsecond timestamps', async () => {
    const r = await runCli(['parse', file]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { timestamp: number; elem_type: string; prefix: string });
    expect(lines).toHaveLength(268);
    expect(lines[0]).toMatchObject({ timestamp: 1726353018.90849, elem_type: 'announce', prefix: '103.188.233.0/24', peer_asn: 140684 });
  });
  it('prints bgpdump lines, and says what to fix for a missing file', async () => {
    const r = await runCli(['parse', '--format', 'bgpdump', file]);
    expect(r.stdout.split('\n')[0]).toBe('BGP4MP_ET|1726353018.908490|A|103.151.196.1|140684|103.188.233.0/24|137967 137541 137541 149854|IGP|103.151.196.152|0|0||NAG||');
    const missing = await runCli(['parse', '/nonexistent.mrt']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such file/);
  });
});
