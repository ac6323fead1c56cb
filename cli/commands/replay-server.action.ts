/** `portolan replay-server FILE…`: what the declaration in replay-server.ts runs. */
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

export const replayServer = action(async (files: string[], opts: ReplayServerCliOptions) => {
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
});
