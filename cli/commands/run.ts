import type { Command } from 'commander';
import { action } from '../action.js';

export function register(program: Command): void {
  program
    .command('run')
    .description('(not built yet)')
    .action(
      action(() => {
        throw new Error('run is not built yet');
      }),
    );
}
