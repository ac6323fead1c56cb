import type { Command } from 'commander';
import { action } from '../action.js';

export function register(program: Command): void {
  program
    .command('replay-server')
    .description('(not built yet)')
    .action(
      action(() => {
        throw new Error('replay-server is not built yet');
      }),
    );
}
