import { formatIp, parsePrefix } from '../../common/ip.js';
import type {
  AsnRegistration,
  DelegationRecord,
  IanaDesignation,
  PrefixRegistration,
  RecordOverlap,
  RecordOwner,
  RegisteredColumns,
  RegisteredSegment,
  RegistryFileInfo,
  RegistryLookup,
  Rir,
  Transfer,
} from '../models/registry.js';
import { ipv4ToNumber, ipv6ToBigInt, formatIpv4, formatIpv4Prefix, packedIpv4Prefix } from '../../common/ip.js';
import type { IanaBlock } from './iana-parser.js';
import { forEachIpv4Cidr, SEVERAL_SEGMENTS, Top64RangeIndex, Uint32RangeIndex } from './prefix-index.js';
import { RecordTable } from './record-table.js';
import type { TransferRange } from './transfers-parser.js';
import type { RirStats } from './stats.js';

/** Everything the index is built from (see loadRegistry in index.ts). */
export interface RegistryData {
  /** Every record, in file order: as parsed, or a prepared registry's table. */
  records: DelegationRecord[] | RecordTable;
  iana: IanaBlock[];
  transfers: TransferRange[];
  files: RegistryFileInfo[];
  /** Per-RIR-file totals (registry stats), or how to compute them when first asked (most commands never do). */
  stats?: RirStats[] | (() => RirStats[]);
  /** Context files (IANA, transfer logs) found but not loaded (each logged): the index lacks what they hold. */
  unloaded?: string[];
}

/** The record lookup indexes as columns, to build the same index again without building them (a prepared registry). */
export interface IndexColumns {
  v4: PieceColumns<Uint32RangeIndex>;
  v4free: PieceColumns<Uint32RangeIndex>;
  v6: PieceColumns<Top64RangeIndex>;
  v6free: PieceColumns<Top64RangeIndex>;
  asns: ReturnType<Uint32RangeIndex['columns']>;
}
type PieceColumns<I extends Uint32RangeIndex | Top64RangeIndex> = ReturnType<I['columns']> & { length: Uint8Array };

const TOP64 = (v: bigint): bigint => v >> 64n;
const LOW64 = (1n << 64n) - 1n;
const noop = (): void => {};

/** Marker for "no conflicts yet" (never returned: replaced by a fresh array). */
const EMPTY: RecordOverlap[] = [];

/** A family's CIDR pieces of delegated (or free) records, indexed. */
interface PieceSet<I> {
  /** Each piece's payload is its record's position in `records`. */
  index: I;
  records: RecordTable;
  length: Uint8Array;
  /** piece → its exact CIDR text, made on first use and kept (most are never shown). */
  cidrs: string[];
}

/** Thrown for a prefix, IP or ASN the index cannot read; the message says what was wrong. */
export class LookupInputError extends Error {}

/**
 * The registry index: IPv4/IPv6 longest-prefix indexes over every delegated record (split
 * into exact CIDRs), the free rows, IANA blocks and inter-RIR transfers, plus an ASN table.
 */
export class RegistryIndex implements RegistryLookup {
  private readonly data: RegistryData;
  private readonly fileInfo: RegistryFileInfo[];
  private statsList: RirStats[] | (() => RirStats[]);
  private readonly table: RecordTable;
  /** registeredSegments() per family, built on first use. */
  private readonly segmentCache: { 4?: Array<RegisteredSegment<number>>; 6?: Array<RegisteredSegment<bigint>> } = {};
  /** registeredColumns() per family, built on first use. */
  private readonly columnCache: { 4?: RegisteredColumns<number>; 6?: RegisteredColumns<bigint> } = {};
  /** The indexes, each built on first use: `index build` needs only the segments and the ASN table. */
  private readonly built: {
    v4?: PieceSet<Uint32RangeIndex>;
    v4free?: PieceSet<Uint32RangeIndex>;
    v6?: PieceSet<Top64RangeIndex>;
    v6free?: PieceSet<Top64RangeIndex>;
    asns?: { index: Uint32RangeIndex; records: RecordTable };
    iana4?: { index: Uint32RangeIndex; blocks: IanaDesignation[] };
    iana6?: { index: Top64RangeIndex; blocks: IanaDesignation[] };
    ianaAsn?: { index: Uint32RangeIndex; blocks: IanaDesignation[] };
    tr4?: { index: Uint32RangeIndex; transfers: Transfer[] };
    tr6?: { index: Top64RangeIndex; transfers: Transfer[] };
    trAsn?: { index: Uint32RangeIndex; transfers: Transfer[] };
  } = {};

  /** `indexes`: what indexColumns() gave for the same records (a prepared registry); built on first use when absent. */
  constructor(data: RegistryData, indexes?: IndexColumns) {
    this.data = data;
    this.table = data.records instanceof RecordTable ? data.records : RecordTable.of(data.records);
    this.fileInfo = data.files;
    this.statsList = data.stats ?? [];
    if (indexes) {
      const table = this.table;
      const set = <I>(index: I, length: Uint8Array): PieceSet<I> => ({ index, records: table, length, cidrs: new Array<string>(length.length) });
      const u32 = (c: ReturnType<Uint32RangeIndex['columns']>) => new Uint32RangeIndex(c.first, c.last, c.payload, c.segments);
      const top64 = (c: ReturnType<Top64RangeIndex['columns']>) => new Top64RangeIndex(c.first, c.last, c.payload, c.segments);
      this.built.v4 = set(u32(indexes.v4), indexes.v4.length);
      this.built.v4free = set(u32(indexes.v4free), indexes.v4free.length);
      this.built.v6 = set(top64(indexes.v6), indexes.v6.length);
      this.built.v6free = set(top64(indexes.v6free), indexes.v6free.length);
      this.built.asns = { index: u32(indexes.asns), records: table };
    }
  }

