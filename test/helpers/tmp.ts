import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The folders the running test file made. */
const made: string[] = [];

/**
 * A fresh temporary folder for one test file (tests never write anywhere else), removed after the
 * file's tests (test/helpers/remove-tmp-dirs.ts); PORTOLAN_KEEP_TEST_DIRS=1 keeps it, to look at
 * after a failure.
 */
export const makeTmpDir = (label: string): string => {
  const dir = mkdtempSync(join(tmpdir(), `portolan-${label}-`));
  made.push(dir);
  return dir;
};

/** Removes the folders makeTmpDir made (a full run left gigabytes of stores behind). */
export function removeTmpDirs(): void {
  if (process.env.PORTOLAN_KEEP_TEST_DIRS) return;
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
