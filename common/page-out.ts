/**
 * Hands the resident pages of a mapped file back to the kernel (native/page-out.c, built by
 * `npm run build:native`): a hint that loses nothing, a page used later is read back from the file.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { log } from './log.js';
import { projectRoot } from './paths.js';

interface PageOutAddon {
  pageOut(pathPart: string): number;
}

let addon: PageOutAddon | null | undefined;

/** The addon, or null where it was not built (no C compiler or Node headers at install) or does not load. */
function load(): PageOutAddon | null {
  if (addon !== undefined) return addon;
  const file = join(projectRoot(), 'native', 'build', 'Release', 'page_out.node');
  addon = null;
  if (!existsSync(file)) return addon;
  try {
    addon = createRequire(import.meta.url)(file) as PageOutAddon;
  } catch (err) {
    // An optional saving: a build that does not load (another platform's) must not stop the store.
    log.warn({ file, err: err instanceof Error ? err.message : String(err) }, 'native/page-out did not load; chDB start-up pages stay resident');
  }
  return addon;
}

/** Pages out every mapping whose path contains `pathPart`; the bytes advised, or null without the addon. */
export function pageOutMappedFile(pathPart: string): number | null {
  return load()?.pageOut(pathPart) ?? null;
}
