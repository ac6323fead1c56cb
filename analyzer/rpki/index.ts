/** RPKI: VRP exports → an index for route-origin validation (RFC 6811) and trust-anchor checks. */
export { VrpIndex } from './vrp-index.js';
export { loadVrps, vrpIndexFromText, vrpSources, VrpLoadError, type VrpLoadOptions } from './load.js';
export { parseVrpText, VrpFormatError, taOfSource } from './formats.js';
export { RpkiFeed, type RpkiFeedStats } from './feed.js';
export { checkTrustAnchors, rirOfTa, isAs0Ta, NIR_RIR } from './ta-check.js';
