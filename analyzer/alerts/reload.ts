import { watch, type FSWatcher } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { log } from '../../common/log.js';
import { AlertsConfigError, parseAlertsConfig, type AlertsConfig } from './rules.js';

export interface RulesWatcher {
  /** Re-reads the file now (also what the watchers call). Resolves true when new rules were applied. */
  check(): Promise<boolean>;
  close(): void;
}

export interface WatchOptions {
  onRules(config: AlertsConfig): void;
  onError?(error: Error): void;
  debounceMs?: number;
  /** Polling interval: the fallback for file systems where fs.watch misses changes (NFS, some containers). */
  pollMs?: number;
}

/**
 * Watches alerts.yml: fs.watch on its folder (editors often replace the file by a rename) with a
 * debounce, plus polling. A file that fails validation is rejected with its line-numbered errors
 * in the log, and the rules in force stay.
 */
export function watchRules(path: string, initialText: string, opts: WatchOptions): RulesWatcher {
  const debounceMs = opts.debounceMs ?? 200;
  let lastText = initialText;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<boolean> | undefined;
  let closed = false;

  const check = async (): Promise<boolean> => {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      // Mid-rename or deleted: keep the rules; the next change or poll tries again.
      log.debug({ file: path, err }, 'alerts file not readable now');
      return false;
    }
    if (text === lastText || closed) return false;
    lastText = text;
    try {
      const config = parseAlertsConfig(text, path);
      opts.onRules(config);
      log.info({ file: path, rules: config.rules.length, channels: config.channels.length }, 'alert rules reloaded');
      return true;
    } catch (err) {
      const problems = err instanceof AlertsConfigError ? err.problems : [];
      for (const p of problems) log.error({ file: path, line: p.line, col: p.col }, `alerts file rejected, previous rules stay active: ${p.message}`);
      if (!problems.length) log.error({ file: path, err }, 'alerts file rejected, previous rules stay active');
      opts.onError?.(err as Error);
      return false;
    }
  };
  // Serialise checks so two quick changes cannot apply out of order.
  const serialCheck = (): Promise<boolean> => (running = (running ?? Promise.resolve(false)).then(check, check));
  const schedule = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => void serialCheck(), debounceMs);
    timer.unref();
  };

  let watcher: FSWatcher | undefined;
  try {
    const name = basename(path);
    watcher = watch(dirname(path), { persistent: false }, (_event, file) => {
      if (!file || file.toString() === name) schedule();
    });
    watcher.on('error', (err) => log.warn({ file: path, err }, 'fs.watch failed; polling only'));
  } catch (err) {
    log.warn({ file: path, err }, 'fs.watch unavailable; polling only');
  }
  let lastStamp = '';
  const poll = setInterval(() => {
    stat(path).then(
      (s) => {
        const stamp = `${s.mtimeMs}:${s.size}:${s.ino}`;
        if (lastStamp && stamp !== lastStamp) schedule();
        lastStamp = stamp;
      },
      () => undefined,
    );
  }, opts.pollMs ?? 2000);
  poll.unref();

  return {
    check: serialCheck,
    close() {
      closed = true;
      clearTimeout(timer);
      clearInterval(poll);
      watcher?.close();
    },
  };
}
