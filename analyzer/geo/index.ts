/**
 * Geolocation: `openGeo(path?)` opens a MaxMind-format country database (database.ts), `openGeoSet`
 * several of them (`--geo A,B,C`), compared per prefix (consensus.ts).
 */
export { DBIP_ATTRIBUTION, GeoDatabase, defaultGeoPath, openGeo, type GeoOptions } from './database.js';
export { UNLOCATED, locatedShares } from './distribution.js';
export { openGeoSet, type GeoSet } from './open-set.js';
export { geoConsensus, type NamedGeo } from './consensus.js';
export { isRegistryEcho, parseGeoSpecs, geoName } from './echo.js';
export { countryOfRecord } from './mmdb-reader.js';
