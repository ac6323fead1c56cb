/** `portolan archives`: its flags; the work is in archives.action.ts, loaded when it runs. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { commonOption } from '../../common/config.js';
import { lazy } from '../lazy.js';

export function register(program: Command): void {
  program
    .command('archives')
    .description("list RIS and RouteViews MRT archive files (URLs) of collectors over a time range, read from the archives' folder pages, for `ingest --files-from -`")
    .requiredOption('--collector <NAMES>', 'collectors, comma-separated or the flag repeated: rrc00…, route-views2, route-views.linx…', (value: string, previous: string[] = []) => [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)])
    .requiredOption('--from <TIME>', 'start of the range (included): an ISO date (midnight UTC), a date-time with a zone (2024-05-01T06:00Z), seconds since 1970, or an age (6h, 2d)')
    .option('--until <TIME>', 'end of the range (excluded), in the same forms (default: now)')
    .addOption(new Option('--type <TYPE>', 'updates: updates files whose messages overlap the range; rib: RIB dumps (RIS bview, RouteViews rib) dumped in it; all: both').choices(['updates', 'rib', 'all']).default('updates'))
    .option('--every <DURATION>', 'with --type rib or all: of each collector\'s RIB dumps, only the first in each period this long, counted from 1970-01-01 UTC (1d: one a UTC day, for `index backfill`)')
    .option('--rib-first', "start each collector with its last RIB dump at or before --from, and list its updates files from that dump's time: the files that rebuild the routing state as it was at --from")
    .option('--json', 'one JSON object a file (url, project, collector, type, time) instead of its URL')
    .addOption(new Option('--ris-archive <URL>', 'root of the RIS archive (a mirror)').default('https://data.ris.ripe.net').env('PORTOLAN_RIS_ARCHIVE'))
    .addOption(new Option('--routeviews-archive <URL>', 'root of the RouteViews archive (a mirror)').default('https://archive.routeviews.org').env('PORTOLAN_ROUTEVIEWS_ARCHIVE'))
    .addOption(commonOption('log-level'))
    .addHelpText(
      'after',
      '\nFiles are printed in time order, a RIB dump before the updates file of its time; a summary goes to stderr.\n' +
        'Examples:\n' +
        '  portolan archives --collector rrc00,route-views2 --from 2024-01-01 --until 2024-01-02\n' +
        '  portolan archives --collector rrc00 --from 2024-01-01T06:00Z --until 2024-01-01T12:00Z --rib-first | portolan ingest --files-from -\n' +
        '  portolan archives --collector rrc00,route-views2 --type rib --every 1d --from 2024-01-01 --until 2025-01-01 | portolan index backfill --files-from -',
    )
    .action(lazy(() => import('./archives.action.js'), 'archives'));
}
