import type { Command } from 'commander';
import { Option } from 'commander';
import { commonOption } from '../../common/config.js';
import { lazy } from '../lazy.js';

export function register(program: Command): void {
  program
    .command('parse')
    .description("print an MRT file's elements (raw, .gz or .bz2 file, http(s) URL, or - for stdin)")
    .argument('<FILE>', 'MRT file (RIS updates/bview, RouteViews updates/rib, …)')
    .addOption(new Option('--format <FORMAT>', 'jsonl: one BgpElem JSON object per line; bgpdump: exactly what `bgpdump -m FILE` prints').choices(['jsonl', 'bgpdump']).default('jsonl'))
    .addOption(commonOption('log-level'))
    .action(lazy(() => import('./parse.action.js'), 'parse'));
}
