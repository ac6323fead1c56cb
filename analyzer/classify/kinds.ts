/** The tests of the mismatch kinds (docs/design.md), on prefix-level context and the origin's RIR. */
import { MISMATCH_KINDS, type GeoSubkind, type MismatchKind } from '../models/finding.js';
import type { Rir } from '../models/registry.js';
import { regionOf } from '../registry/regions.js';
import type { PrefixContext } from './context.js';

/** More than this share of located addresses outside the registering RIR's region: geo-out-of-region. */
export const ABROAD_THRESHOLD = 0.5;

export interface PrefixKinds {
  kinds: MismatchKind[];
  geoSubkind: GeoSubkind | null;
}

/**
 * The routing-independent kinds of a prefix. `rpkiRirMismatch`: a covering ROA's trust anchor is
 * another RIR's than the registering one, with no known explanation (rpki/ta-check.ts).
 */
export function prefixKinds(ctx: PrefixContext, rpkiRirMismatch = false): PrefixKinds {
  const found = new Set<MismatchKind>();
  let geoSubkind: GeoSubkind | null = null;
  const rir = ctx.prefixRir;
  if (rir && ctx.located > 0 && ctx.shareAbroad > ABROAD_THRESHOLD) {
    found.add('geo-out-of-region');
    geoSubkind = ctx.mainForeignCountry !== null && ctx.mainForeignCountry === ctx.registeredCc ? 'abroad-as-registered' : 'abroad-inconsistent';
  }
  const registeredRegion = ctx.registeredCc ? regionOf(ctx.registeredCc) : null;
  if (rir && registeredRegion && registeredRegion !== rir) found.add('registered-out-of-region');
  // Used in another country of the holder's own region (only when not already a mismatch).
  if (
    !found.has('geo-out-of-region') &&
    ctx.mainCountry &&
    ctx.registeredCc &&
    ctx.mainCountry !== ctx.registeredCc &&
    registeredRegion !== null &&
    regionOf(ctx.mainCountry) === registeredRegion
  ) {
    found.add('in-region-country');
  }
  if (ctx.registration.transfers.length > 0) found.add('transferred');
  if (ctx.legacy) found.add('legacy');
  if (ctx.registration.coverage === 'none') found.add('unregistered');
  if (rpkiRirMismatch && rir) found.add('rpki-rir-mismatch');
  return { kinds: ordered(found), geoSubkind };
}

/**
 * `origin-out-of-region` when the origin's RIR is known and differs from the prefix's. An AS_SET
 * origin counts only when all its members share one RIR (`originRir` is null otherwise).
 */
export function withOriginKinds(base: MismatchKind[], prefixRir: Rir | null, originRir: Rir | null): MismatchKind[] {
  if (!prefixRir || !originRir || originRir === prefixRir) return base;
  return ordered(new Set([...base, 'origin-out-of-region']));
}

/** The kinds with `rpki-rir-mismatch` added (the trust-anchor check found one; prefixKinds' rpkiRirMismatch). */
export function withRpkiMismatch(base: MismatchKind[]): MismatchKind[] {
  return ordered(new Set([...base, 'rpki-rir-mismatch']));
}

function ordered(kinds: Set<MismatchKind>): MismatchKind[] {
  return MISMATCH_KINDS.filter((k) => kinds.has(k));
}
