/**
 * Headless Chromium for the browser tests: Debian's chromium driven by playwright-core (never
 * a downloaded browser), and the dashboard's web UI built into a test's own folder.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { projectRoot } from '../../common/paths.js';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

/** A suite title that says why it is skipped when Chromium is absent. */
export const browserSuite = (title: string): string => (hasChromium ? title : `${title} (skipped: ${CHROMIUM} not installed)`);

/** A fresh browser with its profile in `profileDir` (a test's temporary folder). */
export function launchChromium(profileDir: string, viewport: { width: number; height: number }): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
    viewport,
  });
}

/** Builds the dashboard's web UI (vite) into `outDir`. */
export function buildWebUi(outDir: string): void {
  execFileSync(process.execPath, [join(projectRoot(), 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(projectRoot(), 'dashboard/web/vite.config.ts'), '--outDir', outDir, '--logLevel', 'warn'], { cwd: projectRoot(), stdio: 'pipe' });
}
