/**
 * Several geolocation databases side by side for one prefix: each one's distribution and usage
 * region, the consensus region (most located addresses summed over the independent databases),
 * how much of the space they agree on, and a confidence. Registry echoes are shown, not counted.
 */
import type { GeoConfidence, GeoConsensus, GeoDistribution, GeoLookup, GeoOpinion } from '../models/geo.js';
import type { Rir } from '../models/registry.js';
import { regionOf } from '../registry/regions.js';
import { UNLOCATED } from './distribution.js';

export interface NamedGeo {
  name: string;
  geo: GeoLookup;
  echo: boolean;
}

/** Located addresses per region, as shares of the located addresses. */
function regionShares(o: { countries: GeoOpinion['countries'] }): Map<Rir, number> {
  const out = new Map<Rir, number>();
  let located = 0;
  for (const c of o.countries) {
    if (c.cc === UNLOCATED) continue;
    located += c.addresses;
    const r = regionOf(c.cc);
    if (r) out.set(r, (out.get(r) ?? 0) + c.addresses);
  }
  for (const [r, n] of out) out.set(r, n / located);
  return out;
}

function opinionOf(db: NamedGeo, prefix: string, known: Map<GeoLookup, GeoDistribution> | undefined): GeoOpinion {
  // Not cached in the database: the caller (the classifier) keeps what it needs per prefix.
  const d = known?.get(db.geo) ?? db.geo.distribution(prefix, { cache: false });
  const shares = regionShares(d);
  let region: Rir | null = null;
  for (const [r, s] of shares) if (region === null || s > shares.get(region)!) region = r;
  const main = d.countries.find((c) => c.cc !== UNLOCATED) ?? null;
  return { db: db.name, echo: db.echo, countries: d.countries, located: d.located, region, mainCountry: main?.cc ?? null };
}

/** `known`: distributions the caller already has (the primary's), not walked again. */
export function geoConsensus(prefix: string, dbs: readonly NamedGeo[], known?: Map<GeoLookup, GeoDistribution>): GeoConsensus {
  const opinions = dbs.map((db) => opinionOf(db, prefix, known));
  const independent = opinions.filter((o) => !o.echo && o.region !== null);
  const sums = new Map<Rir, number>();
  const perDb = independent.map((o) => regionShares(o));
  // Address-weighted: each database's located addresses per region, summed.
  independent.forEach((o, i) => {
    const total = o.countries.filter((c) => c.cc !== UNLOCATED).reduce((s, c) => s + c.addresses, 0);
    for (const [r, s] of perDb[i]) sums.set(r, (sums.get(r) ?? 0) + s * total);
  });
  let region: Rir | null = null;
  for (const [r, n] of sums) if (region === null || n > sums.get(region)!) region = r;
  let agreement = 0;
  if (perDb.length > 0) for (const r of perDb[0].keys()) agreement += Math.min(...perDb.map((m) => m.get(r) ?? 0));
  const agreeing = independent.filter((o) => o.region === region).length;
  let confidence: GeoConfidence | null = null;
  if (independent.length >= 2) confidence = agreeing === independent.length ? 'confirmed' : agreeing * 2 > independent.length ? 'majority' : 'disputed';
  return { region, agreement: Math.min(1, agreement), independent: independent.length, agreeing, confidence, opinions };
}
