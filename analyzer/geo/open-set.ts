/**
 * `--geo A,B,C`: opens each database (an `echo:` prefix, or the file's name or database_type,
 * marks a registry echo). The first independent one is the primary: the kinds and shares come
 * from it, as with a single database; all of them are compared per prefix (consensus.ts).
 */
import type { NamedGeo } from './consensus.js';
import { geoName, isRegistryEcho, parseGeoSpecs } from './echo.js';
import { openGeo, type GeoDatabase, type GeoOptions } from './database.js';

export interface GeoSet {
  primary: GeoDatabase;
  /** Every database in the order given; one entry when a single database is used. */
  sources: NamedGeo[];
}

/** Opens `value` (undefined: the bundled database alone); an unreadable file is an error naming it. */
export async function openGeoSet(value: string | readonly string[] | undefined, opts: GeoOptions = {}): Promise<GeoSet> {
  const specs = value === undefined ? [] : parseGeoSpecs(value);
  if (specs.length === 0) {
    const primary = await openGeo(undefined, opts);
    return { primary, sources: [{ name: geoName(primary.info().path), geo: primary, echo: false }] };
  }
  const dbs = await Promise.all(specs.map((s) => openGeo(s.path, opts)));
  const sources = dbs.map((geo, i) => ({ name: geoName(specs[i].path), geo, echo: specs[i].echo || isRegistryEcho(specs[i].path, geo.info().databaseType) }));
  const names = new Set<string>();
  for (const s of sources) {
    // Two files of one name would be indistinguishable in tables and the store.
    let name = s.name;
    for (let n = 2; names.has(name); n++) name = `${s.name}-${n}`;
    names.add((s.name = name));
  }
  const primary = (sources.find((s) => !s.echo) ?? sources[0]).geo as GeoDatabase;
  return { primary, sources };
}