  /** Every record loaded, in file order (stats, exports). */
  get records(): readonly DelegationRecord[] {
    return this.table.all();
  }

  /** The records in file order, by position (what a prepared registry keeps). */
  recordTable(): RecordTable {
    return this.table;
  }

  /** The IANA blocks and transfer ranges loaded (what a prepared registry keeps beside the records). */
  contextRanges(): { iana: IanaBlock[]; transfers: TransferRange[] } {
    return { iana: this.data.iana, transfers: this.data.transfers };
  }

  /** Context files found but not loaded (see RegistryData.unloaded). */
  unloadedFiles(): string[] {
    return this.data.unloaded ?? [];
  }

  /** The record lookup indexes as columns (built now if they were not yet). */
  indexColumns(): IndexColumns {
    const pieces = <I extends Uint32RangeIndex | Top64RangeIndex>(p: PieceSet<I>) => ({ ...(p.index.columns() as ReturnType<I['columns']>), length: p.length });
    return { v4: pieces(this.v4), v4free: pieces(this.v4free), v6: pieces(this.v6), v6free: pieces(this.v6free), asns: this.asns.index.columns() };
  }

  /** Positions of the records of a type, delegated (allocated, assigned) or free, in file order. */
  private positionsOf(type: DelegationRecord['type'], delegated: boolean): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.table.length; i++) {
      const r = this.table.at(i);
      if (r.type === type && (r.status === 'allocated' || r.status === 'assigned') === delegated) out.push(i);
    }
    return out;
  }

  private get v4(): PieceSet<Uint32RangeIndex> {
    return (this.built.v4 ??= ipv4Pieces(this.table, this.positionsOf('ipv4', true)));
  }
  private get v4free(): PieceSet<Uint32RangeIndex> {
    return (this.built.v4free ??= ipv4Pieces(this.table, this.positionsOf('ipv4', false)));
  }
  private get v6(): PieceSet<Top64RangeIndex> {
    return (this.built.v6 ??= ipv6Pieces(this.table, this.positionsOf('ipv6', true)));
  }
  private get v6free(): PieceSet<Top64RangeIndex> {
    return (this.built.v6free ??= ipv6Pieces(this.table, this.positionsOf('ipv6', false)));
  }
  private get asns(): { index: Uint32RangeIndex; records: RecordTable } {
    return (this.built.asns ??= (() => {
      const positions = this.positionsOf('asn', true);
      const first = (i: number) => Number(this.table.at(i).start);
      return { index: new Uint32RangeIndex(positions.map(first), positions.map((i) => first(i) + this.table.at(i).value - 1), positions), records: this.table };
    })());
  }
  // IANA: the CSV registries (with LEGACY status) win over the delegated-format file for a family they cover.
  private ianaOf(type: IanaBlock['type']): IanaBlock[] {
    const blocks = this.data.iana.filter((b) => b.type === type);
    const fromCsv = blocks.filter((b) => !isDelegatedIana(b));
    return fromCsv.length ? fromCsv : blocks;
  }
  private get iana4(): { index: Uint32RangeIndex; blocks: IanaDesignation[] } {
    return (this.built.iana4 ??= uint32Index(this.ianaOf('ipv4'), (b) => [Number(b.first), Number(b.last)], (b) => b.designation, 'blocks'));
  }
  private get iana6(): { index: Top64RangeIndex; blocks: IanaDesignation[] } {
    return (this.built.iana6 ??= top64Index(this.ianaOf('ipv6'), (b) => [b.first, b.last], (b) => b.designation, 'blocks'));
  }
  private get ianaAsn(): { index: Uint32RangeIndex; blocks: IanaDesignation[] } {
    return (this.built.ianaAsn ??= uint32Index(this.ianaOf('asn'), (b) => [Number(b.first), Number(b.last)], (b) => b.designation, 'blocks'));
  }
  private transfersOf(type: Transfer['type']): TransferRange[] {
    return this.data.transfers.filter((t) => t.transfer.type === type);
  }
  private get tr4(): { index: Uint32RangeIndex; transfers: Transfer[] } {
    return (this.built.tr4 ??= uint32Index(this.transfersOf('ipv4'), (t) => [Number(t.first), Number(t.last)], (t) => t.transfer, 'transfers'));
  }
  private get tr6(): { index: Top64RangeIndex; transfers: Transfer[] } {
    return (this.built.tr6 ??= top64Index(this.transfersOf('ipv6'), (t) => [t.first, t.last], (t) => t.transfer, 'transfers'));
  }
  private get trAsn(): { index: Uint32RangeIndex; transfers: Transfer[] } {
    return (this.built.trAsn ??= uint32Index(this.transfersOf('asn'), (t) => [Number(t.first), Number(t.last)], (t) => t.transfer, 'transfers'));
  }

  files(): RegistryFileInfo[] {
    return this.fileInfo;
  }

  /**
   * Builds every lookup index now rather than at its first use. A long-running job calls it while
   * loading: otherwise the first classified event held the thread ~0.5 s for the IPv4 index alone,
   * with /metrics and the API waiting.
   */
  buildIndexes(): void {
    void [this.v4, this.v4free, this.v6, this.v6free, this.asns, this.iana4, this.iana6, this.ianaAsn, this.tr4, this.tr6, this.trAsn];
  }

  /** Per-RIR-file totals, as computed when the files were loaded. */
  stats(): RirStats[] {
    if (typeof this.statsList === 'function') this.statsList = this.statsList();
    return this.statsList;
  }

  /** Sizes of the built indexes (bench, stats). */
  sizes(): { ipv4Pieces: number; ipv6Pieces: number; asnRanges: number; freePieces: number; ianaBlocks: number; transfers: number } {
    return {
      ipv4Pieces: this.v4.index.size,
      ipv6Pieces: this.v6.index.size,
      asnRanges: this.asns.index.size,
      freePieces: this.v4free.index.size + this.v6free.index.size,
      ianaBlocks: this.iana4.index.size + this.iana6.index.size + this.ianaAsn.index.size,
      transfers: this.tr4.index.size + this.tr6.index.size + this.trAsn.index.size,
    };
  }

  /** What the registry says about an IP address (as its host prefix, /32 or /128). */
  ip(ip: string): PrefixRegistration {
    const v4 = ipv4ToNumber(ip);
    if (v4 >= 0) return this.host4(v4);
    const v6 = ipv6ToBigInt(ip);
    if (v6 === null) throw new LookupInputError(`not an IP address: "${ip}"`);
    return this.prefix6(v6, 128);
  }

  /**
   * What the registry says about a prefix (`a.b.c.d/n`, `x::/n`, or a bare address as its
   * host prefix). Host bits must be zero. Throws LookupInputError for anything else.
   */
  prefix(prefix: string): PrefixRegistration {
    const packed = packedIpv4Prefix(prefix);
    if (packed >= 0) {
      const len = packed % 64;
      return this.prefix4((packed - len) / 64, len, prefix);
    }
    const slash = prefix.indexOf('/');
    if (slash < 0) return this.ip(prefix);
    const v4 = ipv4ToNumber(prefix.slice(0, slash));
    const lenText = prefix.slice(slash + 1);
    if (v4 >= 0 && /^\d{1,2}$/.test(lenText) && Number(lenText) <= 32) {
      const len = Number(lenText);
      const size = 2 ** (32 - len);
      if (v4 % size !== 0) throw new LookupInputError(`${prefix}: host bits set (did you mean ${formatIpv4(v4 - (v4 % size))}/${len}?)`);
      return this.prefix4(v4, len);
    }
    const p = parsePrefix(prefix);
    if (!p) {
      const loose = parsePrefix(prefix, true);
      throw new LookupInputError(loose ? `${prefix}: host bits set (did you mean ${formatIp(loose.family, loose.start)}/${loose.length}?)` : `not a prefix: "${prefix}"`);
    }
    return p.family === 4 ? this.prefix4(Number(p.start), p.length) : this.prefix6(p.start, p.length);
  }

  asn(asn: number): AsnRegistration {
    if (!Number.isInteger(asn) || asn < 0 || asn > 4294967295) throw new LookupInputError(`not an AS number: ${asn}`);
    const e = this.asns.index.first(asn);
    const record = e < 0 ? null : this.asns.records.at(this.asns.index.payload[e]);
    const ia = this.ianaAsn.index.first(asn);
    const transfers: Transfer[] = [];
    this.trAsn.index.overlapping(asn, asn, (t) => transfers.push(this.trAsn.transfers[this.trAsn.index.payload[t]]));
    return { asn, record, rir: record?.rir ?? null, iana: ia < 0 ? null : this.ianaAsn.blocks[this.ianaAsn.index.payload[ia]], transfers };
  }

  /** An IPv4 address as its /32 (see prefix4). */
  private host4(v: number): PrefixRegistration {
    return this.prefix4(v, 32);
  }

  /**
   * An IPv4 prefix. The common case, a prefix inside one segment of every index it meets (a
   * host, or a route inside a single delegation), is answered straight from the segments'
   * cover lists: no callbacks, no sorting. That is the hot path of batch lookups and of every
   * new prefix the classifier sees. Anything else takes the general overlap walk.
   */
  private prefix4(first: number, len: number, text?: string): PrefixRegistration {
    const last = first + 2 ** (32 - len) - 1;
    const set = this.v4;
    const index = set.index;
    const s = index.span(first, last);
    const fs = this.v4free.index.span(first, last);
    const ts = this.tr4.index.span(first, last);
    if (s === SEVERAL_SEGMENTS || fs === SEVERAL_SEGMENTS || ts === SEVERAL_SEGMENTS) return this.prefix4Overlaps(first, len);
    // Sized exactly (results are cached by the classifier; push() would reserve room for 17).
    const from = s >= 0 ? index.coverFrom(s) : 0;
    const records = new Array<RecordOverlap>(s >= 0 ? index.coverTo(s) - from : 0);
    let conflicts: RecordOverlap[] = EMPTY;
    let rir: Rir | null = null;
    if (s >= 0) {
      let mixed = false;
      for (let i = 0; i < records.length; i++) {
        const e = index.coverAt(from + i);
        const record = set.records.at(index.payload[e]);
        if (i > 0 && record.rir !== records[0].record.rir) mixed = true;
        records[i] = { record, cidr: cidr4(set, e), share: 1 };
      }
      rir = records[0].record.rir;
      if (mixed) {
        // Covers are most specific first: the first registers the prefix, unless records of
        // identical extent from other RIRs tie with it.
        const to = index.coverTo(s);
        if (set.length[index.coverAt(from + 1)] === set.length[index.coverAt(from)]) {
          rir = this.segmentRir4(from, to, first, last);
          // The winning RIR is among the tied (leading) records, so its first record is one of them.
          if (rir) winnerFirst(records, to - from, rir);
        }
        // Several RIRs covering the same space is the same space in two files: a conflict.
        conflicts = records.slice();
      }
    }
    const free: RecordOverlap[] = [];
    if (fs >= 0) {
      const fi = this.v4free.index;
      for (let c = fi.coverFrom(fs); c < fi.coverTo(fs); c++) free.push({ record: this.v4free.records.at(fi.payload[fi.coverAt(c)]), cidr: cidr4(this.v4free, fi.coverAt(c)), share: 1 });
    }
    const transfers: Transfer[] = [];
    if (ts >= 0) {
      const ti = this.tr4.index;
      for (let c = ti.coverFrom(ts); c < ti.coverTo(ts); c++) transfers.push(this.tr4.transfers[ti.payload[ti.coverAt(c)]]);
    }
    const ia = this.iana4.index.first(first);
    const prefix = text ?? formatIpv4Prefix(first, len);
    return assemble(prefix, records, free, records.length ? 'full' : 'none', ia < 0 ? null : this.iana4.blocks[this.iana4.index.payload[ia]], transfers, conflicts === EMPTY ? [] : conflicts, rir);
  }

  /** prefix4 for prefixes that span several segments: every overlapping piece with its share. */
  private prefix4Overlaps(first: number, len: number): PrefixRegistration {
    const size = 2 ** (32 - len);
    const last = first + size - 1;
    const { index, records, length } = this.v4;
    const overlaps: Array<[number, number]> = [];
    const conflicted = new Set<number>();
    // The registering RIR of each segment (rule: most specific wins); split once two differ.
    let rir: Rir | null = null;
    let split = false;
    const covered = index.overlapping(
      first,
      last,
      (e, n) => overlaps.push([e, n]),
      (a, b, seg) => {
        collectConflicts(index, records, a, b, conflicted);
        if (split) return;
        const r = this.segmentRir4(a, b, Math.max(index.segmentFirst(seg), first), Math.min(index.segmentLast(seg), last));
        if (r === null || (rir !== null && r !== rir)) split = true;
        else rir = r;
      },
    );
    if (split) rir = null;
    const toOverlap = (e: number, n: number): RecordOverlap => ({
      record: records.at(index.payload[e]),
      cidr: cidr4(this.v4, e),
      share: n / size,
    });
    // Covering pieces first (most specific first), then the pieces inside, by address.
    overlaps.sort((a, b) => covering4(index, b[0], first, last) - covering4(index, a[0], first, last) || (covering4(index, a[0], first, last) ? length[b[0]] - length[a[0]] : index.entryFirst[a[0]] - index.entryFirst[b[0]]));
    if (rir && overlaps.length > 1) winnerFirstEntry(overlaps, (e) => (covering4(index, e, first, last) ? length[e] : -1), (e) => records.at(index.payload[e]).rir, rir);
    const recs = overlaps.map(([e, n]) => toOverlap(e, n));
    const free: RecordOverlap[] = [];
    const fi = this.v4free;
    fi.index.overlapping(first, last, (e, n) =>
      free.push({ record: fi.records.at(fi.index.payload[e]), cidr: cidr4(fi, e), share: n / size }),
    );
    const conflicts = overlaps.filter(([e]) => conflicted.has(e)).map(([e, n]) => toOverlap(e, n));
    const ia = this.iana4.index.first(first);
    const transfers: Transfer[] = [];
    this.tr4.index.overlapping(first, last, (t) => transfers.push(this.tr4.transfers[this.tr4.index.payload[t]]));
    return assemble(formatIpv4Prefix(first, len), recs, free, covered === size ? 'full' : covered > 0 ? 'partial' : 'none', ia < 0 ? null : this.iana4.blocks[this.iana4.index.payload[ia]], transfers, conflicts, rir);
  }

  private prefix6(start: bigint, len: number): PrefixRegistration {
    // Keys are /64 units: a longer prefix counts as one unit (its /64).
    const first = TOP64(start);
    const units = len >= 64 ? 1n : 1n << BigInt(64 - len);
    const last = first + units - 1n;
    const { index, records, length } = this.v6;
    const overlaps: Array<[number, bigint]> = [];
    const conflicted = new Set<number>();
    let rir: Rir | null = null;
    let split = false;
    const covered = index.overlapping(
      first,
      last,
      (e, n) => overlaps.push([e, n]),
      (a, b, seg) => {
        collectConflicts(index, records, a, b, conflicted);
        if (split) return;
        const f = index.segmentFirst(seg);
        const l = index.segmentLast(seg);
        const r = this.segmentRir6(a, b, f > first ? f : first, l < last ? l : last);
        if (r === null || (rir !== null && r !== rir)) split = true;
        else rir = r;
      },
    );
    if (split) rir = null;
    const unitsN = Number(units);
    // IPv6 records are single CIDRs: the piece is the record itself (exact even past /64).
    const cidr6 = (set: PieceSet<Top64RangeIndex>, e: number) => {
      const r = set.records.at(set.index.payload[e]);
      return (set.cidrs[e] ??= `${formatIp(6, ipv6ToBigInt(r.start) as bigint)}/${r.value}`);
    };
    const toOverlap = (e: number, n: bigint): RecordOverlap => ({ record: records.at(index.payload[e]), cidr: cidr6(this.v6, e), share: Number(n) / unitsN });
    const isCovering = (e: number) => (index.entryFirst[e] <= first && index.entryLast[e] >= last ? 1 : 0);
    overlaps.sort((a, b) => isCovering(b[0]) - isCovering(a[0]) || (isCovering(a[0]) ? length[b[0]] - length[a[0]] : index.entryFirst[a[0]] < index.entryFirst[b[0]] ? -1 : 1));
    if (rir && overlaps.length > 1) winnerFirstEntry(overlaps, (e) => (isCovering(e) ? length[e] : -1), (e) => records.at(index.payload[e]).rir, rir);
    const recs = overlaps.map(([e, n]) => toOverlap(e, n));
    const free: RecordOverlap[] = [];
    const fi = this.v6free;
    fi.index.overlapping(first, last, (e, n) => free.push({ record: fi.records.at(fi.index.payload[e]), cidr: cidr6(fi, e), share: Number(n) / unitsN }));
    const conflicts = overlaps.filter(([e]) => conflicted.has(e)).map(([e, n]) => toOverlap(e, n));
    const ia = this.iana6.index.first(first);
    const transfers: Transfer[] = [];
    // Transfer ranges are exact 128-bit ranges; compare at /64 granularity like the rest.
    this.tr6.index.overlapping(first, last, (t) => transfers.push(this.tr6.transfers[this.tr6.index.payload[t]]));
    return assemble(`${formatIp(6, start)}/${len}`, recs, free, covered === units ? 'full' : covered > 0n ? 'partial' : 'none', ia < 0 ? null : this.iana6.blocks[this.iana6.index.payload[ia]], transfers, conflicts, rir);
  }

  /**
   * The registering RIR of [from, to], a range inside one IPv4 segment whose covers are
   * coverAt(a) .. coverAt(b - 1), most specific first: the first cover's, unless covers of
   * identical extent from other RIRs tie with it (see tieRir). Null when the range is split.
   */
  private segmentRir4(a: number, b: number, from: number, to: number): Rir | null {
    const { index, records, length } = this.v4;
    const e0 = index.coverAt(a);
    const r0 = records.at(index.payload[e0]);
    if (b - a < 2 || length[index.coverAt(a + 1)] !== length[e0]) return r0.rir;
    const group = [r0];
    for (let c = a + 1; c < b && length[index.coverAt(c)] === length[e0]; c++) group.push(records.at(index.payload[index.coverAt(c)]));
    return this.tieRir(4, group, BigInt(from), BigInt(to));
  }

  /**
   * segmentRir4 for IPv6: [from, to] in /64 keys. The covers of a /64-keyed segment are ordered
   * by key width, which cannot tell records longer than /64 apart, so the most specific is found
   * by prefix length here.
   */
  private segmentRir6(a: number, b: number, from: bigint, to: bigint): Rir | null {
    const { index, records, length } = this.v6;
    let best = -1;
    for (let c = a; c < b; c++) best = Math.max(best, length[index.coverAt(c)]);
    const group: DelegationRecord[] = [];
    for (let c = a; c < b; c++) if (length[index.coverAt(c)] === best) group.push(records.at(index.payload[index.coverAt(c)]));
    return group.length === 1 ? group[0].rir : this.tieRir(6, group, from << 64n, (to << 64n) | LOW64);
  }

  /**
   * The RIR registering [from, to] (absolute addresses) when `group`, records of identical
   * extent, are the most specific holding it: IANA's designee for the enclosing block if it is
   * among their RIRs, else the alphabetically first RIR. Null when the designee, and with it the
   * winner, changes inside the range.
   */
  private tieRir(family: 4 | 6, group: readonly DelegationRecord[], from: bigint, to: bigint): Rir | null {
    const rirs = distinctRirs(group);
    if (rirs.length === 1) return rirs[0];
    let out: Rir | null = null;
    for (const part of this.ianaParts(family, from, to)) {
      const w = tieWinner(rirs, part.rir);
      if (out === null) out = w;
      else if (out !== w) return null;
    }
    return out;
  }

  /** [from, to] (absolute addresses) cut by the IANA block enclosing each part, in order; null RIR where IANA names none or has no block. */
  private ianaParts(family: 4 | 6, from: bigint, to: bigint): Array<{ first: bigint; last: bigint; rir: Rir | null }> {
    const parts: Array<{ first: bigint; last: bigint; rir: Rir | null }> = [];
    let cursor = from;
    const add = (f: bigint, l: bigint, rir: Rir | null) => {
      if (f > cursor) parts.push({ first: cursor, last: f - 1n, rir: null });
      parts.push({ first: f, last: l, rir });
      cursor = l + 1n;
    };
    if (family === 4) {
      const { index, blocks } = this.iana4;
      index.overlapping(Number(from), Number(to), noop, (a, _b, seg) => {
        add(bmax(BigInt(index.segmentFirst(seg)), from), bmin(BigInt(index.segmentLast(seg)), to), blocks[index.payload[index.coverAt(a)]].rir);
      });
    } else {
      const { index, blocks } = this.iana6;
      index.overlapping(TOP64(from), TOP64(to), noop, (a, _b, seg) => {
        add(bmax(index.segmentFirst(seg) << 64n, from), bmin((index.segmentLast(seg) << 64n) | LOW64, to), blocks[index.payload[index.coverAt(a)]].rir);
      });
    }
    if (cursor <= to) parts.push({ first: cursor, last: to, rir: null });
    return parts;
  }

  /**
   * Disjoint, sorted segments of delegated (allocated/assigned) space, each labelled with its
   * registering record: the most specific record holding it; between records of identical
   * extent from different RIRs, the one of IANA's designee for the enclosing block if it is
   * among them, else of the alphabetically first RIR (`conflict` set). Adjacent segments with
   * the same record and conflict flag are merged. Built on first call and cached: callers must
   * not modify the array. IPv4 bounds are numbers; IPv6 uses the records' exact 128-bit bounds.
   */
  registeredSegments(family: 4): Array<RegisteredSegment<number>>;
  registeredSegments(family: 6): Array<RegisteredSegment<bigint>>;
  registeredSegments(family: 4 | 6): Array<RegisteredSegment<number>> | Array<RegisteredSegment<bigint>>;
  registeredSegments(family: 4 | 6): Array<RegisteredSegment<number>> | Array<RegisteredSegment<bigint>> {
    if (family === 4) return (this.segmentCache[4] ??= this.buildRegisteredSegments4());
    return (this.segmentCache[6] ??= this.buildRegisteredSegments6());
  }

  /** registeredSegments() as columns (what the accounting reads), built once from them. */
  registeredColumns(family: 4): RegisteredColumns<number>;
  registeredColumns(family: 6): RegisteredColumns<bigint>;
  registeredColumns(family: 4 | 6): RegisteredColumns<number> | RegisteredColumns<bigint> {
    if (family === 4) return (this.columnCache[4] ??= segmentColumns(this.registeredSegments(4), (n) => new Float64Array(n)));
    return (this.columnCache[6] ??= segmentColumns(this.registeredSegments(6), (n) => new Array<bigint>(n)));
  }

  /** The IPv4 records' exact CIDR pieces, as numbers (without building the lookup index). */
  private buildRegisteredSegments4(): Array<RegisteredSegment<number>> {
    const { first, last, payload, lengths } = ipv4CidrPieces(this.table, this.positionsOf('ipv4', true));
    const ianaParts = (f: number, l: number) => this.ianaParts(4, BigInt(f), BigInt(l)).map((p) => ({ first: Number(p.first), last: Number(p.last), rir: p.rir }));
    return labelInnermost(first, last, lengths, Array.from(payload, (i) => this.table.at(i)), 1, ianaParts);
  }

  /** The IPv6 records themselves (each is a CIDR). */
  private buildRegisteredSegments6(): Array<RegisteredSegment<bigint>> {
    const first: bigint[] = [];
    const last: bigint[] = [];
    const len: number[] = [];
    const records = this.positionsOf('ipv6', true).map((i) => this.table.at(i));
    for (const r of records) {
      const start = ipv6ToBigInt(r.start) as bigint;
      first.push(start);
      last.push(start + (1n << BigInt(128 - r.value)) - 1n);
      len.push(r.value);
    }
    return labelInnermost(first, last, len, records, 1n, (f, l) => this.ianaParts(6, f, l));
  }
}

