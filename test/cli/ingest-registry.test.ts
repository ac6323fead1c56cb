/**
 * `portolan ingest` with a registry folder it cannot use: the error names the folder and the
 * remedy, and no store is left behind (it used to be created and migrated first).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import * as enc from '../helpers/mrt-encoder.js';
import { makeTmpDir } from '../helpers/tmp.js';

const dir = makeTmpDir('ingest-registry');
const mrt = join(dir, 'one.mrt');
writeFileSync(mrt, enc.tableDump('10.0.0.0/8', '192.0.2.1', 65001, [enc.origin(0), enc.asPath([{ type: 2, asns: [65001] }], 2), enc.nextHop('192.0.2.1')]));
mkdirSync(join(dir, 'empty'));

describe('portolan ingest with an unusable registry folder', { timeout: 60_000 }, () => {
  it.each([
    ['missing', join(dir, 'nope'), /registry folder .*nope does not exist; pass --rir-dir DIR, or run `portolan registry update`/],
    ['empty', join(dir, 'empty'), /no RIR delegated file in .*empty: .*; pass --rir-dir DIR, or run `portolan registry update`/],
  ])('fails before the store is created when the folder is %s', async (kind, rirDir, message) => {
    const db = join(dir, `db-${kind}`);
    const r = await runCli(['ingest', '--rir-dir', rirDir, '--db', db, mrt]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(existsSync(db)).toBe(false);
  });
});
