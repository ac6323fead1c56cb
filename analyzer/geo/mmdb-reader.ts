/**
 * A MaxMind DB (MMDB) search-tree reader: single-address lookups and a walk of every network
 * inside a prefix. Format: https://maxmind.github.io/MaxMind-DB/ (record sizes 24/28/32; IPv4 in
 * an IPv6 tree lives at ::/96). Data records are decoded with mmdb-lib's decoder; the country of
 * each distinct data record is decoded once and kept (a country database has a few hundred).
 */
import { createRequire } from 'node:module';
import { Reader, type Response } from 'mmdb-lib';
import { log } from '../../common/log.js';
import type { Family } from '../../common/ip.js';
import type { CountryRuns } from '../models/geo.js';

const DATA_SECTION_SEPARATOR = 16;

interface MmdbDecoder {
  decodeFast(offset: number): { value: unknown };
}
type DecoderCtor = new (db: Buffer, baseOffset: number) => MmdbDecoder;
// mmdb-lib exports only Reader; its data decoder (a CommonJS default export) is what we need for
// decoding a record reached by our own tree walk. A private path: mmdb-lib is pinned (3.0.3,
// package.json) so it cannot move under us; re-check this line when upgrading it.
const Decoder = (createRequire(import.meta.url)('mmdb-lib/lib/decoder.js') as { default: DecoderCtor }).default;

export interface MmdbMetadata {
  databaseType: string;
  buildEpoch: number;
  ipVersion: number;
  description: string;
  recordSize: number;
  nodeCount: number;
}

/** One terminal of the walk: a network inside the walked prefix and its country (null = unlocated). */
export type NetworkVisitor = (cc: string | null, addresses: number) => void;

const ISO2 = /^[A-Za-z]{2}$/;

/** Country code of a decoded record, for both GeoLite2 (`country.iso_code`) and ip-location-db (`country_code`) layouts. */
export function countryOfRecord(record: unknown): string | null {
  if (!record || typeof record !== 'object') return null;
  const r = record as Record<string, unknown>;
  const nested = (v: unknown): unknown => (v && typeof v === 'object' ? (v as Record<string, unknown>).iso_code : undefined);
  for (const candidate of [r.country_code, nested(r.country), nested(r.registered_country)]) {
    if (typeof candidate === 'string' && ISO2.test(candidate)) {
      const cc = candidate.toUpperCase();
      // ZZ/XX are "unknown" in these databases: treat as unlocated.
      return cc === 'ZZ' || cc === 'XX' ? null : cc;
    }
  }
  return null;
}

export class MmdbReader {
  readonly metadata: MmdbMetadata;
  private readonly nodeCount: number;
  private readonly recordSize: 24 | 28 | 32;
  private readonly nodeBytes: number;
  private readonly searchTreeSize: number;
  private readonly decoder: MmdbDecoder;
  /** Node where IPv4 addresses start (or a terminal record when the whole IPv4 space is one). */
  private readonly ipv4Root: number;
  private readonly countryByRecord = new Map<number, string | null>();
  private badRecords = 0;
  /** The walk's depth-first stack (a subtree under /0 needs at most 2 entries per level). */
  private readonly stackNodes = new Uint32Array(2 * 129 + 2);
  private readonly stackDepths = new Uint8Array(2 * 129 + 2);

  constructor(
    /** The file's bytes as read: its content names what is prepared from it (accounting/runs-cache.ts). */
    readonly db: Buffer,
    readonly path: string,
  ) {
    let meta: Reader<Response>['metadata'];
    try {
      meta = new Reader<Response>(db).metadata;
    } catch (err) {
      throw new Error(`${path} is not a MaxMind DB (MMDB) file: ${(err as Error).message}`);
    }
    if (meta.recordSize !== 24 && meta.recordSize !== 28 && meta.recordSize !== 32) {
      throw new Error(`${path}: unsupported MMDB record size ${meta.recordSize} (expected 24, 28 or 32)`);
    }
    if (meta.ipVersion !== 4 && meta.ipVersion !== 6) throw new Error(`${path}: unsupported MMDB ip_version ${meta.ipVersion}`);
    this.nodeCount = meta.nodeCount;
    this.recordSize = meta.recordSize;
    this.nodeBytes = meta.recordSize / 4;
    this.searchTreeSize = this.nodeCount * this.nodeBytes;
    if (db.length < this.searchTreeSize + DATA_SECTION_SEPARATOR) {
      throw new Error(`${path}: truncated MMDB (search tree of ${this.searchTreeSize} bytes does not fit in ${db.length})`);
    }
    this.decoder = new Decoder(db, this.searchTreeSize + DATA_SECTION_SEPARATOR);
    const description = meta.description as unknown as Record<string, string> | undefined;
    this.metadata = {
      databaseType: meta.databaseType,
      buildEpoch: Math.floor(meta.buildEpoch.getTime() / 1000),
      ipVersion: meta.ipVersion,
      description: description?.en ?? Object.values(description ?? {})[0] ?? '',
      recordSize: meta.recordSize,
      nodeCount: meta.nodeCount,
    };
    let node = 0;
    if (meta.ipVersion === 6) for (let i = 0; i < 96 && node < this.nodeCount; i++) node = this.record(node, 0);
    this.ipv4Root = node;
  }

