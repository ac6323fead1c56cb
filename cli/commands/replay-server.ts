/** `portolan replay-server FILE…`: its flags; the work is in replay-server.action.ts, loaded when it runs. */
import { Option, type Command } from 'commander';
import { commonOption } from '../../common/config.js';
import { lazy } from '../lazy.js';

export function register(program: Command): void {
  program
    .command('replay-server')
    .description('serve MRT updates files or RIS Live JSONL captures over WebSocket, speaking the RIS Live protocol')
    .argument('<files...>', 'MRT updates files (raw, .gz, .bz2) or RIS Live JSONL captures, replayed in order')
    .option('--port <N>', 'TCP port (0 picks a free one)', '8081')
    .option('--host <ADDR>', 'address to listen on', '127.0.0.1')
    .option('--speed <X>', '1 keeps the capture timing, 10 is ten times faster, 0 sends as fast as the client reads', '1')
    .option('--loop', 'start again at the end of the capture')
    .option('--collector <NAME>', 'collector (host) name for MRT files (default: from the file path, rrcNN or route-views…, else `unknown`)')
    .addOption(new Option('--close-after <N>', 'fault injection: drop each connection after N messages').hideHelp())
    .addOption(new Option('--stall-after <N>', 'fault injection: stop sending after N messages, keep the socket open').hideHelp())
    .addOption(new Option('--malformed-every <N>', 'fault injection: add a malformed frame after every N messages').hideHelp())
    .addOption(commonOption('log-level'))
    .addHelpText('after', '\nClients connect to ws://HOST:PORT/v1/ws/ and send ris_subscribe as they would to RIS Live.\nExample: portolan replay-server ris.rrc06.updates.1427846400.gz --speed 0 --port 8081')
    .action(lazy(() => import('./replay-server.action.js'), 'replayServer'));
}