/** Segments as columns, each bound column made by `column` (a Float64Array for IPv4). Plain loops: typed-array `from` with a mapping was ~10x slower. */
function segmentColumns<K extends number | bigint>(segs: Array<RegisteredSegment<K>>, column: (n: number) => { [i: number]: K; length: number }): RegisteredColumns<K> {
  const n = segs.length;
  const out = { first: column(n), last: column(n), record: new Array<RecordOwner>(n), conflict: new Uint8Array(n) };
  for (let i = 0; i < n; i++) {
    const s = segs[i];
    out.first[i] = s.first;
    out.last[i] = s.last;
    out.record[i] = s.record;
    out.conflict[i] = s.conflict ? 1 : 0;
  }
  return out;
}

/**
 * The sweep behind registeredSegments: CIDR pieces (bounds, prefix lengths, records), nested or
 * disjoint, become disjoint segments labelled with the innermost group of records of identical
 * extent holding them; a group from several RIRs is resolved per IANA block (`ianaParts`).
 */
function labelInnermost<K extends number | bigint>(
  first: ArrayLike<K>,
  last: ArrayLike<K>,
  len: ArrayLike<number>,
  rec: readonly DelegationRecord[],
  one: K,
  ianaParts: (first: K, last: K) => Array<{ first: K; last: K; rir: Rir | null }>,
): Array<RegisteredSegment<K>> {
  // `+`/`-` on K: operands are always of one kind (numbers for IPv4, bigints for IPv6).
  const plus = (a: K, b: K) => ((a as number) + (b as number)) as K;
  const minus = (a: K, b: K) => ((a as number) - (b as number)) as K;
  // Outermost first at the same start; CIDRs nest or are disjoint, so a stack sweep labels
  // every address with the innermost group (records of identical extent) holding it.
  const order = Array.from({ length: first.length }, (_, i) => i);
  if (typeof one === 'number') {
    // IPv4: one exact numeric key per piece (start * 64 + length), so the comparator stays on numbers.
    const key = new Float64Array(first.length);
    for (let i = 0; i < key.length; i++) key[i] = (first[i] as number) * 64 + len[i];
    order.sort((a, b) => key[a] - key[b] || a - b);
  } else order.sort((a, b) => (first[a] < first[b] ? -1 : first[a] > first[b] ? 1 : len[a] - len[b] || a - b));
  const out: Array<RegisteredSegment<K>> = [];
  const push = (f: K, l: K, record: DelegationRecord, conflict: boolean) => {
    const prev = out[out.length - 1];
    if (prev && prev.record === record && prev.conflict === conflict && plus(prev.last, one) === f) prev.last = l;
    else out.push({ first: f, last: l, record, conflict });
  };
  interface Group { first: K; last: K; records: DelegationRecord[] }
  const label = (f: K, l: K, g: Group) => {
    const rirs = distinctRirs(g.records);
    if (rirs.length === 1) return push(f, l, g.records[0], false);
    for (const part of ianaParts(f, l)) {
      const w = tieWinner(rirs, part.rir);
      push(part.first, part.last, g.records.find((r) => r.rir === w)!, true);
    }
  };
  const stack: Group[] = [];
  let cursor = minus(one, one);
  const emitUpTo = (l: K) => {
    if (cursor <= l) label(cursor, l, stack[stack.length - 1]);
    cursor = plus(l, one);
  };
  for (let i = 0; i < order.length; ) {
    const e = order[i];
    const g: Group = { first: first[e], last: last[e], records: [rec[e]] };
    for (i++; i < order.length && first[order[i]] === g.first && len[order[i]] === len[e]; i++) g.records.push(rec[order[i]]);
    while (stack.length && stack[stack.length - 1].last < g.first) {
      emitUpTo(stack[stack.length - 1].last);
      stack.pop();
    }
    if (stack.length) emitUpTo(minus(g.first, one));
    cursor = g.first;
    stack.push(g);
  }
  while (stack.length) {
    emitUpTo(stack[stack.length - 1].last);
    stack.pop();
  }
  return out;
}

