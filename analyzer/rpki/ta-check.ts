/**
 * Trust anchor against registering RIR. The trust anchor of a ROA says which RIR certified the
 * space; the delegated files say which registered it. They differ for a reason of its own in
 * three known cases, which are explained instead of reported (docs/rpki.md):
 * - national registries (JPNIC, KRNIC, TWNIC, CNNIC, IDNIC, VNNIC, IRINN under APNIC; NIC.br and
 *   NIC Mexico under LACNIC) certify under their RIR's anchor, or under one of their own that a
 *   validator may name; either way the RIR is the parent's;
 * - ARIN legacy space: ARIN certifies legacy space only under a (L)RSA, which the delegated files
 *   do not show, so such space may be certified elsewhere or not at all;
 * - AS0 trust anchors (APNIC's and LACNIC's, for space they hold unallocated) certify no holder.
 */
import type { Rir } from '../models/registry.js';
import type { TaCheck, TaExceptionReason } from '../models/rpki.js';

const TA_RIR: Record<string, Rir> = {
  ripe: 'ripencc', ripencc: 'ripencc', 'ripe-ncc': 'ripencc',
  arin: 'arin',
  apnic: 'apnic', 'apnic-iana': 'apnic',
  lacnic: 'lacnic',
  afrinic: 'afrinic',
};

/** National internet registries that validators may name as an anchor, with their RIR. */
export const NIR_RIR: Record<string, Rir> = {
  jpnic: 'apnic', krnic: 'apnic', kisa: 'apnic', twnic: 'apnic', cnnic: 'apnic', idnic: 'apnic', vnnic: 'apnic', irinn: 'apnic',
  nicbr: 'lacnic', 'nic.br': 'lacnic', registrobr: 'lacnic', nicmx: 'lacnic', 'nic.mx': 'lacnic',
};

/** An AS0 trust anchor (`apnic-as0`, `lacnic-as0`, …): it marks unallocated space, not a holder. */
export const isAs0Ta = (ta: string): boolean => /(^|[-_.])as0($|[-_.])/.test(ta);

/** The RIR of a trust anchor name, with whether it came through a NIR; null for other anchors (local, test). */
export function rirOfTa(ta: string): { rir: Rir; nir: boolean } | null {
  const base = ta.replace(/(^|[-_.])as0($|[-_.])/, '').replace(/[-_.]$/, '') || ta;
  if (TA_RIR[base]) return { rir: TA_RIR[base], nir: false };
  if (NIR_RIR[base]) return { rir: NIR_RIR[base], nir: true };
  return null;
}

export interface TaCheckInput {
  tas: readonly string[];
  prefixRir: Rir | null;
  legacy: boolean;
}

const NO_TAS: TaCheck = { tas: [], taRirs: [], mismatch: false, mismatchRir: null, exception: null };

export function checkTrustAnchors({ tas, prefixRir, legacy }: TaCheckInput): TaCheck {
  if (tas.length === 0) return NO_TAS;
  const rirs = new Set<Rir>();
  let differs: Rir | null = null;
  let exception: TaExceptionReason | null = null;
  for (const ta of tas) {
    const r = rirOfTa(ta);
    if (!r) continue;
    rirs.add(r.rir);
    if (!prefixRir) continue;
    if (r.rir === prefixRir) {
      if (r.nir) exception ??= 'nir';
      continue;
    }
    if (isAs0Ta(ta)) exception = 'as0-ta';
    else if (legacy && prefixRir === 'arin') exception = 'arin-legacy';
    else differs ??= r.rir;
  }
  return { tas: [...tas], taRirs: [...rirs].sort(), mismatch: differs !== null, mismatchRir: differs, exception: differs ? null : exception };
}
