import type { Command } from 'commander';
import { action } from '../action.js';

export function register(program: Command): void {
  program
    .command('registry')
    .description('(not built yet)')
    .action(
      action(() => {
        throw new Error('registry is not built yet');
      }),
    );
}