  /** Records that pointed outside the file or failed to decode (treated as unlocated). */
  get corruptRecords(): number {
    return this.badRecords;
  }

  /** The left (bit 0) or right (bit 1) record of a node. */
  record(node: number, bit: number): number {
    const b = this.db;
    const o = node * this.nodeBytes;
    switch (this.recordSize) {
      case 24:
        return bit ? (b[o + 3] << 16) | (b[o + 4] << 8) | b[o + 5] : (b[o] << 16) | (b[o + 1] << 8) | b[o + 2];
      case 28:
        return bit
          ? ((b[o + 3] & 0x0f) << 24) | (b[o + 4] << 16) | (b[o + 5] << 8) | b[o + 6]
          : ((b[o + 3] & 0xf0) << 20) | (b[o] << 16) | (b[o + 1] << 8) | b[o + 2];
      case 32:
        return bit ? b.readUInt32BE(o + 4) : b.readUInt32BE(o);
    }
  }

  /** Country of a terminal record value (>= nodeCount). */
  private terminalCountry(value: number): string | null {
    if (value === this.nodeCount) return null;
    const cached = this.countryByRecord.get(value);
    if (cached !== undefined) return cached;
    let cc: string | null = null;
    const offset = value - this.nodeCount + this.searchTreeSize;
    if (offset >= this.db.length) {
      this.corrupt({ record: value }, 'MMDB record points past the end of the file');
    } else {
      try {
        cc = countryOfRecord(this.decoder.decodeFast(offset).value);
      } catch (err) {
        this.corrupt({ record: value, err: (err as Error).message }, 'MMDB data record does not decode');
      }
    }
    this.countryByRecord.set(value, cc);
    return cc;
  }

  private corrupt(fields: Record<string, unknown>, message: string): void {
    this.badRecords++;
    log.warn({ file: this.path, ...fields }, message);
  }

  /** Root node for a family, and how many bits of the address the tree walk uses. */
  private rootOf(family: Family): { node: number; bits: number } | null {
    if (family === 4) return { node: this.ipv4Root, bits: 32 };
    return this.metadata.ipVersion === 6 ? { node: 0, bits: 128 } : null;
  }

  /** Country of an IPv4 address given as an unsigned 32-bit integer. */
  countryOfIpv4(value: number): string | null {
    let node = this.ipv4Root;
    for (let i = 31; i >= 0 && node < this.nodeCount; i--) node = this.record(node, (value >>> i) & 1);
    return node < this.nodeCount ? null : this.terminalCountry(node);
  }

  /** Country of any address as a bigint. */
  countryOf(family: Family, value: bigint): string | null {
    if (family === 4) return this.countryOfIpv4(Number(value));
    const root = this.rootOf(6);
    if (!root) return null;
    let node = root.node;
    for (let i = 127; i >= 0 && node < this.nodeCount; i--) node = this.record(node, Number((value >> BigInt(i)) & 1n));
    return node < this.nodeCount ? null : this.terminalCountry(node);
  }

  /**
   * Visits every network of the database inside `start/length`, with its address count: a
   * prefix inside one database network yields that network once (clipped to the prefix).
   * The counts visited always add up to the prefix's size.
   */
  walk(family: Family, start: bigint, length: number, visit: NetworkVisitor): void {
    if (family === 4) return this.walkWords(4, [Number(start & 0xffffffffn)], length, visit);
    const words: number[] = [];
    for (let i = 3; i >= 0; i--) words.push(Number((start >> BigInt(32 * i)) & 0xffffffffn));
    this.walkWords(6, words, length, visit);
  }

  /** walk() for an IPv4 prefix given as an unsigned 32-bit number (no bigint on the hot path). */
  walkIpv4(start: number, length: number, visit: NetworkVisitor): void {
    this.walkWords(4, [start], length, visit);
  }

