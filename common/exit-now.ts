/**
 * Ends the process as process.exit() does, without waiting for V8's background compiles
 * (native/exit-now.c): the 'exit' listeners run (the logger's flush), then the process ends.
 * Only for a process whose output is written: nothing after this runs.
 */
import { endLog } from './log.js';
import { nativeAddon } from './native.js';

interface ExitNowAddon {
  exitNow(code: number): never;
}

/**
 * Waits until what was written to stdout, stderr and the log has gone out (a pipe is
 * asynchronous on some systems; the logger writes on libuv's threads, and a line in flight there
 * when the process ends is cut: 180 of 20,000 lines logged just before the end, on a loaded
 * machine), then exitNow().
 */
export async function exitWhenWritten(): Promise<never> {
  await Promise.all([process.stdout, process.stderr].map((s) => new Promise((resolve) => s.write('', resolve))));
  await endLog();
  return exitNow();
}

export function exitNow(code: number = Number(process.exitCode ?? 0)): never {
  const addon = nativeAddon<ExitNowAddon>('exit_now', 'commands end through process.exit()');
  if (!addon) process.exit(code);
  process.exitCode = code;
  process.emit('exit', code);
  // As process.exit(): an 'exit' listener may still set the code.
  return addon.exitNow(Number(process.exitCode ?? code));
}
