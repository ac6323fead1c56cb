import type { Command } from 'commander';
import { exitWhenWritten } from '../common/exit-now.js';
import { log, setLogLevel } from '../common/log.js';
import { UsageError } from './errors.js';

export interface ActionOptions {
  /**
   * End the process once the command is done and its output is flushed, rather than let Node
   * free the heap first: a batch command's heap (a registry, a table, its sums) is not worth
   * tearing down (~30 ms of `index build`), nor V8's background compiles worth waiting for
   * (15-35 ms of `parse` on a small file; common/exit-now.ts).
   */
  exitWhenDone?: boolean;
}

/**
 * Wraps a command handler: applies --log-level, turns thrown errors into a one-line
 * message on stderr and a non-zero exit code (2 for usage errors, 1 otherwise).
 */
export function action<A extends unknown[]>(handler: (...args: A) => Promise<void> | void, opts: ActionOptions = {}) {
  return async (...args: A): Promise<void> => {
    const command = args[args.length - 1] as Command;
    const { logLevel } = command.opts() as { logLevel?: string };
    if (logLevel) setLogLevel(logLevel);
    try {
      await handler(...args);
    } catch (err) {
      const name = commandPath(command);
      if (err instanceof UsageError) {
        process.stderr.write(`portolan ${name}: ${err.message}\n`);
        process.exitCode = err.exitCode;
      } else {
        const message = err instanceof Error ? err.message : String(err);
        log.debug({ err }, 'command failed');
        process.stderr.write(`portolan ${name}: ${message}\n`);
        process.exitCode = 1;
      }
    }
    if (opts.exitWhenDone) await exitWhenWritten();
  };
}

/** `registry stats`, not just `stats`: the words the user typed after `portolan`. */
function commandPath(command: Command): string {
  const words: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) words.unshift(c.name());
  return words.join(' ');
}
