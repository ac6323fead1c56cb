/** What each BGP4MP message subtype says of its session (RFC 6396 §4.4, RFC 8050). */
const MESSAGE_SUBTYPES: Record<number, { as4: boolean; local: boolean; addPath: boolean }> = {
  1: { as4: false, local: false, addPath: false },
  4: { as4: true, local: false, addPath: false },
  6: { as4: false, local: true, addPath: false },
  7: { as4: true, local: true, addPath: false },
  8: { as4: false, local: false, addPath: true },
  9: { as4: true, local: false, addPath: true },
  10: { as4: false, local: true, addPath: true },
  11: { as4: true, local: true, addPath: true },
};

/** What a BGP4MP message subtype says of its session (undefined: not a message subtype). */
export const bgp4mpMessageSubtype = (subtype: number): { as4: boolean; local: boolean; addPath: boolean } | undefined => MESSAGE_SUBTYPES[subtype];
