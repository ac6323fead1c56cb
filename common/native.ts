/**
 * The project's small native addons (native/*.c, built by `npm run build:native`, which `npm ci`
 * runs): each is an optional saving, so one that was not built (no C compiler or Node headers at
 * install) or does not load (another platform's build) is null and its caller does without.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { log } from './log.js';
import { projectRoot } from './paths.js';

const loaded = new Map<string, unknown>();

/** native/build/Release/<name>.node, or null; `without` says in the warning what is lost when it does not load. */
export function nativeAddon<T>(name: string, without: string): T | null {
  if (loaded.has(name)) return loaded.get(name) as T | null;
  const file = join(projectRoot(), 'native', 'build', 'Release', `${name}.node`);
  let addon: T | null = null;
  if (existsSync(file)) {
    try {
      addon = createRequire(import.meta.url)(file) as T;
    } catch (err) {
      log.warn({ file, err: err instanceof Error ? err.message : String(err) }, `native/${name} did not load; ${without}`);
    }
  }
  loaded.set(name, addon);
  return addon;
}
