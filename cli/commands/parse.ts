import type { Command } from 'commander';
import { action } from '../action.js';

export function register(program: Command): void {
  program
    .command('parse')
    .description('(not built yet)')
    .action(
      action(() => {
        throw new Error('parse is not built yet');
      }),
    );
}
