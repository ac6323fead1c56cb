import type { Command } from 'commander';
import { action } from '../action.js';

export function register(program: Command): void {
  program
    .command('alerts')
    .description('(not built yet)')
    .action(
      action(() => {
        throw new Error('alerts is not built yet');
      }),
    );
}
