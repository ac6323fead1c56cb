/**
 * The one-sentence explanation of a finding, built from the same numbers the kinds use, e.g.
 * "154.80.0.0/16 is registered with AFRINIC to a holder in SC; 97% of its geolocated addresses are
 * in HK (APNIC region); AFRINIC CPM 5.4.6.2 expects use outside the region only in support of
 * connectivity back to it (scope disputed for space allocated before soft landing on 2017-04-03,
 * as this was in 2010), see https://afrinic.net/policy/manual; origin AS4134 is registered with APNIC."
 * For geo-out-of-region the policy clause cites the rule's document and section and links to its
 * source, from the policy table (policy.ts).
 */
import type { Rir } from '../models/registry.js';
import { regionOf } from '../registry/regions.js';
import type { PrefixContext } from './context.js';
import { AFRINIC_SOFT_LANDING, assessUse, RIR_POLICIES, rirName, type PolicyStatus } from './policy.js';

/** Rounds a share for people: never shows 0% or 100% unless exact. */
export function percent(share: number): string {
  if (share <= 0) return '0%';
  if (share >= 1) return '100%';
  if (share < 0.01) return '<1%';
  if (share > 0.99) return '>99%';
  return `${Math.round(share * 100)}%`;
}

const regionLabel = (cc: string): string => {
  const region = regionOf(cc);
  return region ? `${rirName(region)} region` : 'no RIR region';
};

/** The registration clause: who registered the prefix, or why nobody did. */
export function registrationClause(ctx: PrefixContext): string {
  const reg = ctx.registration;
  const p = ctx.prefix;
  if (reg.coverage === 'none') {
    const iana = reg.iana ? ` (IANA: ${reg.iana.designation || reg.iana.status}, ${reg.iana.status})` : '';
    return `${p} is not delegated by any RIR${iana}`;
  }
  if (reg.mixed && !reg.rir) {
    const byRir = new Map<Rir, number>();
    for (const r of reg.records) byRir.set(r.record.rir, (byRir.get(r.record.rir) ?? 0) + r.share);
    const parts = [...byRir].sort((a, b) => b[1] - a[1]).map(([rir, s]) => `${rirName(rir)} ${percent(s)}`);
    return `${p} spans records of several RIRs (${parts.join(', ')})`;
  }
  if (reg.coverage === 'partial') {
    const covered = reg.records.reduce((s, r) => s + r.share, 0);
    const rir = reg.rir ?? reg.records[0]?.record.rir;
    return `${p} is only partly delegated (${percent(covered)} by ${rir ? rirName(rir) : 'an RIR'}, the rest free or unknown)`;
  }
  const rir = ctx.prefixRir!;
  let text = `${p} is registered with ${rirName(rir)}`;
  // Nested records of another RIR: name the most specific one that wins and the block around it.
  const outer = reg.mixed ? reg.records.find((r) => r.record.rir !== rir) : undefined;
  const own = ctx.registering[0];
  if (outer && own) text += own.cidr === outer.cidr ? ` (${own.cidr}, also listed by ${rirName(outer.record.rir)}: IANA's designee wins)` : ` (${own.cidr}, inside ${rirName(outer.record.rir)} ${outer.cidr})`;
  const holders = ctx.holderCountries;
  if (holders.length > 1) {
    const named = holders.slice(0, 2).map((h) => `${h.cc} (${percent(h.share)})`);
    const more = holders.length - 2;
    text += ` to holders in ${named.join(', ')}${more > 0 ? ` and ${more} more ${more === 1 ? 'country' : 'countries'}` : ''}`;
  } else text += ctx.registeredCc ? ` to a holder in ${ctx.registeredCc}` : ' (no holder country given)';
  if (ctx.registeredCc && regionOf(ctx.registeredCc) !== rir) text += ` (${regionLabel(ctx.registeredCc)})`;
  if (ctx.legacy) text += ', legacy space';
  const t = reg.transfers[reg.transfers.length - 1];
  if (t) text += `, transferred from ${rirName(t.fromRir)} to ${rirName(t.toRir)} on ${t.date}`;
  return text;
}

