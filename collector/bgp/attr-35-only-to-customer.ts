import { u32, type AttrDecoder } from './attr-input.js';

/** ONLY_TO_CUSTOMER (RFC 9234): the ASN the route may only go down from. */
export const decodeOnlyToCustomer: AttrDecoder = (a, attrs) => {
  if (a.len !== 4) return `ONLY_TO_CUSTOMER length ${a.len} (expected 4)`;
  attrs.onlyToCustomer = u32(a.b, a.off);
  return undefined;
};