const bmin = (a: bigint, b: bigint): bigint => (a < b ? a : b);
const bmax = (a: bigint, b: bigint): bigint => (a > b ? a : b);

function distinctRirs(records: readonly DelegationRecord[]): Rir[] {
  const out: Rir[] = [];
  for (const r of records) if (!out.includes(r.rir)) out.push(r.rir);
  return out;
}

/** Between records of identical extent from different RIRs: IANA's designee if among them, else the alphabetically first. */
function tieWinner(rirs: readonly Rir[], designee: Rir | null): Rir {
  if (designee && rirs.includes(designee)) return designee;
  let best = rirs[0];
  for (const r of rirs) if (r < best) best = r;
  return best;
}

/**
 * Moves the registering record to the front of `records` when records of identical extent tie
 * for most specific (the first `tied` entries, all covering): the first one of `rir`.
 */
function winnerFirst(records: RecordOverlap[], tied: number, rir: Rir): void {
  let i = 0;
  while (i < tied && records[i].record.rir !== rir) i++;
  if (i === 0 || i === tied) return;
  const w = records[i];
  for (let j = i; j > 0; j--) records[j] = records[j - 1];
  records[0] = w;
}

/**
 * winnerFirst on the sorted [entry, overlap] pairs of the general paths: among the leading
 * covering entries of the first one's prefix length (`covLength` is -1 for non-covering entries),
 * the first of `rir` moves to the front.
 */