/** The geolocation clause: where most of the located addresses are. */
export function geoClause(ctx: PrefixContext, geoOutOfRegion: boolean, dbs?: GeoAgreementFacts | null): string {
  if (ctx.located === 0 || !ctx.mainCountry) return 'none of its addresses geolocate';
  // For a mismatch, name the main country outside the registering RIR's region.
  const abroad = geoOutOfRegion && ctx.mainForeignCountry;
  const cc = abroad ? ctx.mainForeignCountry! : ctx.mainCountry;
  const share = abroad ? ctx.mainForeignShare : ctx.mainCountryShare;
  let text = `${percent(share)} of its geolocated addresses are in ${cc} (${regionLabel(cc)})`;
  // With several databases: how many of the independent ones put the prefix in that region.
  if (dbs && dbs.independent >= 2) text += ` according to ${dbs.agreeing} of ${dbs.independent} databases`;
  if (abroad && ctx.prefixRir && ctx.shareAbroad - share >= 0.05) text += `, ${percent(ctx.shareAbroad)} outside the ${rirName(ctx.prefixRir)} region`;
  if (ctx.located < 0.9) text += ` (${percent(1 - ctx.located)} not geolocated)`;
  return text;
}

const isoDate = (d: string): string => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;

/**
 * The policy clause of a geo-out-of-region finding: what the registering RIR's rule says about
 * this use (assessUse, the same test severity applies), its citation and its source's URL.
 * Never contains '; ' (the clauses' separator).
 */
export function policyClause(rir: Rir, status: PolicyStatus, facts: { regionShare: number; delegated: string | null }): string {
  const p = RIR_POLICIES[rir];
  let text: string;
  switch (p.test) {
    case 'connectivity-back': {
      text = `${p.citation} expects use outside the region only in support of connectivity back to it`;
      if (status === 'disputed') {
        const when = facts.delegated ? `as this was in ${facts.delegated.slice(0, 4)}` : 'and this record has no date';
        text += ` (scope disputed for space allocated before soft landing on ${isoDate(AFRINIC_SOFT_LANDING)}, ${when})`;
      } else if (status === 'breach') text += ' (which the routing data cannot show)';
      break;
    }
    case 'main-share':
      text = `${p.citation} expects resources mainly (more than 50%) serving networks in the region`;
      text += status === 'compliant' ? `, as ${percent(facts.regionShare)} of its located addresses are` : `, and only ${percent(facts.regionShare)} of its located addresses are in it`;
      break;
    case 'allowed':
      text = `${p.citation} allows use outside the ${p.displayName} service region`;
      break;
    case 'none':
      text = `no ${p.displayName} policy restricts use outside the region (none in ${p.citation})`;
      break;
  }
  return `${text}, see ${p.url}`;
}

export interface OriginFacts {
  originAsns: readonly number[];
  originRir: Rir | null;
  /** RIRs of the origin ASNs (an AS_SET can have several; null = unregistered). */
  originRirs: ReadonlyArray<Rir | null>;
}

/** The origin clause: the origin AS and its RIR; an AS_SET is named as such. */
export function originClause(o: OriginFacts): string {
  if (o.originAsns.length === 0) return '';
  if (o.originAsns.length === 1) {
    const asn = o.originAsns[0];
    return o.originRir ? `origin AS${asn} is registered with ${rirName(o.originRir)}` : `origin AS${asn} is not registered with any RIR`;
  }
  const set = `origin AS_SET {${o.originAsns.join(',')}}`;
  if (o.originRir) return `${set} is registered with ${rirName(o.originRir)}`;
  const names = [...new Set(o.originRirs.map((r) => (r ? rirName(r) : 'unregistered')))];
  return `${set} spans ${names.join(' and ')}`;
}

/** Several databases: the independent ones that located the prefix, and those that agree on its region. */
export interface GeoAgreementFacts {
  agreeing: number;
  independent: number;
}

/** The routing-independent part of the sentence (no final period); computed once per prefix. */
export function prefixWhy(ctx: PrefixContext, geoOutOfRegion: boolean, dbs?: GeoAgreementFacts | null): string {
  const clauses = [registrationClause(ctx)];
  if (ctx.registration.coverage !== 'none' || ctx.located > 0) clauses.push(geoClause(ctx, geoOutOfRegion, dbs));
  const rir = ctx.prefixRir;
  if (geoOutOfRegion && rir) {
    const facts = { shareAbroad: ctx.shareAbroad, regionShare: ctx.regionShares[rir] ?? 0, delegated: ctx.delegated };
    clauses.push(policyClause(rir, assessUse(rir, facts), facts));
  }
  return clauses.join('; ');
}

export function whySentence(ctx: PrefixContext, geoOutOfRegion: boolean, origin?: OriginFacts): string {
  return joinWhy(prefixWhy(ctx, geoOutOfRegion), origin ? originClause(origin) : '');
}

export const joinWhy = (prefixPart: string, originPart: string): string => (originPart ? `${prefixPart}; ${originPart}.` : `${prefixPart}.`);
