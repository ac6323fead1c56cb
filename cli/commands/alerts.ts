/** `portolan alerts check|test|replay`: the flags; the work is in alerts.action.ts, loaded when a sub-command runs. */
import type { Command } from 'commander';
import { commonOption } from '../../common/config.js';
import { DEFAULT_DEAD_LETTER } from '../../common/defaults.js';
import { lazy } from '../lazy.js';

export function register(program: Command): void {
  const alerts = program.command('alerts').description('alert rules and channels: check the rules, test the channels, resend dead-lettered alerts');

  alerts
    .command('check [FILE]')
    .description('validate an alerts.yml (FILE or --alerts) and print its channels and rules; errors name the line')
    .addOption(commonOption('alerts'))
    .addOption(commonOption('log-level'))
    .action(lazy(() => import('./alerts.action.js'), 'check'));

  alerts
    .command('test')
    .description('send a test alert through each configured channel (or one) and report success or the error')
    .option('--channel <NAME>', 'only this channel')
    .option('--dashboard-url <URL>', 'dashboard base URL for the link', undefined)
    .addOption(commonOption('alerts'))
    .addOption(commonOption('log-level'))
    .action(lazy(() => import('./alerts.action.js'), 'test'));

  alerts
    .command('replay')
    .description('resend dead-lettered alerts through their channels; those that fail again stay in the file')
    .option('--dead-letter <FILE>', `dead-letter file (default: the alerts file's dead-letter, else ${DEFAULT_DEAD_LETTER})`)
    .addOption(commonOption('alerts'))
    .addOption(commonOption('log-level'))
    .action(lazy(() => import('./alerts.action.js'), 'replay'));
}