function winnerFirstEntry<N>(overlaps: Array<[number, N]>, covLength: (e: number) => number, rirOf: (e: number) => Rir, rir: Rir): void {
  const l0 = covLength(overlaps[0][0]);
  if (l0 < 0 || rirOf(overlaps[0][0]) === rir) return;
  let i = 1;
  while (i < overlaps.length && covLength(overlaps[i][0]) === l0 && rirOf(overlaps[i][0]) !== rir) i++;
  if (i === overlaps.length || covLength(overlaps[i][0]) !== l0) return;
  const w = overlaps[i];
  for (let j = i; j > 0; j--) overlaps[j] = overlaps[j - 1];
  overlaps[0] = w;
}

function cidr4(set: PieceSet<Uint32RangeIndex>, e: number): string {
  return (set.cidrs[e] ??= formatIpv4Prefix(set.index.entryFirst[e], set.length[e]));
}

function covering4(index: Uint32RangeIndex, e: number, first: number, last: number): number {
  return index.entryFirst[e] <= first && index.entryLast[e] >= last ? 1 : 0;
}

function assemble(
  prefix: string,
  records: RecordOverlap[],
  free: RecordOverlap[],
  coverage: PrefixRegistration['coverage'],
  iana: IanaDesignation | null,
  transfers: Transfer[],
  conflicts: RecordOverlap[],
  /** The RIR every address resolves to (most specific record wins), null when they differ. */
  resolved: Rir | null,
): PrefixRegistration {
  let mixed = false;
  for (let i = 1; i < records.length; i++) {
    if (records[i].record.rir !== records[0].record.rir) {
      mixed = true;
      break;
    }
  }
  // The registering RIR only when every address is delegated and resolves to it: never guessed.
  const rir = coverage === 'full' ? resolved : null;
  return { prefix, records, free, coverage, rir, mixed, iana, transfers, conflicts };
}

