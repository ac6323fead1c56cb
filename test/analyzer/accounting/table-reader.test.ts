/**
 * The route-file reader thread of `index build`: started before its job (prestartTableReader, as
 * bin/portolan.js does for `index build` and `index backfill`) it reads the same table as one
 * started with the job, and idle it does not keep the process alive.
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RoutedTable } from '../../../analyzer/accounting/routed.js';
import { prestartTableReader, readTableInWorker } from '../../../analyzer/accounting/table-worker.js';
import { DEFAULT_FILTERS } from '../../../analyzer/models/accounting.js';
import { projectRoot } from '../../../common/paths.js';
import { asPath, concat, tableDump } from '../../helpers/mrt-encoder.js';
import { runCli, TSX } from '../../helpers/cli.js';
import { plainData } from '../../helpers/plain.js';
import { makeTmpDir } from '../../helpers/tmp.js';

const dir = makeTmpDir('table-reader');
const file = join(dir, 'rrc99.bview.20240305.0000');
const seq = (asns: number[]) => ({ type: 2 as const, asns });
writeFileSync(join(dir, 'delegated-arin-extended-latest'), '2|arin|20240305|1|19830101|20240305|+0000\narin|US|ipv4|146.88.0.0|65536|19910101|assigned\n');
writeFileSync(
  file,
  concat(
    tableDump('20.0.0.0/16', '192.0.2.1', 64500, [asPath([seq([64500, 300])], 2)]),
    tableDump('20.0.0.0/16', '192.0.2.2', 64501, [asPath([seq([64501, 400])], 2)]),
    tableDump('146.88.0.0/16', '192.0.2.1', 64500, [asPath([seq([64500, 100])], 2)]),
    tableDump('2a00:1000::/32', '2001:db8::1', 64500, [asPath([seq([64500, 500])], 2)]),
  ),
);
const filters = { ...DEFAULT_FILTERS, min_peers: 1 };

/** Typed arrays and bigints as plain values, to compare two tables. */
const plain = (t: RoutedTable): unknown => plainData(t);

describe('the route-file reader thread', () => {
  it('started before its job, reads the same table as one started with it', async () => {
    prestartTableReader();
    const early = await readTableInWorker([file], filters);
    const late = await readTableInWorker([file], filters);
    expect(early.elements).toBe(4);
    expect(early.routed.counts.ipv4.kept).toBe(2);
    expect(plain(early)).toEqual(plain(late));
  }, 60_000);

  it('idle, does not keep the process alive', async () => {
    const module = join(projectRoot(), 'analyzer', 'accounting', 'table-worker.ts');
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', TSX, '-e', `import(${JSON.stringify(module)}).then((m) => m.prestartTableReader())`], { stdio: 'ignore' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('error', reject);
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    expect(code).toBe(0); // a process kept alive would have been killed: code null
  }, 60_000);

  const bin = join(projectRoot(), 'bin', 'portolan.js');
  const built = existsSync(join(projectRoot(), 'dist', 'analyzer', 'accounting', 'table-worker.js'));
  it.skipIf(!built)('bin/portolan.js (which starts the reader early) builds the same index as the CLI from sources (skipped without a build: npm run build)', async () => {
    const args = ['index', 'build', file, '--min-peers', '1', '--rir-dir', dir, '--no-store', '--json', '--log-level', 'error', '--cache-dir', join(dir, 'cache')];
    const fromBin = await new Promise<string>((resolve, reject) => {
      let out = '';
      const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.on('error', reject);
      child.on('close', (c) => (c === 0 ? resolve(out) : reject(new Error(`exit ${c}`))));
    });
    const fromSources = await runCli(args);
    expect(fromSources.code).toBe(0);
    const figures = (json: string) => {
      const { params: _p, ...rest } = JSON.parse(json) as { params: unknown };
      return rest;
    };
    expect(figures(fromBin)).toEqual(figures(fromSources.stdout));
    expect(JSON.parse(fromBin).params.source.elements).toBe(4);
  }, 120_000);
});
