/**
 * (prefix, origin) → Finding. Prefix-level work (registry, IANA, geo walk, region shares, the
 * routing-independent kinds and the start of the sentence) is cached per prefix in a bounded
 * LRU; per event only the origin's RIR (also cached) and the finding itself are computed.
 *
 * Documented choices:
 * - AS_SET origin: `originAsns` holds every member, `originAsn` the smallest. The origin's RIR is
 *   the members' common RIR; when they differ, it is null and origin-out-of-region is not claimed.
 * - Mixed-RIR or partially delegated prefixes have no registering RIR (`prefixRir` null), so no
 *   geo/origin/registered-out-of-region kind is claimed for them; the why says they are mixed/partial.
 */
import { LruCache } from '../../common/lru.js';
import { UNLOCATED } from '../geo/distribution.js';
import type { Finding, GeoSubkind, MismatchKind } from '../models/finding.js';
import type { CountryShare, GeoConfidence, GeoConsensus, GeoLookup } from '../models/geo.js';
import { geoConsensus, type NamedGeo } from '../geo/consensus.js';
import { wholeCountry } from '../geo/single.js';
import { regionOf } from '../registry/regions.js';
import type { RegistryLookup, Rir } from '../models/registry.js';
import type { RovState, RpkiLookup, TaCheck } from '../models/rpki.js';
import { checkTrustAnchors } from '../rpki/ta-check.js';
import { buildPrefixContext, type PrefixContext } from './context.js';
import { prefixKinds, withOriginKinds, withRpkiMismatch } from './kinds.js';
import { severityOf } from './severity.js';
import { joinWhy, originClause, prefixWhy } from './why.js';
import { rovClause, taClause } from './rpki-why.js';

export interface ClassifierOptions {
  registry: RegistryLookup;
  geo: GeoLookup;
  /**
   * Every geolocation database (`--geo A,B,C`), `geo` among them: with two or more independent
   * ones, findings carry their agreement and a confidence, which the why and severity use.
   */
  geoSources?: readonly NamedGeo[];
  /** Validated ROA payloads (`--rpki`): ROV state and trust anchors on each finding; none when absent. */
  rpki?: RpkiLookup | null;
  /** Prefixes (and origin ASNs) kept in the caches; default 200,000. */
  cacheSize?: number;
}

export interface ClassifyInput {
  prefix: string;
  /** The origin: one ASN, or the members of an AS_SET that ends the path. */
  originAsns: number[];
  /** Seconds since 1970. */
  time: number;
  /** Peers announcing the pair now. */
  visibility?: number;
}

/**
 * A prefix's cached classification: only what a Finding needs. The full context (registration
 * records, holder and region shares) is dropped once the why is built, because a RIB dump caches
 * ~10^5 new prefixes and every object kept per prefix is copied by the GC; most of the cold cost
 * was that copying. Lookups that want the context get it kept (see Classifier.context).
 * (Findings carry `why` as a plain field: a lazy getter on each Finding measured 8x slower per
 * warm event, so the sentence is joined per event; its prefix part is built once, here.)
 */
class CachedPrefix {
  readonly prefix: string;
  readonly family: 4 | 6;
  readonly addresses: number;
  readonly prefixRir: Rir | null;
  readonly registeredCc: string | null;
  readonly holderId: string | null;
  readonly ianaRir: Rir | null;
  readonly legacy: boolean;
  readonly usageRegion: Rir | null;
  readonly mainCountry: string | null;
  readonly shareAbroad: number;
  /** Share of located addresses in prefixRir's region, and the records' delegation date: the rule's inputs (policy.ts). */
  readonly regionShare: number;
  readonly delegated: string | null;
  readonly geo: CountryShare[];
  /** Trust anchors of the covering ROAs (empty without RPKI data); renewed when the VRPs change. */
  rpkiTas: string[];
  /** Several databases: their agreement on the usage region (null with one). */
  readonly geoConfidence: GeoConfidence | null;
  readonly geoAgreement: number | null;
  readonly geoDatabases: { agreeing: number; independent: number } | null;
  readonly geoAnswers: Array<{ db: string; cc: string | null; echo: boolean }> | null;
  /** Registration and geo clauses of the why (and the trust-anchor clause). */
  why: string;
  /** The routing-independent kinds, rpki-rir-mismatch included when the current VRPs say so. */
  kinds: MismatchKind[];
  /** `kinds` plus origin-out-of-region, made on first use (shared like `kinds` by the prefix's findings). */
  private kindsWithOrigin: MismatchKind[] | undefined;
  /** The kinds and why without anything the VRPs decide: the parts kept when only the VRPs change. */
  private readonly baseKinds: MismatchKind[];
  private readonly baseWhy: string;
  /** The classifier's VRP generation these RPKI parts were made with. */
  rpkiGeneration: number;

