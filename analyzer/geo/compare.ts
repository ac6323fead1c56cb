/**
 * `portolan geo compare`: how far the geolocation databases agree, over a set of prefixes,
 * grouped by registering RIR and by country (the primary database's main country). Agreement is
 * address-weighted: the located addresses on whose region the independent databases agree.
 */
import { addressCount, parsePrefix } from '../../common/ip.js';
import type { GeoConfidence } from '../models/geo.js';
import type { RegistryLookup } from '../models/registry.js';
import { geoConsensus, type NamedGeo } from './consensus.js';

export interface CompareGroup {
  key: string;
  prefixes: number;
  /** Addresses the primary database locates. */
  located: number;
  /** Of those, addresses whose region the independent databases agree on. */
  agreed: number;
  confirmed: number;
  majority: number;
  disputed: number;
}

export interface GeoComparison {
  databases: Array<{ name: string; echo: boolean }>;
  independent: number;
  total: CompareGroup;
  byRir: CompareGroup[];
  byCountry: CompareGroup[];
  /** Prefix texts that could not be read (also counted, never guessed). */
  invalid: number;
}

const group = (key: string): CompareGroup => ({ key, prefixes: 0, located: 0, agreed: 0, confirmed: 0, majority: 0, disputed: 0 });

function add(g: CompareGroup, located: number, agreement: number, confidence: GeoConfidence | null): void {
  g.prefixes++;
  g.located += located;
  g.agreed += located * agreement;
  if (confidence) g[confidence]++;
}

export function compareDatabases(prefixes: Iterable<string>, sources: readonly NamedGeo[], registry: RegistryLookup): GeoComparison {
  const total = group('all');
  const byRir = new Map<string, CompareGroup>();
  const byCountry = new Map<string, CompareGroup>();
  let invalid = 0;
  for (const text of prefixes) {
    const p = parsePrefix(text);
    if (!p) {
      invalid++;
      continue;
    }
    const c = geoConsensus(text, sources);
    const primary = c.opinions.find((o) => !o.echo) ?? c.opinions[0];
    const located = addressCount(p.family, p.length) * (primary?.located ?? 0);
    const rir = registry.prefix(text).rir ?? 'none';
    const cc = primary?.mainCountry ?? 'ZZ';
    add(total, located, c.agreement, c.confidence);
    for (const [map, key] of [[byRir, rir], [byCountry, cc]] as const) {
      let g = map.get(key);
      if (!g) map.set(key, (g = group(key)));
      add(g, located, c.agreement, c.confidence);
    }
  }
  const sorted = (m: Map<string, CompareGroup>) => [...m.values()].sort((a, b) => b.located - a.located || a.key.localeCompare(b.key));
  return {
    databases: sources.map((s) => ({ name: s.name, echo: s.echo })),
    independent: sources.filter((s) => !s.echo).length,
    total,
    byRir: sorted(byRir),
    byCountry: sorted(byCountry),
    invalid,
  };
}
