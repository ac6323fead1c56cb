import type { Command } from 'commander';
import { action } from '../action.js';

export function register(program: Command): void {
  program
    .command('ingest')
    .description('(not built yet)')
    .action(
      action(() => {
        throw new Error('ingest is not built yet');
      }),
    );
}
