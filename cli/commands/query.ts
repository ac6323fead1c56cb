import type { Command } from 'commander';
import { action } from '../action.js';

export function register(program: Command): void {
  program
    .command('query')
    .description('(not built yet)')
    .action(
      action(() => {
        throw new Error('query is not built yet');
      }),
    );
}
