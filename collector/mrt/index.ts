/** The MRT reader (RFC 6396, RFC 8050): records and elements, streamed with bounded memory. */
export { readMrtFrameBatches, readMrtRecords, type MrtSource } from './records.js';
export { isRibRecord, readMrtElems, readMrtRecordElems, recordToElems } from './elems.js';
export { newStats, logSummary, type MrtReadStats } from './stats.js';
export type { MrtRecord, Bgp4mpMessageRecord } from '../models/mrt.js';
export { readMrtRoutes, PATH_ATTRIBUTES, type MrtRouteVisitor, type RoutePath } from './routes.js';
export { peerDownOf, ESTABLISHED, type MrtPeerDown } from './peer-state.js';
