/** UPDATE (or RIB entry) → one BgpElem per prefix, shaped like bgpkit-parser's BgpElem. */
import type { BgpUpdate, Nlri, PathAttributes } from '../models/bgp.js';
import type { AsPathSegment, BgpElem, Community, Origin } from '../models/route-event.js';
import { formatNlri } from './addr.js';
import { effectivePath } from './as4-merge.js';
import { mpRoutes } from './nlri.js';

const ORIGINS: Origin[] = ['IGP', 'EGP', 'INCOMPLETE'];

export interface ElemMeta {
  timestamp: number;
  peer_ip: string;
  peer_asn: number;
}

/** The attribute part of an announce element; shared by every prefix of one UPDATE. */
export type ElemAttributes = Omit<BgpElem, 'timestamp' | 'elem_type' | 'peer_ip' | 'peer_asn' | 'prefix' | 'path_id'>;

export function originAsns(path: AsPathSegment[]): number[] | undefined {
  for (let i = path.length - 1; i >= 0; i--) {
    const s = path[i];
    if (s.type === 'AS_CONFED_SEQUENCE' || s.type === 'AS_CONFED_SET' || s.asns.length === 0) continue;
    return s.type === 'AS_SEQUENCE' ? [s.asns[s.asns.length - 1]] : [...s.asns];
  }
  return undefined;
}

export function elemAttributes(attrs: PathAttributes, as4: boolean): ElemAttributes {
  const out: ElemAttributes = { atomic: attrs.atomicAggregate };
  const eff = effectivePath(attrs, as4);
  if (attrs.nextHop !== undefined) out.next_hop = attrs.nextHop;
  if (eff.asPath) {
    out.as_path = eff.asPath;
    const o = originAsns(eff.asPath);
    if (o) out.origin_asns = o;
  }
  if (attrs.origin !== undefined && attrs.origin <= 2) out.origin = ORIGINS[attrs.origin];
  if (attrs.localPref !== undefined) out.local_pref = attrs.localPref;
  if (attrs.med !== undefined) out.med = attrs.med;
  if (attrs.communities || attrs.extendedCommunities || attrs.largeCommunities) {
    const list: Community[] = [];
    for (const c of attrs.communities ?? []) list.push({ type: 'standard', asn: c >>> 16, value: c & 0xffff });
    for (const hex of attrs.extendedCommunities ?? []) list.push({ type: 'extended', hex });
    for (const [global, local1, local2] of attrs.largeCommunities ?? []) list.push({ type: 'large', global, local1, local2 });
    out.communities = list;
  }
  if (eff.aggregator) {
    out.aggr_asn = eff.aggregator.asn;
    out.aggr_ip = eff.aggregator.ip;
  }
  if (attrs.onlyToCustomer !== undefined) out.only_to_customer = attrs.onlyToCustomer;
  return out;
}

function withdraw(n: Nlri, meta: ElemMeta): BgpElem {
  const e: BgpElem = { timestamp: meta.timestamp, elem_type: 'withdraw', peer_ip: meta.peer_ip, peer_asn: meta.peer_asn, prefix: formatNlri(n), atomic: false };
  if (n.pathId !== undefined) e.path_id = n.pathId;
  return e;
}

export function announce(n: Nlri, meta: ElemMeta, fields: ElemAttributes, nextHop: string | undefined): BgpElem {
  const e: BgpElem = { timestamp: meta.timestamp, elem_type: 'announce', peer_ip: meta.peer_ip, peer_asn: meta.peer_asn, prefix: formatNlri(n), ...fields };
  if (n.pathId !== undefined) e.path_id = n.pathId;
  if (nextHop !== undefined) e.next_hop = nextHop;
  else delete e.next_hop;
  return e;
}

/**
 * One element per withdrawn prefix (withdrawn routes, MP_UNREACH_NLRI), then one per
 * announced prefix (NLRI, MP_REACH_NLRI). Under RFC 7606 treat-as-withdraw the announced
 * prefixes become withdrawals. A field recovered as ADD-PATH (nlri.ts) gives its ADD-PATH
 * reading, with path ids; the plain reading is only for the bgpdump view.
 */
export function updateToElems(update: BgpUpdate, meta: ElemMeta): BgpElem[] {
  const out: BgpElem[] = [];
  const recovered = update.addPathRecovery;
  for (const n of recovered?.withdrawn?.nlri ?? update.withdrawn) out.push(withdraw(n, meta));
  for (const u of update.attributes.mpUnreach ?? []) for (const n of mpRoutes(u)) out.push(withdraw(n, meta));
  const announced = recovered?.announced?.nlri ?? update.announced;
  const reaches = update.attributes.mpReach ?? [];
  if (announced.length === 0 && !reaches.some((r) => mpRoutes(r).length)) return out;
  if (update.treatAsWithdraw) {
    for (const n of announced) out.push(withdraw(n, meta));
    for (const r of reaches) for (const n of mpRoutes(r)) out.push(withdraw(n, meta));
    return out;
  }
  const fields = elemAttributes(update.attributes, update.as4);
  for (const n of announced) out.push(announce(n, meta, fields, update.attributes.nextHop));
  for (const r of reaches) for (const n of mpRoutes(r)) out.push(announce(n, meta, fields, r.nextHop));
  return out;
}