  constructor(
    built: PrefixContext,
    baseKinds: MismatchKind[],
    readonly geoSubkind: GeoSubkind | null,
    /** Set only for lookups (Classifier.context); classification does not keep it. */
    public ctx: PrefixContext | undefined,
    ta: TaCheck | null,
    votes: GeoVotes | null,
    generation: number,
    share: (kinds: MismatchKind[]) => MismatchKind[],
  ) {
    this.prefix = built.prefix;
    this.family = built.family;
    this.addresses = built.addresses;
    this.prefixRir = built.prefixRir;
    this.registeredCc = built.registeredCc;
    this.holderId = built.holderId;
    this.ianaRir = built.ianaRir;
    this.legacy = built.legacy;
    this.usageRegion = built.usageRegion;
    this.mainCountry = built.mainCountry;
    this.shareAbroad = built.shareAbroad;
    this.regionShare = built.prefixRir ? (built.regionShares[built.prefixRir] ?? 0) : 0;
    this.delegated = built.delegated;
    this.geo = built.geo;
    this.rpkiTas = ta ? ta.tas : NO_TAS;
    this.geoDatabases = votes?.geoDatabases ?? null;
    this.geoConfidence = votes?.geoConfidence ?? null;
    this.geoAgreement = votes?.geoAgreement ?? null;
    this.geoAnswers = votes?.geoAnswers ?? null;
    this.baseKinds = baseKinds;
    this.baseWhy = prefixWhy(built, baseKinds.includes('geo-out-of-region'), this.geoDatabases);
    this.kinds = baseKinds;
    this.why = this.baseWhy;
    this.rpkiTas = NO_TAS;
    this.rpkiGeneration = generation;
    this.applyRpki(ta, generation, share);
  }

  /** The RPKI parts (trust anchors, rpki-rir-mismatch, the trust-anchor clause) from a trust-anchor check of the current VRPs. */
  applyRpki(ta: TaCheck | null, generation: number, share: (kinds: MismatchKind[]) => MismatchKind[]): void {
    this.rpkiGeneration = generation;
    this.rpkiTas = ta ? ta.tas : NO_TAS;
    this.kinds = ta?.mismatch && this.prefixRir ? share(withRpkiMismatch(this.baseKinds)) : this.baseKinds;
    this.kindsWithOrigin = undefined;
    const taText = ta ? taClause(ta, this.prefixRir) : '';
    this.why = this.baseWhy + (taText ? `; ${taText}` : '');
  }

  /** The kinds of an event whose origin is registered with `originRir`. */
  kindsFor(originRir: Rir | null): MismatchKind[] {
    if (!this.prefixRir || !originRir || originRir === this.prefixRir) return this.kinds;
    return (this.kindsWithOrigin ??= withOriginKinds(this.kinds, this.prefixRir, originRir));
  }
}

const NO_TAS: string[] = [];

const confidenceOf = (d: { agreeing: number; independent: number }): GeoConfidence =>
  d.agreeing === d.independent ? 'confirmed' : d.agreeing * 2 > d.independent ? 'majority' : 'disputed';

/**
 * What a prefix's findings carry from several databases. Shared between prefixes with the same
 * answers (Classifier.votes): kept per cached prefix, one object each would be copied by the GC.
 */
interface GeoVotes {
  geoDatabases: { agreeing: number; independent: number } | null;
  geoConfidence: GeoConfidence | null;
  geoAgreement: number | null;
  geoAnswers: Array<{ db: string; cc: string | null; echo: boolean }>;
}

/** Votes kept for reuse before the table is emptied (distinct answer combinations are few). */
const VOTES_KEPT = 50_000;

