/**
 * The registry diff (pure): change events between two snapshots of the RIR files.
 *
 * Each side is first reduced to its *registering view*: disjoint segments of allocated/assigned
 * space, each labelled with the most specific record holding it (records are split into exact
 * CIDRs as RegistryIndex.registeredSegments does; a carve-out nested in another RIR's block is the
 * carve-out's; between records of identical extent from different RIRs the alphabetically first
 * RIR wins, as in the index without IANA files). ASN ranges: the smallest range holding an ASN.
 * The two views (and each side's available/reserved rows, for the status of the undelegated side)
 * are overlaid; every maximal range where the same pair of records holds the space on the two
 * sides is compared, so events are exact to the address and never coarser than a record.
 *
 * A RIR present on only one side would turn all its space into added or removed: by default only
 * RIRs present on both sides are compared (`leftOut` says which were not).
 */
import { formatIp, formatIpv4, ipv4ToNumber, ipv6ToBigInt, ipv6Top64Parts } from '../../common/ip.js';
import { RIRS, type ChangeKind, type DelegationRecord, type RegistryChange, type ResourceType, type Rir } from '../models/registry.js';
import { forEachIpv4Cidr } from './prefix-index.js';
import type { TransferLogRange } from './transfer-log.js';

export interface DiffFile {
  rir: Rir;
  /** The date the file describes (YYYY-MM-DD), or null. */
  date: string | null;
  path?: string;
  records: readonly DelegationRecord[];
  extended?: boolean;
}

export interface DiffSide {
  /** What the side is (an archive date or a folder), for messages. */
  label: string;
  files: DiffFile[];
  /** Transfer log entries available on this side (both sides' are merged and deduplicated). */
  transfers?: TransferLogRange[];
}

export interface DiffOptions {
  /** Compare every RIR present on either side (default: only those present on both). */
  allRirs?: boolean;
  families?: ResourceType[];
}

export interface DiffResult {
  from: { label: string; files: Array<{ rir: Rir; date: string | null; path?: string }> };
  to: { label: string; files: Array<{ rir: Rir; date: string | null; path?: string }> };
  /** RIRs compared. */
  compared: Rir[];
  /** RIRs present on one side only, left out (unless allRirs). */
  leftOut: Array<{ rir: Rir; presentIn: 'from' | 'to' }>;
  events: RegistryChange[];
  /** Transfer log entries seen (after merging both RIRs' reports of one transfer) and how many explained an event. */
  transfers: { entries: number; matched: number };
}

const FAMILIES: ResourceType[] = ['ipv4', 'ipv6', 'asn'];
const SLASH48 = 2 ** 80;
/** Each RIR's place in RIRS, as a plain object: read once per item (a property read, not a hash). */
const RIR_ORDER: Record<string, number> = Object.fromEntries(RIRS.map((r, i) => [r, i]));

/**
 * Records' extents in a family's coordinates, with how specific each is (higher wins), as
 * parallel typed arrays: hundreds of thousands of small objects kept alive through the sort
 * cost more in garbage collection than the diff itself.
 */
export class Items {
  n = 0;
  first: Float64Array;
  last: Float64Array;
  spec: Float64Array;
  /** The record's RIR in RIRS order (ties between equally specific records). */
  rirOrder: Uint8Array;
  rec: DelegationRecord[] = [];

  /** `capacity`: the expected count (it grows past it). */
  constructor(capacity = 1024) {
    const c = Math.max(16, capacity);
    this.first = new Float64Array(c);
    this.last = new Float64Array(c);
    this.spec = new Float64Array(c);
    this.rirOrder = new Uint8Array(c);
  }

  push(first: number, last: number, spec: number, rec: DelegationRecord): void {
    if (this.n === this.first.length) {
      this.first = grow(this.first);
      this.last = grow(this.last);
      this.spec = grow(this.spec);
      this.rirOrder = grow(this.rirOrder);
    }
    const i = this.n++;
    this.first[i] = first;
    this.last[i] = last;
    this.spec[i] = spec;
    this.rirOrder[i] = RIR_ORDER[rec.rir] ?? 9;
    this.rec.push(rec);
  }
}

function grow<T extends Float64Array | Uint8Array>(a: T): T {
  const b = new (a.constructor as new (n: number) => T)(a.length * 2);
  b.set(a);
  return b;
}

