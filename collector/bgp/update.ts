/** UPDATE message body (RFC 4271 §4.3): withdrawn routes, path attributes, NLRI. */
import type { BgpUpdate } from '../models/bgp.js';
import { decodeAttributes, emptyAttributes } from './attributes.js';
import { ADD_PATH_RECOVERED, decodeNlriField, mpRoutes } from './nlri.js';

export interface UpdateContext {
  as4: boolean;
  addPath?: boolean;
}

const WELL_KNOWN_MANDATORY: Array<[number, string]> = [
  [1, 'ORIGIN'],
  [2, 'AS_PATH'],
];

/**
 * Decodes an UPDATE body from `start` (the withdrawn-routes length) to `end`. `base` is the
 * offset of `b[0]` within the message, so warnings carry message offsets.
 */
export function decodeUpdateBody(b: Uint8Array, start: number, end: number, ctx: UpdateContext, base = 0): BgpUpdate {
  const warnings: string[] = [];
  const addPath = ctx.addPath ?? false;
  const update: BgpUpdate = { type: 'update', withdrawn: [], attributes: emptyAttributes(), announced: [], treatAsWithdraw: false, as4: ctx.as4, warnings };
  if (start + 2 > end) {
    warnings.push(`UPDATE truncated before the withdrawn-routes length at offset ${start + base}`);
    return update;
  }
  const wLen = (b[start] << 8) | b[start + 1];
  let p = start + 2;
  const wEnd = Math.min(p + wLen, end);
  if (p + wLen > end) warnings.push(`withdrawn-routes length ${wLen} runs past the message at offset ${start + base}`);
  const w = decodeNlriField(b, p, wEnd, 1, addPath);
  update.withdrawn = w.prefixes;
  if (w.bgpdumpTail) update.bgpdumpTail = { withdrawn: w.bgpdumpTail };
  if (w.recovered) {
    update.addPathRecovery = { withdrawn: w.recovered };
    warnings.push(`withdrawn routes: ${recoveredWarning(w.recovered.error)}`);
  } else if (w.error) warnings.push(`withdrawn routes: ${w.error}`);
  p = wEnd;
  if (p + 2 > end) {
    if (p < end || wLen > 0) warnings.push(`UPDATE truncated before the path-attribute length at offset ${p + base}`);
    return update;
  }
  const aLen = (b[p] << 8) | b[p + 1];
  p += 2;
  let aEnd = p + aLen;
  if (aEnd > end) {
    warnings.push(`path-attribute length ${aLen} runs past the message at offset ${p - 2 + base}: treat-as-withdraw`);
    update.treatAsWithdraw = true;
    aEnd = end;
  }
  const attrs = decodeAttributes(b, p, aEnd, { as4: ctx.as4, addPath, base }, warnings);
  update.attributes = attrs.attributes;
  if (attrs.treatAsWithdraw) update.treatAsWithdraw = true;
  reportMpRecoveries(update, warnings);
  const n = decodeNlriField(b, aEnd, end, 1, addPath);
  update.announced = n.prefixes;
  if (n.bgpdumpTail) update.bgpdumpTail = { ...update.bgpdumpTail, announced: n.bgpdumpTail };
  if (n.recovered) {
    update.addPathRecovery = { ...update.addPathRecovery, announced: n.recovered };
    warnings.push(`NLRI: ${recoveredWarning(n.recovered.error)}`);
  } else if (n.error) {
    warnings.push(`NLRI: ${n.error}`);
    update.treatAsWithdraw = true;
  }
  const announced = update.addPathRecovery?.announced?.nlri ?? update.announced;
  const reaches = update.attributes.mpReach?.some((r) => mpRoutes(r).length > 0) ?? false;
  if (announced.length > 0 || reaches) {
    for (const [type, name] of WELL_KNOWN_MANDATORY) {
      if (!update.attributes.seen.includes(type)) {
        warnings.push(`missing well-known attribute ${name}: treat-as-withdraw`);
        update.treatAsWithdraw = true;
      }
    }
    if (announced.length > 0 && !update.attributes.seen.includes(3)) {
      warnings.push('missing NEXT_HOP for IPv4 NLRI: treat-as-withdraw');
      update.treatAsWithdraw = true;
    }
  }
  return update;
}

const recoveredWarning = (error: string): string => `${ADD_PATH_RECOVERED} (without path ids: ${error})`;

/** The MP attribute decoders only record a recovery; it is reported here so it is counted. */
function reportMpRecoveries(update: BgpUpdate, warnings: string[]): void {
  for (const m of update.attributes.mpUnreach ?? []) if (m.addPathRecovery) warnings.push(`MP_UNREACH_NLRI: ${recoveredWarning(m.addPathRecovery.error)}`);
  for (const m of update.attributes.mpReach ?? []) if (m.addPathRecovery) warnings.push(`MP_REACH_NLRI: ${recoveredWarning(m.addPathRecovery.error)}`);
}