interface CachedAsn {
  rir: Rir | null;
  cc: string | null;
  /** The origin clause of the why for this ASN alone. */
  clause: string;
}

export class Classifier {
  private readonly prefixes: LruCache<string, CachedPrefix>;
  /** The VRPs in use (setRpki swaps them) and their generation: cached prefixes made with an older one renew their RPKI parts on use. */
  private rpki: RpkiLookup | null;
  private rpkiGeneration = 0;
  private readonly share = (kinds: MismatchKind[]): MismatchKind[] => this.sharedKinds(kinds);
  private readonly asns: LruCache<number, CachedAsn>;
  private lastPrefix: string | undefined;
  private lastEntry: CachedPrefix | undefined;
  private lastAsn = -1;
  private lastAsnEntry: CachedAsn | undefined;
  private readonly kindLists = new Map<string, MismatchKind[]>();
  private readonly votesByKey = new Map<string, GeoVotes>();
  private readonly ccs: Array<string | null> = [];
  /** Per country, per prefix size: the shared one-country distribution. */
  private readonly singleCountry = new Map<string, Map<number, CountryShare[]>>();

  constructor(private readonly opts: ClassifierOptions) {
    const size = opts.cacheSize ?? 200_000;
    this.rpki = opts.rpki ?? null;
    this.prefixes = new LruCache(size);
    this.asns = new LruCache(Math.max(1, Math.min(size, 200_000)));
  }

  /**
   * Prefix-level context with its full PrefixContext (cached); throws on an invalid prefix. For
   * lookups: the entry then keeps the context, which classification alone does not.
   */
  context(prefix: string): CachedPrefix & { ctx: PrefixContext } {
    const hit = this.entry(prefix, true);
    // Classified before, without keeping the context: rebuild it (same registry and geo, same facts).
    hit.ctx ??= buildPrefixContext(prefix, this.opts.registry, this.opts.geo);
    return hit as CachedPrefix & { ctx: PrefixContext };
  }

  /**
   * Uses other VRPs from now on (a refresh in `run`), keeping every cached registry and geo
   * result: each cached prefix renews only its RPKI parts, on its next use.
   */
  setRpki(rpki: RpkiLookup | null): void {
    this.rpki = rpki;
    this.rpkiGeneration++;
  }

  private trustAnchors(prefix: string, prefixRir: Rir | null, legacy: boolean): TaCheck | null {
    return this.rpki ? checkTrustAnchors({ tas: this.rpki.coveringTas(prefix), prefixRir, legacy }) : null;
  }

  /** The cached entry of a prefix; `keepCtx` keeps the full context on an entry built now. */
  private entry(prefix: string, keepCtx: boolean): CachedPrefix {
    // A pipeline often classifies one prefix several times in a row (state, then the event): skip the map.
    if (prefix === this.lastPrefix && this.lastEntry!.rpkiGeneration === this.rpkiGeneration) return this.lastEntry!;
    let hit = this.prefixes.get(prefix);
    if (!hit) {
      const ctx = buildPrefixContext(prefix, this.opts.registry, this.opts.geo);
      const ta = this.trustAnchors(ctx.prefix, ctx.prefixRir, ctx.legacy);
      const kinds = prefixKinds(ctx, false);
      ctx.geo = this.sharedGeo(ctx);
      const sources = this.opts.geoSources;
      const votes = sources && sources.length > 1 ? this.votes(ctx, sources) : null;
      hit = new CachedPrefix(ctx, this.sharedKinds(kinds.kinds), kinds.geoSubkind, keepCtx ? ctx : undefined, ta, votes, this.rpkiGeneration, this.share);
      this.prefixes.add(prefix, hit);
    } else if (hit.rpkiGeneration !== this.rpkiGeneration) {
      hit.applyRpki(this.trustAnchors(hit.prefix, hit.prefixRir, hit.legacy), this.rpkiGeneration, this.share);
    }
    this.lastPrefix = prefix;
    this.lastEntry = hit;
    return hit;
  }

