import type { Command } from 'commander';

type Declaration = { register: (program: Command) => void };

/**
 * Every `portolan` sub-command's declaration module, by name, in the order `--help` lists them.
 * Loaded on demand: a command line that names one command loads its declaration alone.
 */
const COMMANDS: Array<[name: string, load: () => Promise<Declaration>]> = [
  ['run', () => import('./run.js')],
  ['ingest', () => import('./ingest.js')],
  ['parse', () => import('./parse.js')],
  ['archives', () => import('./archives.js')],
  ['lookup', () => import('./lookup.js')],
  ['registry', () => import('./registry.js')],
  ['query', () => import('./query.js')],
  ['serve', () => import('./serve.js')],
  ['replay-server', () => import('./replay-server.js')],
  ['index', () => import('./portability-index.js')],
  ['report', () => import('./report.js')],
  ['geo', () => import('./geo.js')],
  ['alerts', () => import('./alerts.js')],
  // Its script is generated from every other declaration.
  ['completion', () => import('./completion.js')],
];

/**
 * Declares the commands `args` (the arguments after `portolan`) needs: the one it starts with
 * (its declaration alone, ~20 ms less start-up than all fourteen), none for `--version`, else
 * every one (`--help`, `help`, `completion`, an unknown name, which commander answers with a
 * suggestion).
 */
export async function declareCommands(program: Command, args: readonly string[] = []): Promise<void> {
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) return; // needs none
  const named = COMMANDS.find(([name]) => name === args[0] && name !== 'completion');
  const declarations = await Promise.all((named ? [named] : COMMANDS).map(([, load]) => load()));
  for (const { register } of declarations) register(program);
}
