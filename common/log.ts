import { createRequire } from 'node:module';
import type { Logger, LevelWithSilent } from 'pino';

/**
 * One structured logger for the whole process. JSON lines on stderr by default (stdout is
 * kept for command output such as `portolan parse`); pretty-printed when stderr is a TTY.
 *
 * pino loads on the first call that logs, not at import: about 50 ms of every command's
 * start-up (and of each worker thread's) that a run which logs nothing never pays.
 */
function makeLogger(level: string): Logger {
  const { pino } = createRequire(import.meta.url)('pino') as typeof import('pino');
  const pretty = process.stderr.isTTY && process.env.PORTOLAN_LOG_FORMAT !== 'json';
  if (pretty) {
    return pino({
      level,
      transport: { target: 'pino-pretty', options: { destination: 2, colorize: true, translateTime: 'SYS:HH:MM:ss.l' } },
    });
  }
  return pino({ level }, pino.destination({ fd: 2, sync: false }));
}

let level: string = (process.env.PORTOLAN_LOG_LEVEL as LevelWithSilent | undefined) || 'info';
let created: Logger | null = null;

/** The process logger, made now if it was not yet; `log` then points at it directly. */
function processLogger(): Logger {
  if (!created) {
    created = makeLogger(level);
    if (log === standIn) log = created;
  }
  return created;
}

/** pino's levels; a call below the level set logs nothing, so it need not load pino. */
const LEVEL_VALUES: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };
const noop = (): void => {};

/** Stands for the process logger until its first use (a call at or above the level, or reading a property). */
const standIn: Logger = new Proxy({} as Logger, {
  get(_target, key) {
    if (!created && typeof key === 'string' && LEVEL_VALUES[key] < (LEVEL_VALUES[level] ?? 0)) return noop;
    const logger = processLogger();
    const value: unknown = Reflect.get(logger, key, logger);
    return typeof value === 'function' ? value.bind(logger) : value;
  },
  set(_target, key, value) {
    return Reflect.set(processLogger(), key, value);
  },
});

export let log: Logger = standIn;

/** The stream the logger writes to (SonicBoom on fd 2, or the pretty transport's thread stream). */
interface LogStream {
  end(): void;
  once(event: 'close', listener: () => void): unknown;
}

/**
 * Resolves once every line logged so far has been written, by ending the logger's stream (it
 * finishes a write in flight on libuv's threads, then writes the rest): for the process's last
 * moment, before an exit that would cut such a write (common/exit-now.ts). At most `timeoutMs`.
 */
export function endLog(timeoutMs = 5_000): Promise<void> {
  if (!created) return Promise.resolve();
  const { pino } = createRequire(import.meta.url)('pino') as typeof import('pino');
  const stream = (created as unknown as Record<symbol, LogStream | undefined>)[pino.symbols.streamSym];
  if (!stream || typeof stream.end !== 'function') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    stream.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    stream.end();
  });
}

/** Whether the process logger was made (something logged at or above the level). */
export const loggerStarted = (): boolean => created !== null;

export function setLogLevel(next: string): void {
  if (log === standIn || log === created) {
    level = next;
    if (created) created.level = next;
  } else log.level = next;
}

/** Replace the process logger (tests capture warnings this way; passing back a saved `log` restores it). */
export function setLogger(logger: Logger): void {
  log = logger === standIn && created ? created : logger;
}

export type { Logger };
