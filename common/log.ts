import { pino, type Logger, type LevelWithSilent } from 'pino';

/**
 * One structured logger for the whole process. JSON lines on stderr by default (stdout is
 * kept for command output such as `portolan parse`); pretty-printed when stderr is a TTY.
 */
function makeLogger(level: LevelWithSilent): Logger {
  const pretty = process.stderr.isTTY && process.env.PORTOLAN_LOG_FORMAT !== 'json';
  if (pretty) {
    return pino({
      level,
      transport: { target: 'pino-pretty', options: { destination: 2, colorize: true, translateTime: 'SYS:HH:MM:ss.l' } },
    });
  }
  return pino({ level }, pino.destination({ fd: 2, sync: false }));
}

export let log: Logger = makeLogger((process.env.PORTOLAN_LOG_LEVEL as LevelWithSilent) ?? 'info');

export function setLogLevel(level: string): void {
  log.level = level;
}

/** Replace the process logger (tests capture warnings this way). */
export function setLogger(logger: Logger): void {
  log = logger;
}

export type { Logger };
