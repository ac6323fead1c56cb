/** Prefix state: per (prefix, origin) visibility, first/last seen and lifecycle events. See README.md. */
export { DEFAULT_MAX_PAIRS, PrefixState, type Classify, type PairView, type PrefixStateCounters } from './prefix-state.js';
export { partialSnapshotPrefix, SnapshotError } from './snapshot.js';
export type { PeerKey } from './peer-paths.js';
export { originAsnsOf } from './origins.js';
