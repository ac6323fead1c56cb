/**
 * The daily portability index: routed-space accounting for one moment, with the date, the
 * filters and the data versions that make it a measurement someone else can repeat.
 */
import { basename } from 'node:path';
import { INDEX_RIRS, type FamilyIndex, type Figures, type GeoAgreementFilter, type IndexParams, type IndexRir, type PortabilityIndex, type PublishedIndex, type RoutedFilters } from '../models/accounting.js';
import type { RegistryFileInfo } from '../models/registry.js';
import { accountRoutedSpace, PREFIX_RULE, type RegisteredSpace } from './account.js';
import type { GeoWalk } from './placement.js';
import { ORIGIN_RULE, routedPrefixes, type RoutedSpace, type RouteTable } from './routed.js';

export const SNAPSHOT_RULE = {
  live: "the routed table at the end of the UTC day: `portolan run` takes the snapshot when the first event stamped at or after the next day's 00:00 UTC arrives, before applying it",
  files:
    'the routed table after every element of the given files is applied in order (a RIB dump is the table at its dump time; updates files then move it forward); the day is --date, else the UTC day of the latest element',
} as const;

export interface IndexInput {
  /** A routing state, or its routed prefixes already picked with `filters`. */
  table: RouteTable | RoutedSpace;
  registry: RegisteredSpace & { files(): RegistryFileInfo[] };
  geo: GeoWalk;
  filters: RoutedFilters;
  /** UTC day the figures describe, YYYY-MM-DD. */
  date: string;
  /** The moment the table describes (seconds since 1970). */
  snapshotAt: number;
  source: IndexParams['source'];
  /**
   * With several independent geo databases (`--confirmed`): a walk that places only the
   * addresses they agree on (analyzer/geo/agreement.ts). The day is then counted a second time
   * with it, over the same routed prefixes, into `confirmed`.
   */
  agreement?: GeoWalk & { filter(): GeoAgreementFilter };
}

export function computePortabilityIndex(input: IndexInput): PortabilityIndex {
  // Picked once when a second count follows: both read the same routed prefixes.
  const table = input.agreement && 'forEachRoute' in input.table ? routedPrefixes(input.table, input.filters) : input.table;
  const result = accountRoutedSpace({ ...input, table });
  const geo = input.geo.info();
  const params: IndexParams = {
    filters: input.filters,
    units: { ipv4: 'addresses', ipv6: '/48s' },
    snapshot_at: new Date(input.snapshotAt * 1000).toISOString(),
    snapshot_rule: SNAPSHOT_RULE[input.source.kind],
    origin_rule: ORIGIN_RULE,
    prefix_rule: PREFIX_RULE,
    registry: input.registry.files().map((f) => ({ rir: f.rir, date: f.date, file: basename(f.path) })),
    geo: { database: geo.databaseType, build_date: new Date(geo.buildEpoch * 1000).toISOString().slice(0, 10), file: basename(geo.path) },
    source: input.source,
    prefixes_seen: result.prefixes_seen,
    registry_conflicts: result.registry_conflicts,
  };
  const index: PortabilityIndex = { date: input.date, params, ipv4: result.ipv4, ipv6: result.ipv6, flows: result.flows };
  if (input.agreement) {
    const c = accountRoutedSpace({ ...input, table, geo: input.agreement });
    const geo_agreement = input.agreement.filter();
    index.params.geo_agreement = geo_agreement;
    index.confirmed = { filters: { ...input.filters, geo_agreement }, ipv4: figuresOf(c.ipv4), ipv6: figuresOf(c.ipv6), flows: c.flows };
  }
  return index;
}

/** The space figures of each RIR (the prefix counts, origins and contributors are left to the main index). */
function figuresOf(f: FamilyIndex): Record<IndexRir, Figures> {
  const out = {} as Record<IndexRir, Figures>;
  for (const rir of INDEX_RIRS) {
    const { routed, geolocated, in_region, out_of_region, share_out } = f[rir];
    out[rir] = { routed, geolocated, in_region, out_of_region, share_out };
  }
  return out;
}

/** The published JSON of a day (`index build --json`): date, params, ipv4, ipv6 (and confirmed); flows are stored, not printed. */
export function publicIndex(index: PortabilityIndex): PublishedIndex {
  const { flows: _flows, confirmed, ...rest } = index;
  if (!confirmed) return rest;
  const { flows: _cflows, ...c } = confirmed;
  return { ...rest, confirmed: c };
}
