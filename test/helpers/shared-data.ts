import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { projectRoot } from '../../common/paths.js';

/**
 * The team's real data folder (`../shared/data` beside the checkout). Read-only: tests
 * never write there. `PORTOLAN_SHARED_DATA` overrides the location.
 */
export const sharedDataDir = resolve(process.env.PORTOLAN_SHARED_DATA ?? join(projectRoot(), '..', 'shared', 'data'));

export const hasSharedData = existsSync(join(sharedDataDir, 'README.md'));

/** Why a real-data test is skipped, for `describe.skipIf(!hasSharedData)` titles. */
export const sharedDataSkipReason = `real data not found at ${sharedDataDir} (set PORTOLAN_SHARED_DATA)`;

export const sharedData = (...parts: string[]): string => join(sharedDataDir, ...parts);
