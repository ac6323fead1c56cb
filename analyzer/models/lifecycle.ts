import type { Finding } from './finding.js';

/**
 * What changes for a (prefix, origin) pair over time; the alerts and the live feed consume these.
 * - `finding-started`: the pair is announced and classifies with at least one mismatch kind.
 * - `finding-ended`: the mismatch stopped, because the usage is back in region (`restored`)
 *    or because the last peer withdrew the route (`withdrawn`).
 * - `origin-changed`: a prefix is now originated by a different AS.
 */
export type LifecycleEvent =
  | { type: 'finding-started'; time: number; finding: Finding }
  | { type: 'finding-ended'; time: number; reason: 'restored' | 'withdrawn'; finding: Finding }
  | { type: 'origin-changed'; time: number; prefix: string; previousOriginAsns: number[]; finding: Finding };
