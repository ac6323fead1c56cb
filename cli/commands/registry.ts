import { Option, type Command } from 'commander';
import cliProgress from 'cli-progress';
import { commonOption } from '../../common/config.js';
import { loadRegistry } from '../../analyzer/registry/index.js';
import { formatStats } from '../../analyzer/registry/stats.js';
import { updateRegistry, type UpdateResult } from '../../analyzer/registry/download.js';
import { action } from '../action.js';

interface StatsOptions {
  json?: boolean;
  rirDir?: string;
  ianaDir?: string;
  cacheDir: string;
}

interface UpdateOpts {
  cacheDir: string;
  baseUrl?: string;
  only?: string[];
}

export function register(program: Command): void {
  const registry = program
    .command('registry')
    .description('the RIR / IANA registry files: per-RIR totals, and downloading them into the cache');

  registry
    .command('stats')
    .description('per RIR: file date, record counts by type and status, delegated IPv4 addresses, IPv6 /48s and ASNs')
    .option('--json', 'print one JSON object instead of the table')
    .addOption(commonOption('rir-dir'))
    .addOption(commonOption('iana-dir'))
    .addOption(commonOption('cache-dir'))
    .addOption(commonOption('log-level'))
    .action(
      action(async (opts: StatsOptions) => {
        const index = await loadRegistry({ rirDir: opts.rirDir, ianaDir: opts.ianaDir, cacheDir: opts.cacheDir });
        const stats = index.stats();
        if (opts.json) {
          const sum = (f: (s: (typeof stats)[number]) => number) => stats.reduce((a, s) => a + f(s), 0);
          const totals = { ipv4Addresses: sum((s) => s.ipv4Addresses), ipv6Slash48s: sum((s) => s.ipv6Slash48s), asns: sum((s) => s.asns), records: sum((s) => s.records) };
          const iana = index.files().filter((f) => f.rir === 'iana');
          process.stdout.write(JSON.stringify({ rirs: stats, totals, iana }) + '\n');
        } else {
          process.stdout.write(formatStats(stats));
        }
      }),
    );

  registry
    .command('update')
    .description('download the RIR delegated files, IANA registries and transfer logs into the cache (conditional GET, MD5 check, atomic replace; the last good copy is kept on failure)')
    .addOption(commonOption('cache-dir'))
    .addOption(commonOption('log-level'))
    .option('--only <NAME...>', 'only these cache file names (e.g. delegated-arin-extended-latest)')
    .addOption(new Option('--base-url <URL>', 'fetch every file from <URL>/<name> (a mirror; tests)').hideHelp())
    .action(
      action(async (opts: UpdateOpts) => {
        const bar = process.stderr.isTTY ? new cliProgress.SingleBar({ format: '{name} [{bar}] {value}/{total} KiB', stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic) : null;
        let current = '';
        const results = await updateRegistry({
          cacheDir: opts.cacheDir,
          baseUrl: opts.baseUrl,
          only: opts.only,
          onProgress: bar
            ? (name, received, total) => {
                if (name !== current) {
                  if (current) bar.stop();
                  current = name;
                  bar.start(Math.ceil((total ?? received) / 1024), 0, { name });
                }
                if (!total) bar.setTotal(Math.ceil(received / 1024));
                bar.update(Math.ceil(received / 1024), { name });
              }
            : undefined,
        });
        if (current) bar?.stop();
        for (const r of results) process.stdout.write(describe(r) + '\n');
        const failed = results.filter((r) => r.status === 'failed' && !r.optional);
        if (failed.length) {
          process.stderr.write(`portolan registry update: ${failed.length} required file(s) failed (${failed.map((r) => r.name).join(', ')}); the previous copies were kept in ${opts.cacheDir}\n`);
          process.exitCode = 1;
        }
      }),
    );
}

function describe(r: UpdateResult): string {
  const what = r.status === 'updated' ? `updated (${r.bytes.toLocaleString('en-US')} bytes, checksum ${r.checksum === 'ok' ? 'ok' : 'not published'})` : r.status === 'unchanged' ? 'unchanged (304)' : `FAILED${r.optional ? ' (optional)' : ''}: ${r.error}`;
  return `${r.name.padEnd(40)} ${what}`;
}
