import { SEVERITIES, type MismatchKind, type Severity } from '../../analyzer/models/finding.js';
import type { Rir } from '../../analyzer/models/registry.js';
import { asnList, countryList, kindList, rirList, severityValue } from './params.js';
import type { FeedItem } from './feed-item.js';

/** Server-side filter of the live feed; an empty list means "any". */
export interface FeedFilter {
  rirs: Rir[];
  kinds: MismatchKind[];
  countries: string[];
  asns: number[];
  minSeverity: Severity | null;
}

export const NO_FILTER: FeedFilter = { rirs: [], kinds: [], countries: [], asns: [], minSeverity: null };

/** `?rir=ripencc,apnic&kind=geo-out-of-region&country=SC&asn=AS4134&severity=medium` (400 on bad values). */
export function parseFeedFilter(query: URLSearchParams): FeedFilter {
  return {
    rirs: rirList(query),
    kinds: kindList(query),
    countries: countryList(query),
    asns: asnList(query),
    minSeverity: severityValue(query.get('severity') ?? query.get('min_severity')),
  };
}

/** Country matches the main usage country or the registered country; RIR matches the registering RIR. */
export function matchesFilter(item: FeedItem, f: FeedFilter): boolean {
  const x = item.finding;
  if (f.rirs.length && !(x.prefixRir && f.rirs.includes(x.prefixRir))) return false;
  if (f.kinds.length && !x.kinds.some((k) => f.kinds.includes(k))) return false;
  if (f.countries.length && !f.countries.some((c) => c === x.mainCountry || c === x.registeredCc)) return false;
  if (f.asns.length && !x.originAsns.some((a) => f.asns.includes(a)) && !(x.originAsn !== null && f.asns.includes(x.originAsn))) return false;
  if (f.minSeverity && SEVERITIES.indexOf(x.severity) < SEVERITIES.indexOf(f.minSeverity)) return false;
  return true;
}
