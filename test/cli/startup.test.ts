/**
 * Start-up stays light: declaring the commands (for `--help`, parsing, completion) loads no
 * command's action, and `parse` loads neither the store nor the analyzer. Checked by the modules
 * a real run loads (a module-loader hook lists them), not by timing.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { declareCommands } from '../../cli/commands/index.js';
import { projectRoot } from '../../common/paths.js';
import { TSX } from '../helpers/cli.js';
import { runTracingLoads } from '../helpers/load-trace.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../helpers/shared-data.js';
import { makeTmpDir } from '../helpers/tmp.js';

const dir = makeTmpDir('startup');
/** The project files and packages a CLI run loads. */
function loads(args: string[]): string[] {
  const r = runTracingLoads(dir, ['--import', TSX, join(projectRoot(), 'cli', 'main.ts'), ...args], { PORTOLAN_LOG_LEVEL: 'silent' });
  expect(r.status, r.stderr).toBe(0);
  const root = `file://${projectRoot()}/`;
  return r.loaded
    .filter((u) => u.startsWith(root))
    .map((u) => u.slice(root.length))
    .map((p) => (p.startsWith('node_modules/') ? `pkg:${p.split('/')[1].startsWith('@') ? p.split('/').slice(1, 3).join('/') : p.split('/')[1]}` : p.replace(/\?.*$/, '')))
    .filter((p) => p !== 'pkg:tsx' && p !== 'pkg:get-tsconfig' && p !== 'pkg:esbuild');
}

const HEAVY = /^(pkg:(chdb|@clickhouse\/client|pino|pino-pretty|yaml|unbzip2-stream|ws|nodemailer|prom-client|mmdb-lib|csv-parse)|analyzer\/(store|pipeline|classify|state|alerts|registry\/index|geo))/;

describe('start-up', () => {
  it('--help and a command\'s --help load only the declarations', () => {
    for (const args of [['--help'], ['ingest', '--help'], ['registry', 'diff', '--help']]) {
      const loaded = loads(args);
      expect(loaded).toContain('cli/main.ts');
      expect(loaded).toContain('pkg:commander');
      expect(loaded.filter((p) => HEAVY.test(p)), args.join(' ')).toEqual([]);
      expect(loaded.filter((p) => p.endsWith('.action.ts')), args.join(' ')).toEqual([]);
    }
  });

  it('a command line naming a command loads that declaration alone; --version none; --help, help and completion all', () => {
    const declarations = (loaded: string[]) => loaded.filter((p) => /^cli\/commands\/[^/]+\.ts$/.test(p) && !p.endsWith('.action.ts') && p !== 'cli/commands/index.ts').sort();
    expect(declarations(loads(['ingest', '--help']))).toEqual(['cli/commands/ingest.ts']);
    expect(declarations(loads(['registry', 'diff', '--help']))).toEqual(['cli/commands/registry.ts']);
    const all = declarations(loads(['--help']));
    // Every declaration module in the folder.
    expect(all).toEqual(declarations(readdirSync(join(projectRoot(), 'cli', 'commands')).map((f) => `cli/commands/${f}`)));
    expect(declarations(loads(['help', 'parse']))).toEqual(all);
    expect(declarations(loads(['completion', 'bash']))).toEqual(all);
    expect(declarations(loads(['--version']))).toEqual([]);
  });

  it('a command declared alone is the command declared among all (its help, options and sub-commands)', async () => {
    const full = new Command('portolan');
    await declareCommands(full);
    const describe = (c: Command): unknown => ({ help: c.helpInformation(), commands: c.commands.map(describe) });
    for (const command of full.commands.filter((c) => c.name() !== 'completion')) {
      const alone = new Command('portolan');
      await declareCommands(alone, [command.name(), '--help']);
      expect(alone.commands.map((c) => c.name())).toEqual([command.name()]);
      expect(describe(alone.commands[0]), command.name()).toEqual(describe(command));
    }
  });

  it.skipIf(!hasSharedData)(`parse loads its own action and the MRT reader, not the store or the analyzer ${hasSharedData ? '' : sharedDataSkipReason}`, () => {
    const loaded = loads(['parse', '--format', 'bgpdump', sharedData('mrt', 'mrtparse-samples', 'quagga_bgp')]);
    expect(loaded).toContain('cli/commands/parse.action.ts');
    expect(loaded).toContain('collector/mrt/records.ts');
    expect(loaded.filter((p) => p.endsWith('.action.ts'))).toEqual(['cli/commands/parse.action.ts']);
    expect(loaded.filter((p) => HEAVY.test(p) && p !== 'pkg:pino')).toEqual([]); // pino logs the reader's warnings
  });

  it.skipIf(!hasSharedData)(`parse of a file whose records are all read from their bytes loads no record decoder ${hasSharedData ? '' : sharedDataSkipReason}`, () => {
    for (const format of ['bgpdump', 'jsonl']) {
      const loaded = loads(['parse', '--format', format, sharedData('mrt', 'bgpdump-testdata', 'updates.20070211.0141.gz')]);
      expect(loaded).toContain('collector/mrt/bgp4mp-scan.ts');
      const decoders = ['collector/mrt/frame-decoder.ts', 'collector/mrt/bgp4mp.ts', 'collector/bgp/message.ts', 'collector/bgp/attributes.ts'];
      expect(loaded.filter((p) => decoders.includes(p)), format).toEqual([]);
    }
  });
});
