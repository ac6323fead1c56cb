/**
 * Registry echoes: databases that place an address where its registry record or origin AS says
 * (ip-location-db's geo-whois-asn-country and iptoasn-country, for example). They repeat what the
 * classifier already reads from the delegated files, so they are shown beside the others but
 * never count as independent confirmation. Marked by an `echo:` prefix on the path, or
 * recognised by file name or MMDB database_type.
 */
const ECHO_NAMES = /geo-whois-asn|whois-asn|iptoasn|asn-country|registry-country|rir-country/i;

export function isRegistryEcho(path: string, databaseType: string): boolean {
  const file = path.split(/[\\/]/).pop() ?? path;
  return ECHO_NAMES.test(file) || ECHO_NAMES.test(databaseType);
}

export interface GeoSpec {
  path: string;
  /** Forced by `echo:`; otherwise decided from the file when opened. */
  echo: boolean;
}

/** `--geo A,echo:B,C` (or a YAML list): the databases in order; the first independent one drives the kinds. */
export function parseGeoSpecs(value: string | readonly string[]): GeoSpec[] {
  const items = typeof value === 'string' ? value.split(',') : value;
  return items
    .map((s) => String(s).trim())
    .filter(Boolean)
    .map((s) => (s.toLowerCase().startsWith('echo:') ? { path: s.slice(5).trim(), echo: true } : { path: s, echo: false }));
}

/** A database's short name for tables and the why: the file name without `.mmdb`. */
export const geoName = (path: string): string => (path.split(/[\\/]/).pop() ?? path).replace(/\.mmdb$/i, '');