/** Disjoint, sorted segments, each labelled with a record (parallel arrays: first, last, record). */
export class Segs {
  n = 0;
  first: Float64Array;
  last: Float64Array;
  rec: DelegationRecord[] = [];
  constructor(capacity: number) {
    this.first = new Float64Array(Math.max(1, capacity));
    this.last = new Float64Array(Math.max(1, capacity));
  }
}

/**
 * Disjoint, sorted segments labelled with the most specific item holding them (highest `spec`;
 * ties: alphabetically first RIR, then input order). Adjacent segments of one record merge.
 */
export function labelSegments(items: Items): Segs {
  const { n, first, last, spec, rirOrder, rec: recs } = items;
  const starts = sortedBy(first, n);
  const ends = sortedBy(last, n);
  // Never more segments than 2n − 1 (each start and end opens at most one).
  const out = new Segs(2 * n);
  const active: number[] = [];
  let best = -1;
  let prev = 0;
  let i = 0;
  let j = 0;
  while (j < n) {
    const pos = i < n ? Math.min(first[starts[i]], last[ends[j]] + 1) : last[ends[j]] + 1;
    if (best >= 0 && prev < pos) {
      const rec = recs[best];
      const k = out.n - 1;
      if (k >= 0 && out.rec[k] === rec && out.last[k] + 1 === prev) out.last[k] = pos - 1;
      else {
        out.first[out.n] = prev;
        out.last[out.n] = pos - 1;
        out.rec.push(rec);
        out.n++;
      }
    }
    while (j < n && last[ends[j]] + 1 === pos) {
      const k = active.indexOf(ends[j]);
      if (k >= 0) active.splice(k, 1);
      j++;
    }
    while (i < n && first[starts[i]] === pos) active.push(starts[i++]);
    // The most specific active item; ties: alphabetically first RIR, then input order.
    best = -1;
    for (let k = 0; k < active.length; k++) {
      const a = active[k];
      if (best < 0 || (spec[a] !== spec[best] ? spec[a] > spec[best] : rirOrder[a] !== rirOrder[best] ? rirOrder[a] < rirOrder[best] : a < best)) best = a;
    }
    prev = pos;
  }
  return out;
}

const IDX = 2 ** 21;

/** Indexes [0, n) ordered by key, then index: one numeric typed-array sort (keys < 2^32, fewer than 2^21 items). */
function sortedBy(key: Float64Array, n: number): Int32Array {
  if (n >= IDX) throw new Error(`too many ranges (${n}) for one family`);
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = key[i] * IDX + i;
  keys.sort();
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = keys[i] % IDX;
  return out;
}

/** One family's coordinates: IPv4 and ASNs as themselves; IPv6 compressed to ranks of the boundaries present. */
interface Coords {
  family: ResourceType;
  /** IPv6 only: rank → absolute address (rank k covers [coords[k], coords[k+1]) ). */
  v6?: bigint[];
  /** `offset`: where `records` begin in the list the coordinates were made from (IPv6 bounds are computed once per record, by position). */
  items(records: readonly DelegationRecord[], offset: number): Items;
  /** Absolute first / last of [first, last] in coordinates. */
  abs(first: number, last: number): [bigint, bigint];
}

function coordsFor(family: ResourceType, all: readonly DelegationRecord[]): Coords {
  if (family === 'ipv4') {
    return {
      family,
      items(records) {
        const out = new Items(records.length + (records.length >> 1));
        for (const r of records) {
          // The range as exact CIDRs.
          const first = ipv4ToNumber(r.start);
          forEachIpv4Cidr(first, first + r.value - 1, (start, length, size) => out.push(start, start + size - 1, length, r));
        }
        return out;
      },
      abs: (f, l) => [BigInt(f), BigInt(l)],
    };
  }
  if (family === 'asn') {
    return {
      family,
      items(records) {
        const out = new Items(records.length);
        for (const r of records) out.push(Number(r.start), Number(r.start) + r.value - 1, -r.value, r);
        return out;
      },
      abs: (f, l) => [BigInt(f), BigInt(l)],
    };
  }
  const fast = v6Top64Coords(all);
  if (fast) return fast;
  // Sorted distinct bounds (an array, not a Set: V8 hashes BigInts poorly).
  const bounds: bigint[] = [];
  for (const r of all) {
    const s = ipv6ToBigInt(r.start) as bigint;
    bounds.push(s, s + (1n << BigInt(128 - r.value)));
  }
  bounds.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const v6: bigint[] = [];
  for (const b of bounds) if (!v6.length || v6[v6.length - 1] !== b) v6.push(b);
  // Binary search, not a Map: V8 hashes BigInt keys poorly.
  const rank = {
    get(v: bigint): number {
      let lo = 0;
      let hi = v6.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (v6[mid] < v) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    },
  };
  return {
    family,
    v6,
    items(records) {
      const out = new Items(records.length);
      for (const r of records) {
        const s = ipv6ToBigInt(r.start) as bigint;
        out.push(rank.get(s), rank.get(s + (1n << BigInt(128 - r.value))) - 1, r.value, r);
      }
      return out;
    },
    abs: (f, l) => [v6[f], v6[l + 1] - 1n],
  };
}

