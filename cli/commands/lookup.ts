/** `portolan lookup TARGET…`: its flags; the work is in lookup.action.ts, loaded when it runs. */
import type { Command } from 'commander';
import { commonOption } from '../../common/config.js';
import { lazy } from '../lazy.js';

export function register(program: Command): void {
  program
    .command('lookup')
    .description('what the registries and geolocation say about IPs, prefixes and AS numbers')
    .argument('<target...>', 'IP address, prefix (addr/len), AS number (AS123 or 123), or - to read targets from stdin, one per line')
    .option('--json', 'one JSON object per target per line, in input order')
    .option('--routing', 'add the routing view from the store (--db or --clickhouse): origins seen, first/last seen, origin-out-of-region')
    .addOption(commonOption('db'))
    .addOption(commonOption('clickhouse'))
    .addOption(commonOption('clickhouse-cluster'))
    .addOption(commonOption('raw-ttl-days'))
    .addOption(commonOption('rir-dir'))
    .addOption(commonOption('iana-dir'))
    .addOption(commonOption('cache-dir'))
    .addOption(commonOption('geo'))
    .addOption(commonOption('rpki'))
    .addOption(commonOption('as-names'))
    .addOption(commonOption('log-level'))
    .addHelpText(
      'after',
      '\nExamples:\n  portolan lookup --rir-dir ./rir 154.80.0.0/16 AS4134 8.8.8.8\n  cut -f1 prefixes.txt | portolan lookup --json -\n' +
        '\nGeolocation by default: DB-IP Lite country (https://db-ip.com), CC BY 4.0.',
    )
    .action(lazy(() => import('./lookup.action.js'), 'lookup'));
}