function isDelegatedIana(b: IanaBlock): boolean {
  // Blocks from delegated-iana-latest name the holder registry as their designation text.
  return /^(afrinic|apnic|arin|lacnic|ripencc|ietf|iana)$/.test(b.designation.designation);
}

/** A Uint32RangeIndex over items with [first, last] keys, with each item's value under `name`. */
function uint32Index<T, V, N extends string>(items: T[], range: (t: T) => [number, number], value: (t: T) => V, name: N): { index: Uint32RangeIndex } & Record<N, V[]> {
  const r = items.map(range);
  const index = new Uint32RangeIndex(r.map((x) => x[0]), r.map((x) => x[1]), items.map((_, i) => i));
  return { index, [name]: items.map(value) } as { index: Uint32RangeIndex } & Record<N, V[]>;
}

/** As uint32Index for IPv6 ranges (absolute 128-bit bounds, indexed by their top 64 bits). */
function top64Index<T, V, N extends string>(items: T[], range: (t: T) => [bigint, bigint], value: (t: T) => V, name: N): { index: Top64RangeIndex } & Record<N, V[]> {
  const r = items.map(range);
  const index = new Top64RangeIndex(r.map((x) => TOP64(x[0])), r.map((x) => TOP64(x[1])), items.map((_, i) => i));
  return { index, [name]: items.map(value) } as { index: Top64RangeIndex } & Record<N, V[]>;
}