  /**
   * The databases' votes on a prefix. Fast path: the primary and every other database each put
   * the whole prefix in one country (or none), as for most announced prefixes; the votes then
   * depend on those countries alone and are shared. Otherwise the full consensus (the primary's
   * distribution is in the context already: only the other databases are walked).
   */
  private votes(ctx: PrefixContext, sources: readonly NamedGeo[]): GeoVotes {
    const g = ctx.geo;
    const primary: string | null | undefined = g.length !== 1 ? undefined : g[0].cc === UNLOCATED ? null : g[0].share === 1 ? g[0].cc : undefined;
    let key = primary === undefined ? null : `${ctx.usageRegion ?? ''}`;
    const ccs = this.ccs;
    ccs.length = 0;
    for (let i = 0; key !== null && i < sources.length; i++) {
      const cc = sources[i].geo === this.opts.geo ? primary : wholeCountry(sources[i].geo, ctx.prefix);
      if (cc === undefined) key = null;
      else {
        ccs.push(cc);
        key += `|${cc ?? ''}`;
      }
    }
    if (key !== null) {
      let v = this.votesByKey.get(key);
      if (!v) {
        if (this.votesByKey.size >= VOTES_KEPT) this.votesByKey.clear();
        const regions = ccs.map((cc) => (cc === null ? null : regionOf(cc)));
        const independent = regions.filter((r, i): r is Rir => !sources[i].echo && r !== null);
        // Each database puts all it locates in one region: agreement is all or nothing (consensus.ts's rule).
        const agreement = independent.length > 0 && independent.every((r) => r === independent[0]) ? 1 : 0;
        v = this.votesFrom(independent, ctx.usageRegion, agreement, sources.map((s, i) => ({ db: s.name, cc: ccs[i], echo: s.echo })));
        this.votesByKey.set(key, v);
      }
      return v;
    }
    const cons = geoConsensus(ctx.prefix, sources, new Map([[this.opts.geo, { prefix: ctx.prefix, countries: ctx.geo, located: ctx.located }]]));
    const independent = cons.opinions.filter((o) => !o.echo && o.region !== null).map((o) => o.region as Rir);
    return this.votesFrom(independent, ctx.usageRegion, cons.agreement, cons.opinions.map((o) => ({ db: o.db, cc: o.mainCountry, echo: o.echo })));
  }

  /** Agreement is counted on the region the finding reports (the primary database's usage region). */
  private votesFrom(independent: Rir[], usageRegion: Rir | null, agreement: number, geoAnswers: GeoVotes['geoAnswers']): GeoVotes {
    const geoDatabases = independent.length >= 2 ? { agreeing: independent.filter((r) => r === usageRegion).length, independent: independent.length } : null;
    return { geoDatabases, geoConfidence: geoDatabases ? confidenceOf(geoDatabases) : null, geoAgreement: geoDatabases ? agreement : null, geoAnswers };
  }

  /** One array per distinct kinds list (a handful), instead of one per cached prefix. */
  private sharedKinds(kinds: MismatchKind[]): MismatchKind[] {
    const key = kinds.join(',');
    let shared = this.kindLists.get(key);
    if (!shared) this.kindLists.set(key, (shared = kinds));
    return shared;
  }

  /**
   * Most prefixes lie in one country, wholly located: their distribution is the same for every
   * prefix of that size and country, so one array is kept for all of them.
   */
  private sharedGeo(ctx: PrefixContext): CountryShare[] {
    const geo = ctx.geo;
    if (geo.length !== 1 || geo[0].share !== 1 || geo[0].cc === UNLOCATED) return geo;
    let bySize = this.singleCountry.get(geo[0].cc);
    if (!bySize) this.singleCountry.set(geo[0].cc, (bySize = new Map()));
    const shared = bySize.get(geo[0].addresses);
    if (shared) return shared;
    bySize.set(geo[0].addresses, geo);
    return geo;
  }

  private asn(asn: number): CachedAsn {
    if (asn === this.lastAsn) return this.lastAsnEntry!;
    let hit = this.asns.get(asn);
    if (!hit) {
      const reg = this.opts.registry.asn(asn);
      hit = { rir: reg.rir, cc: reg.record?.cc || null, clause: originClause({ originAsns: [asn], originRir: reg.rir, originRirs: [reg.rir] }) };
      this.asns.add(asn, hit);
    }
    this.lastAsn = asn;
    this.lastAsnEntry = hit;
    return hit;
  }

