import type { Command } from 'commander';
import { action } from '../action.js';

export function register(program: Command): void {
  program
    .command('serve')
    .description('(not built yet)')
    .action(
      action(() => {
        throw new Error('serve is not built yet');
      }),
    );
}
