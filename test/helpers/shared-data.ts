import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { projectRoot } from '../../common/paths.js';

/**
 * The team's real data folder (`../shared/data` beside the checkout). Read-only: tests
 * never write there. `PORTOLAN_SHARED_DATA` overrides the location.
 */
export const sharedDataDir = resolve(process.env.PORTOLAN_SHARED_DATA ?? join(projectRoot(), '..', 'shared', 'data'));

export const hasSharedData = existsSync(join(sharedDataDir, 'README.md'));

/**
 * For `describe.skipIf(!hasSharedData)` titles: says why the suite is skipped when the data is
 * absent, and just "real data" when it runs.
 */
export const sharedDataSkipReason = hasSharedData
  ? 'real data'
  : `skipped: real data not found at ${sharedDataDir} (set PORTOLAN_SHARED_DATA)`;

export const sharedData = (...parts: string[]): string => join(sharedDataDir, ...parts);