  /** The whole IPv4 tree as runs of one country, ascending (see CountryRuns); `walk` counts the same. */
  ipv4Runs(): CountryRuns {
    const starts: number[] = [];
    const countries: Array<string | null> = [];
    const nodeCount = this.nodeCount;
    const emit = (first: number, cc: string | null) => {
      if (starts.length === 0 || countries[countries.length - 1] !== cc) {
        starts.push(first);
        countries.push(cc);
      }
    };
    // Depth-first, the 0 branch first, so networks come in address order (recursion depth <= 32).
    const descend = (node: number, depth: number, first: number): void => {
      for (let bit = 0; bit < 2; bit++) {
        const rec = this.record(node, bit);
        const start = bit ? first + 2 ** (31 - depth) : first;
        if (rec >= nodeCount) emit(start, this.terminalCountry(rec));
        else if (depth + 1 < 32) descend(rec, depth + 1, start);
        else {
          this.corrupt({ node: rec, depth: depth + 1 }, 'MMDB search tree deeper than the address size');
          emit(start, null);
        }
      }
    };
    const root = this.rootOf(4)?.node ?? nodeCount; // no IPv4 tree: one "no data" record
    if (root >= nodeCount) emit(0, this.terminalCountry(root));
    else descend(root, 0, 0);
    // Country ids once the runs are known, by the code's two letters (countryOfRecord gives ISO2
    // codes only): no map lookup per run.
    const codes: Array<string | null> = [null];
    const idOfLetters = new Uint16Array(26 * 26);
    const country = new Uint16Array(countries.length);
    for (let i = 0; i < countries.length; i++) {
      const cc = countries[i];
      if (cc === null) continue;
      const letters = (cc.charCodeAt(0) - 65) * 26 + cc.charCodeAt(1) - 65;
      if (idOfLetters[letters] === 0) {
        idOfLetters[letters] = codes.length;
        codes.push(cc);
      }
      country[i] = idOfLetters[letters];
    }
    return { starts: Float64Array.from(starts), country, codes };
  }

  /**
   * The record reached from the family's root after the first `length` bits of the address (as
   * 32-bit words, most significant first): a node (< metadata.nodeCount), or a terminal record
   * met on the way, which then covers the whole prefix. For walks over several trees at once.
   */
  recordAt(family: Family, words: readonly number[], length: number): number {
    const root = this.rootOf(family);
    if (!root) return this.nodeCount; // no such family in the file: "no data"
    let node = root.node;
    for (let depth = 0; depth < length && node < this.nodeCount; depth++) node = this.record(node, (words[depth >>> 5] >>> (31 - (depth & 31))) & 1);
    return node;
  }

  /** Country of a terminal record (>= metadata.nodeCount); null when the record places no country. */
  countryOfRecordValue(value: number): string | null {
    return this.terminalCountry(value);
  }

  /** Counts a corrupt tree met by a caller's own walk (logged like the reader's). */
  noteCorrupt(fields: Record<string, unknown>, message: string): void {
    this.corrupt(fields, message);
  }

  /**
   * The walk on an address as 32-bit words, most significant first (one for IPv4, four for
   * IPv6): per-bit descent and the subtree search use numbers only, on stacks kept between
   * calls, so a new prefix allocates nothing here.
   */
  private walkWords(family: Family, words: readonly number[], length: number, visit: NetworkVisitor): void {
    const root = this.rootOf(family);
    const bits = family === 4 ? 32 : 128;
    if (!root) {
      visit(null, 2 ** (bits - length));
      return;
    }
    let node = root.node;
    const nodeCount = this.nodeCount;
    for (let depth = 0; depth < length; depth++) {
      if (node >= nodeCount) break;
      node = this.record(node, (words[depth >>> 5] >>> (31 - (depth & 31))) & 1);
    }
    if (node >= nodeCount) {
      visit(this.terminalCountry(node), 2 ** (bits - length));
      return;
    }
    // Depth-first over the subtree: explicit stack, at most `bits` deep (two children per level).
    const nodes = this.stackNodes;
    const depths = this.stackDepths;
    let top = 0;
    nodes[top] = node;
    depths[top++] = length;
    while (top > 0) {
      const n = nodes[--top];
      const d = depths[top];
      for (let bit = 0; bit < 2; bit++) {
        const rec = this.record(n, bit);
        if (rec < nodeCount) {
          if (d + 1 >= bits) {
            this.corrupt({ node: n, depth: d }, 'MMDB search tree deeper than the address size');
            visit(null, 1);
            continue;
          }
          nodes[top] = rec;
          depths[top++] = d + 1;
        } else {
          visit(this.terminalCountry(rec), 2 ** (bits - d - 1));
        }
      }
    }
  }
}
