/** Who may use the dashboard and how much the SQL console may take: flags shared by `run` and `serve`. */
import type { Command } from 'commander';
import { commonOption } from '../common/config.js';

export function addAccessOptions(cmd: Command): Command {
  return cmd
    .addOption(commonOption('api-token'))
    .option('--public-pages', 'with --api-token: pages, the live feed and read-only GET APIs need no token (the SQL console always does)')
    .addOption(commonOption('query-memory'))
    .addOption(commonOption('console-queries'))
    .addOption(commonOption('console-rate'));
}