/** The IPv4 records at `positions` as exact CIDR pieces, in that order: bounds, prefix length and the record's position. */
function ipv4CidrPieces(table: RecordTable, positions: readonly number[]): { first: Float64Array; last: Float64Array; payload: Int32Array; lengths: Uint8Array } {
  // Typed columns sized for two pieces a record (most are one), doubled if a file needs more.
  const columns = (c: number) => ({ first: new Float64Array(c), last: new Float64Array(c), payload: new Int32Array(c), lengths: new Uint8Array(c) });
  let out = columns(2 * positions.length + 16);
  let n = 0;
  let at = 0;
  const piece = (s: number, len: number, size: number) => {
    if (n === out.first.length) {
      const grown = columns(2 * n);
      grown.first.set(out.first);
      grown.last.set(out.last);
      grown.payload.set(out.payload);
      grown.lengths.set(out.lengths);
      out = grown;
    }
    out.first[n] = s;
    out.last[n] = s + size - 1;
    out.payload[n] = at;
    out.lengths[n++] = len;
  };
  for (const i of positions) {
    const r = table.at(i);
    const start = ipv4ToNumber(r.start);
    at = i;
    forEachIpv4Cidr(start, start + r.value - 1, piece);
  }
  return { first: out.first.slice(0, n), last: out.last.slice(0, n), payload: out.payload.slice(0, n), lengths: out.lengths.slice(0, n) };
}

