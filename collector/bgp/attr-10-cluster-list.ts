import { formatIpv4At } from '../../common/ip.js';
import type { AttrDecoder } from './attr-input.js';

/** CLUSTER_LIST (RFC 4456): a list of IPv4 cluster ids. */
export const decodeClusterList: AttrDecoder = (a, attrs) => {
  if (a.len % 4 !== 0) return `CLUSTER_LIST length ${a.len} not a multiple of 4`;
  const list: string[] = [];
  for (let p = a.off; p < a.off + a.len; p += 4) list.push(formatIpv4At(a.b, p));
  attrs.clusterList = list;
  return undefined;
};
