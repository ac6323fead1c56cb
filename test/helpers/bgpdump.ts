/** Debian's `bgpdump`, the independent reference the MRT parser and the routing state are checked against. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { hasSharedData, sharedDataSkipReason } from './shared-data.js';

export const BGPDUMP = '/usr/bin/bgpdump';
export const hasBgpdump = existsSync(BGPDUMP);

/** For the titles of suites that need both bgpdump and the shared data: why they are skipped, '' when they run. */
export const bgpdumpSkipReason = !hasSharedData ? sharedDataSkipReason : !hasBgpdump ? `bgpdump not installed at ${BGPDUMP} (apt-get install -y bgpdump)` : '';

/** `bgpdump -m FILE`'s text (latin1, as it writes bytes), its warnings dropped. */
export const bgpdumpText = (file: string): string => execFileSync(BGPDUMP, ['-m', file], { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] }).toString('latin1');