/** Index of the first element of sorted `a[0, n)` that is >= v. */
function lowerBound(a: Float64Array, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Sorts `a[0, n)` and keeps each value once; returns how many remain. */
function sortUnique(a: Float64Array, n: number): number {
  const s = a.subarray(0, n).sort();
  let m = 0;
  for (let i = 0; i < n; i++) if (m === 0 || s[m - 1] !== s[i]) s[m++] = s[i];
  return m;
}

/**
 * IPv6 coordinates without bigints, when every record is a /64 or shorter starting on a /64
 * boundary (all published files); null otherwise (the general bigint path then runs).
 *
 * A bound is its top 64 bits, too wide for a double: it is split into its top 48 bits (exact)
 * and the next 16. The distinct top-48 values are ranked by a native sort, and each bound becomes
 * rank48 · 2^16 + low16, again exact (rank48 < 2^22), ranked by a second native sort. Bounds
 * are computed once per record, by its position in `all` (items() gets where its list begins).
 */
function v6Top64Coords(all: readonly DelegationRecord[]): Coords | null {
  const n = all.length;
  const top48 = new Float64Array(2 * n);
  const low16 = new Float64Array(2 * n);
  const parts = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const r = all[i];
    if (!(r.value >= 0 && r.value <= 64) || !ipv6Top64Parts(r.start, parts) || parts[2] !== 1) return null;
    // start and end (start + 2^(64 - len), in units of 2^64) as hi·2^32 + lo, carried by hand to stay exact.
    const h = parts[0];
    const l = parts[1];
    let eh = h;
    let el = l;
    if (r.value <= 32) eh += 2 ** (32 - r.value);
    else {
      el += 2 ** (64 - r.value);
      if (el >= 2 ** 32) {
        el -= 2 ** 32;
        eh += 1;
      }
    }
    top48[2 * i] = h * 65536 + Math.floor(l / 65536);
    low16[2 * i] = l % 65536;
    top48[2 * i + 1] = eh * 65536 + Math.floor(el / 65536);
    low16[2 * i + 1] = el % 65536;
  }
  const u48 = Float64Array.from(top48);
  const n48 = sortUnique(u48, u48.length);
  const key = new Float64Array(2 * n);
  for (let k = 0; k < key.length; k++) key[k] = lowerBound(u48, n48, top48[k]) * 65536 + low16[k];
  const uniq = Float64Array.from(key);
  const m = sortUnique(uniq, uniq.length);
  // Rank of every bound; rank k covers [bound k, bound k + 1).
  const rank = new Int32Array(2 * n);
  for (let k = 0; k < key.length; k++) rank[k] = lowerBound(uniq, m, key[k]);
  const big = (k: number): bigint => {
    const c = uniq[k];
    const sub = c % 65536;
    return ((BigInt(u48[(c - sub) / 65536]) << 16n) | BigInt(sub)) << 64n;
  };
  return {
    family: 'ipv6',
    items(records, offset) {
      const out = new Items(records.length);
      for (let k = 0; k < records.length; k++) {
        const i = offset + k;
        out.push(rank[2 * i], rank[2 * i + 1] - 1, records[k].value, records[k]);
      }
      return out;
    },
    abs: (f, l) => [big(f), big(l + 1) - 1n],
  };
}

function sizeOf(family: ResourceType, first: bigint, last: bigint): number {
  const n = last - first + 1n;
  return family === 'ipv6' ? Number(n) / SLASH48 : Number(n);
}

function text(family: ResourceType, v: bigint): string {
  return family === 'ipv4' ? formatIpv4(Number(v)) : family === 'ipv6' ? formatIp(6, v) : String(v);
}