function ipv4Pieces(table: RecordTable, positions: readonly number[]): PieceSet<Uint32RangeIndex> {
  const { first, last, payload, lengths } = ipv4CidrPieces(table, positions);
  return { index: new Uint32RangeIndex(first, last, payload), records: table, length: lengths, cidrs: new Array<string>(first.length) };
}

function ipv6Pieces(table: RecordTable, positions: readonly number[]): PieceSet<Top64RangeIndex> {
  const first: bigint[] = [];
  const last: bigint[] = [];
  const lengths: number[] = [];
  for (const i of positions) {
    const r = table.at(i);
    const start = ipv6ToBigInt(r.start) as bigint; // validated by the parser
    const top = TOP64(start);
    first.push(top);
    last.push(r.value >= 64 ? top : top + (1n << BigInt(64 - r.value)) - 1n);
    lengths.push(r.value);
  }
  return { index: new Top64RangeIndex(first, last, positions), records: table, length: Uint8Array.from(lengths), cidrs: new Array<string>(first.length) };
}

/**
 * Segment visitor of `overlapping`: when the records covering one segment come from different
 * RIRs (the same space in two files), adds all of them to `into`.
 */
function collectConflicts(
  index: { payload: Int32Array; coverAt(c: number): number },
  records: RecordTable,
  coverFrom: number,
  coverTo: number,
  into: Set<number>,
): void {
  if (coverTo - coverFrom < 2) return;
  const rir0 = records.at(index.payload[index.coverAt(coverFrom)]).rir;
  for (let c = coverFrom + 1; c < coverTo; c++) {
    if (records.at(index.payload[index.coverAt(c)]).rir !== rir0) {
      for (let d = coverFrom; d < coverTo; d++) into.add(index.coverAt(d));
      return;
    }
  }
}