  classify(input: ClassifyInput): Finding {
    const cached = this.entry(input.prefix, false);
    let originAsns: number[];
    let originRir: Rir | null;
    let originCc: string | null;
    let clause: string;
    if (input.originAsns.length === 1) {
      // The common case: one origin ASN, everything cached.
      const o = this.asn(input.originAsns[0]);
      originAsns = [input.originAsns[0]];
      originRir = o.rir;
      originCc = o.cc;
      clause = o.clause;
    } else {
      originAsns = [...new Set(input.originAsns)].sort((a, b) => a - b);
      const origins = originAsns.map((a) => this.asn(a));
      const originRirs = origins.map((o) => o.rir);
      originRir = originRirs.length > 0 && originRirs.every((r) => r === originRirs[0]) ? originRirs[0] : null;
      originCc = new Set(origins.map((o) => o.cc)).size === 1 ? origins[0].cc : null;
      clause = originClause({ originAsns, originRir, originRirs });
    }
    // RFC 6811: an AS_SET origin is NONE, which no VRP matches.
    const rpki = this.rpki;
    const rov = rpki ? rpki.state(cached.prefix, originAsns.length === 1 ? originAsns[0] : null) : null;
    if (rov) clause = clause ? `${clause}; ${rovClause(rov)}` : rovClause(rov);
    return this.finding(cached, cached.kindsFor(originRir), input.time, originAsns, originRir, originCc, input.visibility, joinWhy(cached.why, clause), true, rov);
  }

  /** Every database's answer for the prefix, side by side (the lookup and the prefix page); null with one database. */
  geoOpinions(prefix: string): GeoConsensus | null {
    const sources = this.opts.geoSources;
    return sources && sources.length > 1 ? geoConsensus(prefix, sources) : null;
  }

  /** Whether RPKI data were given (findings then carry a ROV state). */
  get hasRpki(): boolean {
    return !!this.rpki;
  }

  /** RFC 6811 state of (prefix, origin); null without RPKI data. For lookups and the prefix page. */
  rov(prefix: string, origin: number | null): RovState | null {
    return this.rpki ? this.rpki.state(prefix, origin) : null;
  }

  /** Routing-independent description (no origin), as `portolan lookup` shows it. */
  describePrefix(prefix: string, time = Math.floor(Date.now() / 1000)): Finding {
    // Lookups go on to read the registration: keep the context.
    const cached = this.context(prefix);
    return this.finding(cached, cached.kinds, time, [], null, null, undefined, joinWhy(cached.why, ''), false, null);
  }

  private finding(
    c: CachedPrefix,
    kinds: MismatchKind[],
    time: number,
    originAsns: number[],
    originRir: Rir | null,
    originCc: string | null,
    visibility: number | undefined,
    why: string,
    announced: boolean,
    rov: RovState | null,
  ): Finding {
    // Kinds are in MISMATCH_KINDS order, which puts geo-out-of-region first.
    const geoSubkind = kinds.length > 0 && kinds[0] === 'geo-out-of-region' ? c.geoSubkind : null;
    return {
      time,
      prefix: c.prefix,
      family: c.family,
      addresses: c.addresses,
      originAsn: originAsns.length ? originAsns[0] : null,
      originAsns,
      prefixRir: c.prefixRir,
      registeredCc: c.registeredCc,
      holderId: c.holderId,
      ianaRir: c.ianaRir,
      legacy: c.legacy,
      originRir,
      originCc,
      usageRegion: c.usageRegion,
      mainCountry: c.mainCountry,
      shareAbroad: c.shareAbroad,
      geo: c.geo,
      kinds,
      geoSubkind,
      severity: severityOf({
        kinds,
        geoSubkind: c.geoSubkind,
        prefixRir: c.prefixRir,
        shareAbroad: c.shareAbroad,
        regionShare: c.regionShare,
        delegated: c.delegated,
        visibility,
        announced,
        geoConfidence: c.geoConfidence,
      }),
      visibility: visibility ?? 0,
      rov,
      rpkiTas: c.rpkiTas,
      ...(c.geoDatabases ? { geoConfidence: c.geoConfidence, geoAgreement: c.geoAgreement, geoDatabases: c.geoDatabases } : {}),
      ...(c.geoAnswers ? { geoAnswers: c.geoAnswers } : {}),
      why,
    };
  }
}
