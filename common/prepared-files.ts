/**
 * The cache folder's `prepared/` files (the registry, its space, a geo database's IPv4 runs): each
 * named by the content it was made from, written whole or not at all, the oldest of a kind pruned.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { log } from './log.js';

export const preparedPath = (cacheDir: string, name: string): string => join(cacheDir, 'prepared', name);

/** The file's bytes, or null when it is not there (not prepared yet). */
export function readPrepared(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch {
    return null;
  }
}

/**
 * Writes through a temporary file and a rename, then keeps the `keep` newest files whose names
 * match `kind`. Best effort: a folder that cannot be written is logged, the caller goes on.
 */
export function writePrepared(path: string, bytes: () => Buffer, kind: RegExp, keep: number, what: string): void {
  try {
    const dir = join(path, '..');
    mkdirSync(dir, { recursive: true });
    // Per process and thread: the jobs of one ingest may prepare the same file at once.
    const tmp = `${path}.${process.pid}-${threadId}.tmp`;
    writeFileSync(tmp, bytes());
    renameSync(tmp, path);
    const files = readdirSync(dir)
      .filter((f) => kind.test(f))
      .map((f) => ({ f, at: statSync(join(dir, f)).mtimeMs }))
      .sort((a, b) => b.at - a.at);
    for (const { f } of files.slice(keep)) rmSync(join(dir, f), { force: true });
  } catch (err) {
    log.warn({ file: path, err: err instanceof Error ? err.message : String(err) }, `${what} not saved`);
  }
}
