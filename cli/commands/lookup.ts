import type { Command } from 'commander';
import { action } from '../action.js';

export function register(program: Command): void {
  program
    .command('lookup')
    .description('(not built yet)')
    .action(
      action(() => {
        throw new Error('lookup is not built yet');
      }),
    );
}
