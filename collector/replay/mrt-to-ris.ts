/**
 * MRT BGP4MP records → ris_message data, filled the way RIS Live fills it: `path` with an
 * AS_SET as a nested array, `community` as [asn, value] pairs, `origin` in lower case,
 * `aggregator` as "asn:ip", `announcements` grouped by next hop, `peer_asn` as a string and
 * `raw` as upper-case hex of the whole BGP message.
 */
import { updateToElems } from '../bgp/index.js';
import type { Bgp4mpMessageRecord, Bgp4mpStateChangeRecord } from '../models/mrt.js';
import { ESTABLISHED } from '../mrt/peer-state.js';
import type { BgpElem } from '../models/route-event.js';
import type { RisAnnouncement, RisMessageData, RisPathElement } from '../rislive/protocol.js';

export function isBgp4mpMessage(record: unknown): record is Bgp4mpMessageRecord {
  return !!record && typeof record === 'object' && (record as { kind?: unknown }).kind === 'bgp4mp-message';
}

export function isBgp4mpStateChange(record: unknown): record is Bgp4mpStateChangeRecord {
  return !!record && typeof record === 'object' && (record as { kind?: unknown }).kind === 'bgp4mp-state-change';
}

const TYPES: Record<string, string> = { update: 'UPDATE', keepalive: 'KEEPALIVE', open: 'OPEN', notification: 'NOTIFICATION' };

/** The RIS Live `path` of an element: sequences flattened, sets as nested arrays. */
export function segmentsToRisPath(elem: BgpElem): RisPathElement[] | undefined {
  if (!elem.as_path) return undefined;
  const out: RisPathElement[] = [];
  for (const s of elem.as_path) {
    if (s.type === 'AS_SET' || s.type === 'AS_CONFED_SET') out.push([...s.asns]);
    else out.push(...s.asns);
  }
  return out;
}

/** Builds the JSON projection of an UPDATE from its elements (all share the attributes). */
export function elemsToRisFields(elems: BgpElem[]): Partial<RisMessageData> {
  const out: Partial<RisMessageData> = {};
  const announces = elems.filter((e) => e.elem_type === 'announce');
  const withdraws = elems.filter((e) => e.elem_type === 'withdraw');
  const first = announces[0];
  if (first) {
    const path = segmentsToRisPath(first);
    if (path) out.path = path;
    const community = (first.communities ?? []).flatMap((c) => (c.type === 'standard' ? [[c.asn, c.value] as [number, number]] : []));
    if (community.length) out.community = community;
    if (first.origin) out.origin = first.origin.toLowerCase();
    if (first.med !== undefined) out.med = first.med;
    if (first.aggr_asn !== undefined) out.aggregator = `${first.aggr_asn}:${first.aggr_ip ?? ''}`;
    const byHop = new Map<string, RisAnnouncement>();
    for (const e of announces) {
      const hop = e.next_hop ?? '';
      let a = byHop.get(hop);
      if (!a) byHop.set(hop, (a = { next_hop: hop, prefixes: [] }));
      a.prefixes.push(e.prefix);
    }
    out.announcements = [...byHop.values()];
  }
  if (withdraws.length) out.withdrawals = withdraws.map((e) => e.prefix);
  return out;
}

export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();

/**
 * Converts one BGP4MP message record; null for message types RIS Live does not send.
 * `seq` makes the id unique, as RIS Live's ids are.
 */
export function mrtRecordToRis(record: Bgp4mpMessageRecord, host: string, seq: number): RisMessageData | null {
  const type = TYPES[record.message.type];
  // Messages the collector itself sent are not part of RIS Live's stream.
  if (!type || record.local) return null;
  const data: RisMessageData = {
    timestamp: record.timestamp,
    peer: record.peerIp,
    peer_asn: String(record.peerAsn),
    id: `${record.peerIp}-${record.timestamp}-${seq}`,
    host,
    type,
    raw: toHex(record.raw),
  };
  if (record.message.type === 'update') {
    const elems = updateToElems(record.message, { timestamp: record.timestamp, peer_ip: record.peerIp, peer_asn: record.peerAsn });
    Object.assign(data, elemsToRisFields(elems));
  }
  return data;
}

/**
 * A session coming up (Established) or going down (out of it), as RIS Live's RIS_PEER_STATE `up`
 * or `down`; null for other transitions (RIS Live's `connected`, TCP up, has no MRT record).
 */
export function stateChangeToRis(record: Bgp4mpStateChangeRecord, host: string, seq: number): RisMessageData | null {
  const state = record.newState === ESTABLISHED ? 'up' : record.oldState === ESTABLISHED ? 'down' : undefined;
  if (!state) return null;
  return { timestamp: record.timestamp, peer: record.peerIp, peer_asn: String(record.peerAsn), id: `${record.peerIp}-${record.timestamp}-${seq}`, host, type: 'RIS_PEER_STATE', state };
}
