import type { AttrDecoder } from './attr-input.js';

/** ATOMIC_AGGREGATE (RFC 4271 §5.1.6): no value. */
export const decodeAtomicAggregate: AttrDecoder = (a, attrs) => {
  attrs.atomicAggregate = true;
  return a.len !== 0 ? `ATOMIC_AGGREGATE length ${a.len} (expected 0)` : undefined;
};
