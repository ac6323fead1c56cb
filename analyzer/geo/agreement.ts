/**
 * A walk over several geolocation databases at once that places an address only where they
 * agree: every independent database puts it in a country of the same RIR service region (the
 * rule a `confirmed` finding follows). The country reported is the primary database's; where
 * they split, or one places nothing, the address is reported unplaced (null, the accounting's
 * 'ZZ'). Registry echoes are never consulted. It has the accounting's walk shape (GeoWalk), so
 * the portability index can count confirmed space with the same code that counts all of it.
 *
 * The trees are descended together, bit by bit, until every one has reached a terminal record:
 * the networks visited are the intersections of the databases' networks, exact and in address
 * order, with no allocation per prefix.
 */
import type { Family } from '../../common/ip.js';
import type { GeoAgreementFilter } from '../models/accounting.js';
import type { GeoDatabaseInfo } from '../models/geo.js';
import type { Rir } from '../models/registry.js';
import { regionOf } from '../registry/regions.js';
import type { GeoSet } from './open-set.js';
import { openGeo, type GeoDatabase } from './database.js';
import type { MmdbReader } from './mmdb-reader.js';

export const AGREEMENT_RULE =
  'an address counts as geolocated only where every independent geo database listed places it in a country of the same RIR service region; its country is the first (primary) database\'s. Addresses the databases split on, or that any of them leaves unplaced, count as not geolocated (ZZ). Registry echoes are not consulted.';

/** The databases of an AgreementWalk by file, for opening it on another thread. */
export interface AgreementSpec {
  dbs: Array<{ name: string; path: string }>;
  echoes: string[];
}

/** The same walk over the same files, opened here (a worker thread cannot share the trees). */
export async function openAgreement(spec: AgreementSpec): Promise<AgreementWalk> {
  const dbs = await Promise.all(spec.dbs.map(async (d) => ({ name: d.name, geo: await openGeo(d.path) })));
  return new AgreementWalk(dbs, spec.echoes);
}

export class AgreementWalk {
  private readonly readers: MmdbReader[];
  private readonly nodeCounts: number[];
  /** One row of records per depth (0..128): the recursion's state, reused between calls. */
  private readonly levels: Uint32Array[];
  private readonly words = [0, 0, 0, 0];
  /** Region of each reader's terminal records, decided once per record. */
  private readonly regions: Array<Map<number, Rir | null>>;

  constructor(
    private readonly dbs: ReadonlyArray<{ name: string; geo: GeoDatabase }>,
    private readonly echoes: readonly string[] = [],
  ) {
    if (dbs.length < 2) throw new Error(`agreement needs at least two independent geo databases (got ${dbs.length})`);
    this.readers = dbs.map((d) => d.geo.reader);
    this.nodeCounts = this.readers.map((r) => r.metadata.nodeCount);
    this.levels = Array.from({ length: 130 }, () => new Uint32Array(dbs.length));
    this.regions = dbs.map(() => new Map());
  }

  /** Visits the networks inside `start/length` where the databases agree (country) or not (null); counts add up to the prefix's size. */
  walk(family: Family, start: number | bigint, length: number, visit: (cc: string | null, addresses: number) => void): void {
    const w = this.words;
    if (family === 4) w[0] = Number(start) >>> 0;
    else {
      const s = BigInt(start);
      for (let i = 0; i < 4; i++) w[i] = Number((s >> BigInt(32 * (3 - i))) & 0xffffffffn);
    }
    const top = this.levels[length];
    for (let i = 0; i < this.readers.length; i++) top[i] = this.readers[i].recordAt(family, w, length);
    this.joint(length, family === 4 ? 32 : 128, visit);
  }

  private joint(depth: number, bits: number, visit: (cc: string | null, addresses: number) => void): void {
    const cur = this.levels[depth];
    const n = this.readers.length;
    let open = -1;
    for (let i = 0; i < n; i++) {
      if (cur[i] < this.nodeCounts[i]) {
        open = i;
        break;
      }
    }
    if (open < 0) {
      visit(this.agreed(cur), 2 ** (bits - depth));
      return;
    }
    if (depth >= bits) {
      this.readers[open].noteCorrupt({ node: cur[open], depth }, 'MMDB search tree deeper than the address size');
      visit(null, 1);
      return;
    }
    const next = this.levels[depth + 1];
    for (let bit = 0; bit < 2; bit++) {
      for (let i = 0; i < n; i++) next[i] = cur[i] < this.nodeCounts[i] ? this.readers[i].record(cur[i], bit) : cur[i];
      this.joint(depth + 1, bits, visit);
    }
  }

  /** The primary's country when every database's region is the same, else null. */
  private agreed(records: Uint32Array): string | null {
    const cc = this.readers[0].countryOfRecordValue(records[0]);
    const region = this.regionOf(0, records[0]);
    if (cc === null || region === null) return null;
    for (let i = 1; i < this.readers.length; i++) if (this.regionOf(i, records[i]) !== region) return null;
    return cc;
  }

  private regionOf(i: number, record: number): Rir | null {
    const m = this.regions[i];
    let r = m.get(record);
    if (r === undefined) {
      const cc = this.readers[i].countryOfRecordValue(record);
      r = cc === null ? null : regionOf(cc);
      m.set(record, r);
    }
    return r;
  }

  /** The primary's description: the index's `geo` names the database whose countries it reports. */
  info(): GeoDatabaseInfo {
    return this.dbs[0].geo.info();
  }

  /** What another thread needs to open the same walk (openAgreement): each database's name and file. */
  spec(): AgreementSpec {
    return { dbs: this.dbs.map((d) => ({ name: d.name, path: d.geo.info().path })), echoes: [...this.echoes] };
  }

  /** What a confirmed-only count means, with the databases and their versions. */
  filter(): GeoAgreementFilter {
    return {
      rule: AGREEMENT_RULE,
      databases: this.dbs.map((d) => {
        const i = d.geo.info();
        return { name: d.name, database: i.databaseType, build_date: new Date(i.buildEpoch * 1000).toISOString().slice(0, 10) };
      }),
      echoes_ignored: [...this.echoes],
    };
  }
}

/** The agreement walk over a `--geo` set's independent databases; an error saying what to give when fewer than two. */
export function agreementOf(set: GeoSet): AgreementWalk {
  const independent = set.sources.filter((s) => !s.echo);
  if (independent.length < 2) {
    throw new Error(
      `counting confirmed geolocation needs at least two independent databases in --geo (got ${independent.length}${set.sources.length > independent.length ? ` and ${set.sources.length - independent.length} registry echo(es), which never count` : ''}): give --geo A.mmdb,B.mmdb`,
    );
  }
  // The primary first: its countries are the ones reported.
  const ordered = [...independent].sort((a, b) => Number(b.geo === set.primary) - Number(a.geo === set.primary));
  return new AgreementWalk(
    ordered.map((s) => ({ name: s.name, geo: s.geo as GeoDatabase })),
    set.sources.filter((s) => s.echo).map((s) => s.name),
  );
}
