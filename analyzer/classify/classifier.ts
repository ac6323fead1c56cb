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
import { LruCache } from '../geo/lru.js';
import type { Finding, GeoSubkind, MismatchKind } from '../models/finding.js';
import type { GeoLookup } from '../models/geo.js';
import type { RegistryLookup, Rir } from '../models/registry.js';
import { buildPrefixContext, type PrefixContext } from './context.js';
import { prefixKinds, withOriginKinds } from './kinds.js';
import { severityOf } from './severity.js';
import { joinWhy, originClause, prefixWhy } from './why.js';

export interface ClassifierOptions {
  registry: RegistryLookup;
  geo: GeoLookup;
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
 * A prefix's cached classification. The why's registration and geo clauses are built on first
 * use. (Findings carry `why` as a plain field: a lazy getter on each Finding measured 8x slower
 * per warm event, so the sentence is joined per event; its prefix part is built once.)
 */
class CachedPrefix {
  private whyText: string | undefined;

  constructor(
    readonly ctx: PrefixContext,
    readonly kinds: MismatchKind[],
    readonly geoSubkind: GeoSubkind | null,
  ) {}

  /** Registration and geo clauses of the why. */
  get why(): string {
    return (this.whyText ??= prefixWhy(this.ctx, this.kinds.includes('geo-out-of-region')));
  }
}

interface CachedAsn {
  rir: Rir | null;
  cc: string | null;
  /** The origin clause of the why for this ASN alone. */
  clause: string;
}

export class Classifier {
  private readonly prefixes: LruCache<string, CachedPrefix>;
  private readonly asns: LruCache<number, CachedAsn>;

  constructor(private readonly opts: ClassifierOptions) {
    const size = opts.cacheSize ?? 200_000;
    this.prefixes = new LruCache(size);
    this.asns = new LruCache(Math.max(1, Math.min(size, 200_000)));
  }

  /** Prefix-level context (cached); throws on an invalid prefix. */
  context(prefix: string): CachedPrefix {
    let hit = this.prefixes.get(prefix);
    if (!hit) {
      const ctx = buildPrefixContext(prefix, this.opts.registry, this.opts.geo);
      const kinds = prefixKinds(ctx);
      hit = new CachedPrefix(ctx, kinds.kinds, kinds.geoSubkind);
      this.prefixes.set(prefix, hit);
    }
    return hit;
  }

  private asn(asn: number): CachedAsn {
    let hit = this.asns.get(asn);
    if (!hit) {
      const reg = this.opts.registry.asn(asn);
      hit = { rir: reg.rir, cc: reg.record?.cc || null, clause: originClause({ originAsns: [asn], originRir: reg.rir, originRirs: [reg.rir] }) };
      this.asns.set(asn, hit);
    }
    return hit;
  }

  classify(input: ClassifyInput): Finding {
    const cached = this.context(input.prefix);
    const { ctx, geoSubkind } = cached;
    let originAsns: number[];
    let originRir: Rir | null;
    let originCc: string | null;
    let clause: string;
    if (input.originAsns.length === 1) {
      // The common case: one origin ASN, everything cached.
      const o = this.asn(input.originAsns[0]);
      originAsns = [input.originAsns[0]];
      [originRir, originCc, clause] = [o.rir, o.cc, o.clause];
    } else {
      originAsns = [...new Set(input.originAsns)].sort((a, b) => a - b);
      const origins = originAsns.map((a) => this.asn(a));
      const originRirs = origins.map((o) => o.rir);
      originRir = originRirs.length > 0 && originRirs.every((r) => r === originRirs[0]) ? originRirs[0] : null;
      originCc = new Set(origins.map((o) => o.cc)).size === 1 ? origins[0].cc : null;
      clause = originClause({ originAsns, originRir, originRirs });
    }
    const kinds = withOriginKinds(cached.kinds, ctx.prefixRir, originRir);
    return this.finding(ctx, kinds, geoSubkind, {
      time: input.time,
      originAsns,
      originRir,
      originCc,
      visibility: input.visibility,
      why: joinWhy(cached.why, clause),
      announced: true,
    });
  }

  /** Routing-independent description (no origin), as `portolan lookup` shows it. */
  describePrefix(prefix: string, time = Math.floor(Date.now() / 1000)): Finding {
    const cached = this.context(prefix);
    const { ctx, kinds, geoSubkind } = cached;
    const why = cached.why;
    return this.finding(ctx, kinds, geoSubkind, {
      time,
      originAsns: [],
      originRir: null,
      originCc: null,
      visibility: undefined,
      why: joinWhy(why, ''),
      announced: false,
    });
  }

  private finding(
    ctx: PrefixContext,
    kinds: MismatchKind[],
    geoSubkind: GeoSubkind | null,
    o: { time: number; originAsns: number[]; originRir: Rir | null; originCc: string | null; visibility?: number; why: string; announced: boolean },
  ): Finding {
    return {
      time: o.time,
      prefix: ctx.prefix,
      family: ctx.family,
      addresses: ctx.addresses,
      originAsn: o.originAsns.length ? o.originAsns[0] : null,
      originAsns: o.originAsns,
      prefixRir: ctx.prefixRir,
      registeredCc: ctx.registeredCc,
      holderId: ctx.holderId,
      ianaRir: ctx.ianaRir,
      legacy: ctx.legacy,
      originRir: o.originRir,
      originCc: o.originCc,
      usageRegion: ctx.usageRegion,
      mainCountry: ctx.mainCountry,
      shareAbroad: ctx.shareAbroad,
      geo: ctx.geo,
      kinds,
      geoSubkind: kinds.includes('geo-out-of-region') ? geoSubkind : null,
      severity: severityOf({ kinds, geoSubkind, prefixRir: ctx.prefixRir, shareAbroad: ctx.shareAbroad, visibility: o.visibility, announced: o.announced }),
      visibility: o.visibility ?? 0,
      why: o.why,
    };
  }
}
