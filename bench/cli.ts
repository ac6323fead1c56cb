/**
 * How a bench runs the `portolan` CLI: as users run it (dist/, built by `npm ci` or `npm run
 * build`), unless dist/ is older than the sources; then through tsx, whose start-up costs about
 * half a second more and whose loader also runs in every worker thread.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../common/paths.js';

export interface CliCommand {
  /** Arguments for process.execPath before the command's own. */
  args: string[];
  /** 'dist', or why it is not. */
  label: string;
}

export function portolanCli(): CliCommand {
  const dist = join(projectRoot(), 'dist', 'cli', 'main.js');
  const fresh = existsSync(dist) && statSync(dist).mtimeMs >= newestSource(['analyzer', 'cli', 'collector', 'common']);
  return fresh ? { args: [dist], label: 'dist' } : { args: ['--import', 'tsx', join(projectRoot(), 'cli', 'main.ts')], label: 'tsx (dist older than the sources: npm run build)' };
}

function newestSource(dirs: string[]): number {
  let newest = 0;
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const d of dirs) walk(join(projectRoot(), d));
  return newest;
}
