import type { Command } from 'commander';
import { Option } from 'commander';
import { formatBgpdump } from '../../collector/bgpdump/format.js';
import { BufferedWriter } from '../../collector/bgpdump/writer.js';
import { readMrtRecords, recordToElems, newStats } from '../../collector/mrt/index.js';
import { commonOption } from '../../common/config.js';
import { action } from '../action.js';
import { UsageError } from '../errors.js';
import { existsSync } from 'node:fs';
import { isUrl } from '../../common/input.js';

export function register(program: Command): void {
  program
    .command('parse')
    .description("print an MRT file's elements (raw, .gz or .bz2 file, http(s) URL, or - for stdin)")
    .argument('<FILE>', 'MRT file (RIS updates/bview, RouteViews updates/rib, …)')
    .addOption(new Option('--format <FORMAT>', 'jsonl: one BgpElem JSON object per line; bgpdump: exactly what `bgpdump -m FILE` prints').choices(['jsonl', 'bgpdump']).default('jsonl'))
    .addOption(commonOption('log-level'))
    .action(
      action(async (file: string, opts: { format: 'jsonl' | 'bgpdump' }) => {
        if (file !== '-' && !isUrl(file) && !existsSync(file)) throw new UsageError(`${file}: no such file`);
        const out = new BufferedWriter(process.stdout);
        const stats = newStats();
        const bgpdump = opts.format === 'bgpdump';
        for await (const record of readMrtRecords(file, stats)) {
          if (bgpdump) await out.write(formatBgpdump(record));
          else {
            const elems = recordToElems(record);
            stats.elements += elems.length;
            let text = '';
            for (const e of elems) text += JSON.stringify(e) + '\n';
            await out.write(text);
          }
          if (!out.open) break; // reader went away (| head): stop reading
        }
        await out.end();
      }),
    );
}
