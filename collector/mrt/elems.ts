/** The element iterator: MRT records → BgpElem, one per prefix, in file order. */
import { formatNlri } from '../bgp/addr.js';
import { announce, elemAttributes, updateToElems } from '../bgp/elems.js';
import type { BgpElem } from '../models/route-event.js';
import type { MrtRecord } from '../models/mrt.js';
import { readMrtRecords, type MrtReadOptions, type MrtSource } from './records.js';
import { newStats, type MrtReadStats } from './stats.js';

/** The elements of one record (empty for state changes, peer tables, keepalives…). */
export function recordToElems(r: MrtRecord): BgpElem[] {
  switch (r.kind) {
    case 'bgp4mp-message':
      return r.message.type === 'update' ? updateToElems(r.message, { timestamp: r.timestamp, peer_ip: r.peerIp, peer_asn: r.peerAsn }) : [];
    case 'bgp-legacy-update':
      return updateToElems(r.update, { timestamp: r.timestamp, peer_ip: r.peerIp, peer_asn: r.peerAsn });
    case 'table-dump': {
      const fields = elemAttributes(r.attributes, false);
      const nh = r.attributes.mpReach?.[0]?.nextHop ?? r.attributes.nextHop;
      return [announce(r.prefix, { timestamp: r.timestamp, peer_ip: r.peerIp, peer_asn: r.peerAsn }, fields, nh)];
    }
    case 'rib': {
      const out: BgpElem[] = [];
      const prefix = formatNlri(r.prefix);
      for (const e of r.entries) {
        if (!e.peer) continue; // counted as no-peer-index / bad-peer-index by the reader
        const fields = elemAttributes(e.attributes, true);
        const nh = e.attributes.mpReach?.[0]?.nextHop ?? e.attributes.nextHop;
        const elem = announce(r.prefix, { timestamp: r.timestamp, peer_ip: e.peer.ip, peer_asn: e.peer.asn }, fields, nh);
        elem.prefix = prefix;
        if (e.pathId !== undefined) elem.path_id = e.pathId;
        out.push(elem);
      }
      return out;
    }
    default:
      return [];
  }
}

/** Whether a record is an entry of a RIB dump (a table), not a BGP message. */
export const isRibRecord = (r: MrtRecord): boolean => r.kind === 'table-dump' || r.kind === 'rib';

/** Each record with its elements, in file order (records without elements too). */
export async function* readMrtRecordElems(source: MrtSource, stats: MrtReadStats = newStats(), opts: MrtReadOptions = {}): AsyncGenerator<{ record: MrtRecord; elems: BgpElem[] }> {
  for await (const record of readMrtRecords(source, stats, opts)) {
    const elems = recordToElems(record);
    stats.elements += elems.length;
    yield { record, elems };
  }
}

/** Streams the elements (one per prefix) of an MRT file, in file order. RIB entries are 'announce'. */
export async function* readMrtElems(source: MrtSource, stats: MrtReadStats = newStats()): AsyncGenerator<BgpElem> {
  for await (const { elems } of readMrtRecordElems(source, stats)) yield* elems;
}