const isoDate = (d: string | null): string | null => (d ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}` : null);

function numberText(family: ResourceType, v: number): string {
  return family === 'ipv4' ? formatIpv4(v) : String(v);
}

/** The event as printed and stored (`log`: undefined where transfer logs do not apply, null when none explains it). */
function makeEvent(e: RawEvent, start: string, end: string, addresses: number, fromFileDate: string | null, toFileDate: string | null, log: TransferLogRange | null | undefined): RegistryChange {
  return {
    kind: e.kind,
    family: e.family,
    start,
    end,
    addresses,
    from_rir: e.a?.rir ?? null,
    to_rir: e.b?.rir ?? null,
    from_cc: e.a?.cc ?? null,
    to_cc: e.b?.cc ?? null,
    from_status: e.fromStatus,
    to_status: e.toStatus,
    from_holder: e.a?.opaqueId ?? null,
    to_holder: e.b?.opaqueId ?? null,
    from_reg_date: isoDate(e.a?.date ?? null),
    to_reg_date: isoDate(e.b?.date ?? null),
    from_file_date: fromFileDate,
    to_file_date: toFileDate,
    transfer: log === undefined ? null : log ? 'logged' : 'unlogged',
    transfer_date: log ? log.date : null,
    transfer_type: log ? log.type : null,
  };
}

/** An event before formatting: absolute bounds. */
interface RawEvent {
  kind: ChangeKind;
  family: ResourceType;
  /** In the family's coordinates (absolute bounds only for the ranges that change: coords.abs). */
  first: number;
  last: number;
  coords: Coords;
  a: DelegationRecord | null;
  b: DelegationRecord | null;
  fromStatus: string;
  toStatus: string;
}

/** Compares two snapshots. Pure: the files' records are given. */
export function diffRegistries(from: DiffSide, to: DiffSide, opts: DiffOptions = {}): DiffResult {
  const rirsOf = (s: DiffSide) => new Set(s.files.map((f) => f.rir));
  const ra = rirsOf(from);
  const rb = rirsOf(to);
  const leftOut: DiffResult['leftOut'] = [];
  const compared: Rir[] = [];
  for (const r of RIRS) {
    if (ra.has(r) && rb.has(r)) compared.push(r);
    else if (ra.has(r) || rb.has(r)) {
      if (opts.allRirs) compared.push(r);
      else leftOut.push({ rir: r, presentIn: ra.has(r) ? 'from' : 'to' });
    }
  }
  const keep = new Set(compared);
  // Each side's records of the compared RIRs by family, delegated and free apart: one pass, no flatMap.
  type Groups = Record<ResourceType, { reg: DelegationRecord[]; free: DelegationRecord[] }>;
  const split = (s: DiffSide): Groups => {
    const out: Groups = { ipv4: { reg: [], free: [] }, ipv6: { reg: [], free: [] }, asn: { reg: [], free: [] } };
    for (const file of s.files) {
      if (!keep.has(file.rir)) continue;
      const recs = file.records;
      for (let i = 0; i < recs.length; i++) {
        const r = recs[i];
        const g = r.type === 'ipv4' ? out.ipv4 : r.type === 'ipv6' ? out.ipv6 : r.type === 'asn' ? out.asn : null;
        if (!g) continue;
        if (r.status === 'allocated' || r.status === 'assigned') g.reg.push(r);
        else g.free.push(r);
      }
    }
    return out;
  };
  const byA = split(from);
  const byB = split(to);
  const dateA = new Map(from.files.map((f) => [f.rir, f.date]));
  const dateB = new Map(to.files.map((f) => [f.rir, f.date]));

  const raw: RawEvent[] = [];
  for (const family of opts.families ?? FAMILIES) {
    const fa = byA[family];
    const fb = byB[family];
    const coords = coordsFor(family, family === 'ipv6' ? [...fa.reg, ...fb.reg, ...fa.free, ...fb.free] : []);
    // IPv6 coordinates come from the four lists in this order (`offset`: where each begins).
    const o1 = fa.reg.length;
    const o2 = o1 + fb.reg.length;
    const o3 = o2 + fa.free.length;
    const lists = [labelSegments(coords.items(fa.reg, 0)), labelSegments(coords.items(fb.reg, o1)), labelSegments(coords.items(fa.free, o2)), labelSegments(coords.items(fb.free, o3))];
    overlay(lists, (first, last, recs) => compare(family, coords, first, last, recs[0], recs[1], recs[2], recs[3], raw));
  }

  const logs = mergeLogs(from.transfers, to.transfers);
  const matchedLogs = new Set<TransferLogRange>();
  const events: RegistryChange[] = [];
  for (const r of raw) {
    const fromRir = r.a?.rir ?? null;
    const toRir = r.b?.rir ?? null;
    const fromFileDate = dateA.get((fromRir ?? toRir)!) ?? null;
    const toFileDate = dateB.get((toRir ?? fromRir)!) ?? null;
    if (r.kind !== 'moved' && r.kind !== 'holder-changed') {
      // IPv4 and ASN coordinates are the values themselves: no bigint for the common case.
      if (r.family === 'ipv6') {
        const [first, last] = r.coords.abs(r.first, r.last);
        events.push(makeEvent(r, text('ipv6', first), text('ipv6', last), sizeOf('ipv6', first, last), fromFileDate, toFileDate, undefined));
      } else events.push(makeEvent(r, numberText(r.family, r.first), numberText(r.family, r.last), r.last - r.first + 1, fromFileDate, toFileDate, undefined));
      continue;
    }
    const [first, last] = r.coords.abs(r.first, r.last);
    for (const piece of splitByLogs(r.family, first, last, logs, fromRir, toRir, fromFileDate, toFileDate)) {
      if (piece.log) matchedLogs.add(piece.log);
      events.push(makeEvent(r, text(r.family, piece.first), text(r.family, piece.last), sizeOf(r.family, piece.first, piece.last), fromFileDate, toFileDate, piece.log));
    }
  }
  // Already in order: family, then address; the kinds of one range in CHANGE_KINDS order.
  const side = (s: DiffSide) => ({ label: s.label, files: s.files.map((f) => ({ rir: f.rir, date: f.date, ...(f.path ? { path: f.path } : {}) })) });
  return { from: side(from), to: side(to), compared, leftOut, events, transfers: { entries: logs.all, matched: matchedLogs.size } };
}

/**
 * Calls `visit` for every maximal range where the four segment lists' records stay the same and
 * one of the first two is set. `recs` is reused between calls: read it, do not keep it.
 */
function overlay(lists: Segs[], visit: (first: number, last: number, recs: Array<DelegationRecord | null>) => void): void {
  // A merge of the sorted lists (no sort of their bounds): from each boundary to the next one
  // of any list, every list's record there.
  const L = lists.length;
  const ptr = new Int32Array(L);
  let cur: Array<DelegationRecord | null> = lists.map(() => null);
  let pend: Array<DelegationRecord | null> = lists.map(() => null);
  let pending = false;
  let pFirst = 0;
  let pLast = 0;
  let pos = Infinity;
  for (const l of lists) if (l.n > 0 && l.first[0] < pos) pos = l.first[0];
  while (pos !== Infinity) {
    let next = Infinity;
    for (let li = 0; li < L; li++) {
      const l = lists[li];
      let q = ptr[li];
      while (q < l.n && l.last[q] < pos) q++;
      ptr[li] = q;
      if (q < l.n && l.first[q] <= pos) {
        cur[li] = l.rec[q];
        if (l.last[q] + 1 < next) next = l.last[q] + 1;
      } else {
        cur[li] = null;
        if (q < l.n && l.first[q] < next) next = l.first[q];
      }
    }
    if (next === Infinity) break;
    if (!cur[0] && !cur[1]) {
      if (pending) visit(pFirst, pLast, pend);
      pending = false;
    } else if (pending && pLast + 1 === pos && sameRecords(pend, cur)) pLast = next - 1;
    else {
      if (pending) visit(pFirst, pLast, pend);
      // The current labels become the pending range's; the old pending array is reused.
      const swap = pend;
      pend = cur;
      cur = swap;
      pending = true;
      pFirst = pos;
      pLast = next - 1;
    }
    pos = next;
  }
  if (pending) visit(pFirst, pLast, pend);
}

/** Same records on the sides that matter: both registered records, or the registered one and the other side's free row. */
function sameRecords(x: Array<DelegationRecord | null>, y: Array<DelegationRecord | null>): boolean {
  if (x[0] !== y[0] || x[1] !== y[1]) return false;
  if (!x[0] && x[2] !== y[2]) return false;
  if (!x[1] && x[3] !== y[3]) return false;
  return true;
}

function compare(
  family: ResourceType,
  coords: Coords,
  first: number,
  last: number,
  a: DelegationRecord | null,
  b: DelegationRecord | null,
  freeA: DelegationRecord | null,
  freeB: DelegationRecord | null,
  out: RawEvent[],
): void {
  // No closure here: this runs once per compared range.
  const fromStatus = a ? a.status : freeA ? freeA.status : 'absent';
  const toStatus = b ? b.status : freeB ? freeB.status : 'absent';
  let kinds: ChangeKind[];
  if (!a) kinds = ['added'];
  else if (!b) kinds = ['removed'];
  else if (a.rir !== b.rir) kinds = ['moved'];
  else {
    if (a.status === b.status && a.cc === b.cc && a.date === b.date && (a.opaqueId === null || b.opaqueId === null || a.opaqueId === b.opaqueId)) return;
    kinds = [];
    if (a.status !== b.status) kinds.push('status-changed');
    if (a.cc !== b.cc) kinds.push('cc-changed');
    if (a.opaqueId !== null && b.opaqueId !== null && a.opaqueId !== b.opaqueId) kinds.push('holder-changed');
    if (a.date !== b.date) kinds.push('date-changed');
  }
  for (const kind of kinds) out.push({ kind, family, first, last, coords, a, b, fromStatus, toStatus });
}

interface LogSet {
  all: number;
  byFamily: Map<ResourceType, { logs: TransferLogRange[]; maxLast: bigint[] }>;
}

/** Both sides' logs, one entry per transfer (an inter-RIR transfer appears in both RIRs' logs), sorted by start per family. */
function mergeLogs(a: TransferLogRange[] | undefined, b: TransferLogRange[] | undefined): LogSet {
  const seen = new Map<string, TransferLogRange>();
  for (const t of [...(a ?? []), ...(b ?? [])]) {
    const key = `${t.family}|${t.first}|${t.last}|${t.sourceRir}|${t.recipientRir}|${t.date}`;
    if (!seen.has(key)) seen.set(key, t);
  }
  const byFamily: LogSet['byFamily'] = new Map();
  for (const family of FAMILIES) {
    const logs = [...seen.values()].filter((t) => t.family === family).sort((x, y) => (x.first < y.first ? -1 : x.first > y.first ? 1 : 0));
    const maxLast: bigint[] = [];
    let m = -1n;
    for (const t of logs) maxLast.push((m = t.last > m ? t.last : m));
    byFamily.set(family, { logs, maxLast });
  }
  return { all: seen.size, byFamily };
}

/**
 * [first, last] cut where the log entries that explain it begin and end: each piece with the
 * explaining entry (the latest by date when several cover it), or null where none does.
 */
function splitByLogs(
  family: ResourceType,
  first: bigint,
  last: bigint,
  set: LogSet,
  fromRir: Rir | null,
  toRir: Rir | null,
  fromFileDate: string | null,
  toFileDate: string | null,
): Array<{ first: bigint; last: bigint; log: TransferLogRange | null }> {
  const { logs, maxLast } = set.byFamily.get(family)!;
  // Entries with start <= last, scanned back while some entry before can still reach `first`.
  let hi = logs.length;
  let lo = 0;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (logs[mid].first <= last) lo = mid + 1;
    else hi = mid;
  }
  const cands: TransferLogRange[] = [];
  for (let k = lo - 1; k >= 0 && maxLast[k] >= first; k--) {
    const t = logs[k];
    // Explains the change: same RIRs, dated between the two files.
    if (t.last >= first && t.sourceRir === fromRir && t.recipientRir === toRir && (!fromFileDate || t.date >= fromFileDate) && (!toFileDate || t.date <= toFileDate)) cands.push(t);
  }
  if (!cands.length) return [{ first, last, log: null }];
  const points = new Set<bigint>([first, last + 1n]);
  for (const c of cands) {
    if (c.first > first) points.add(c.first);
    if (c.last + 1n <= last) points.add(c.last + 1n);
  }
  const sorted = [...points].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const out: Array<{ first: bigint; last: bigint; log: TransferLogRange | null }> = [];
  for (let k = 0; k + 1 < sorted.length; k++) {
    const f = sorted[k];
    const l = sorted[k + 1] - 1n;
    let log: TransferLogRange | null = null;
    for (const c of cands) if (c.first <= f && c.last >= l && (!log || c.date > log.date)) log = c;
    const prev = out[out.length - 1];
    if (prev && prev.log === log && prev.last + 1n === f) prev.last = l;
    else out.push({ first: f, last: l, log });
  }
  return out;
}
