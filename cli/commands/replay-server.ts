import { Option, type Command } from 'commander';
import { commonOption } from '../../common/config.js';
import { startReplayServer } from '../../collector/replay/server.js';
import { action } from '../action.js';
import { UsageError } from '../errors.js';

interface ReplayServerCliOptions {
  port: string;
  host: string;
  speed: string;
  loop?: boolean;
  collector?: string;
  closeAfter?: string;
  stallAfter?: string;
  malformedEvery?: string;
}

function count(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a whole number ≥ 1, got "${value}"`);
  return n;
}

export function register(program: Command): void {
  program
    .command('replay-server')
    .description('serve MRT updates files or RIS Live JSONL captures over WebSocket, speaking the RIS Live protocol')
    .argument('<files...>', 'MRT updates files (raw, .gz, .bz2) or RIS Live JSONL captures, replayed in order')
    .option('--port <N>', 'TCP port (0 picks a free one)', '8081')
    .option('--host <ADDR>', 'address to listen on', '127.0.0.1')
    .option('--speed <X>', '1 keeps the capture timing, 10 is ten times faster, 0 sends as fast as the client reads', '1')
    .option('--loop', 'start again at the end of the capture')
    .option('--collector <NAME>', 'collector (host) name for MRT files (default: from the file name, e.g. rrc06)')
    .addOption(new Option('--close-after <N>', 'fault injection: drop each connection after N messages').hideHelp())
    .addOption(new Option('--stall-after <N>', 'fault injection: stop sending after N messages, keep the socket open').hideHelp())
    .addOption(new Option('--malformed-every <N>', 'fault injection: add a malformed frame after every N messages').hideHelp())
    .addOption(commonOption('log-level'))
    .addHelpText('after', '\nClients connect to ws://HOST:PORT/v1/ws/ and send ris_subscribe as they would to RIS Live.\nExample: portolan replay-server ris.rrc06.updates.1427846400.gz --speed 0 --port 8081')
    .action(
      action(async (files: string[], opts: ReplayServerCliOptions) => {
        const port = Number(opts.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0..65535, got "${opts.port}"`);
        const speed = Number(opts.speed);
        if (!Number.isFinite(speed) || speed < 0) throw new UsageError(`--speed must be a number ≥ 0, got "${opts.speed}"`);
        const faults = {
          closeAfter: count('close-after', opts.closeAfter),
          stallAfter: count('stall-after', opts.stallAfter),
          malformedEvery: count('malformed-every', opts.malformedEvery),
        };
        let server;
        try {
          server = await startReplayServer({ files, host: opts.host, port, speed, loop: opts.loop, collector: opts.collector, faults });
        } catch (err) {
          const e = err as NodeJS.ErrnoException;
          if (e.code === 'EADDRINUSE') throw new UsageError(`port ${port} on ${opts.host} is in use; pick another with --port`, 1);
          if (/no such file|no capture files/.test(e.message)) throw new UsageError(e.message);
          throw err;
        }
        process.stdout.write(`replay server listening on ${server.url}\n`);
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        const stats = server.stats();
        await server.close();
        process.stdout.write(`replay server stopped: ${stats.connections} connection(s), ${stats.messagesSent} message(s) sent\n`);
      }),
    );
}
