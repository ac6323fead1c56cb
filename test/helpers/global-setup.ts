/**
 * Before any test file: commands that tests run without `--cache-dir` would write their caches
 * (e.g. the registry prepared by `index build`) into ./data/registry of the checkout. They get a
 * temporary folder instead, inherited by the test processes and the CLIs they start; removed at
 * the end. A test that sets PORTOLAN_CACHE_DIR or --cache-dir itself is unaffected.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'portolan-test-cache-'));
  process.env.PORTOLAN_CACHE_DIR ??= dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
