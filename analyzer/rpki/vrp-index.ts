/**
 * The VRP index: route-origin validation (RFC 6811) by a sorted-interval search. The distinct
 * ROA prefixes of a family are sorted by (start, length), each with the index of the nearest
 * ROA prefix containing it (`parents`). A query's covering ROA prefixes are then its predecessor
 * in that order and the predecessor's chain of parents (every ROA prefix containing the query
 * contains everything between itself and the query in the order): one binary search and a short
 * walk, no allocation. Addresses are kept as two 32-bit words in Float64Arrays (IPv4: the address
 * and 0; IPv6: the top 64 bits), so no bigint is touched per lookup; the rare IPv6 ROAs longer
 * than /64 are kept as bigints beside them, searched only for queries longer than /64. Compared with a per-length hash and the npm
 * rpki-validator package in bench/rpki-rov.bench.ts.
 */
import { ipv6Top64Parts, packedIpv4Prefix, parsePrefix, prefixSize } from '../../common/ip.js';
import type { RovResult, RovState, RpkiLookup, Vrp, VrpLoadStats } from '../models/rpki.js';

const TWO32 = 2 ** 32;
/** Buckets of the sorted prefixes by their top 16 bits. */
const BUCKETS = 65_536;
const BUCKET_SIZE = TWO32 / BUCKETS;

/** The VRPs of the sorted ROA prefixes: prefix i's are first[i] .. first[i + 1] - 1. */
interface Vrps {
  parents: Int32Array;
  first: Int32Array;
  /** Per VRP, two words side by side (one cache line for both): its ASN, then maxLength | ta << 8. */
  vrpData: Uint32Array;
}

/** Prefixes as (hi, lo) words: IPv4, and IPv6 up to /64. */
class WordIndex implements Vrps {
  hi = new Float64Array(0);
  lo = new Float64Array(0);
  endHi = new Float64Array(0);
  endLo = new Float64Array(0);
  lengths = new Uint8Array(0);
  parents = new Int32Array(0);
  first = new Int32Array(1);
  vrpData = new Uint32Array(0);
  /**
   * Where each value of the top 16 bits starts in the sorted prefixes (65,537 entries): the search
   * starts inside one bucket (a few entries) instead of over all of them, which cost most of a
   * lookup in cache misses. A query's predecessor is in its bucket, or is the entry just before it.
   */
  bucket = new Uint32Array(BUCKETS + 1);
  /**
   * IPv4 only: each prefix as start * 64 + length (packedIpv4Prefix's form), in the same order.
   * A query's predecessor is then found by comparing one number per step in one array, and a
   * prefix's end follows from its key, so a lookup touches far fewer cache lines.
   */
  keys = new Float64Array(0);

  /** deepest() for an IPv4 query given packed (start * 64 + length). */
  deepest4(packed: number): number {
    const keys = this.keys;
    const length = packed % 64;
    const start = (packed - length) / 64;
    const end = start + 2 ** (32 - length) - 1;
    const top = (start / BUCKET_SIZE) | 0;
    let a = this.bucket[top];
    let b = this.bucket[top + 1] - 1;
    let i = a - 1;
    while (a <= b) {
      const m = (a + b) >> 1;
      if (keys[m] <= packed) {
        i = m;
        a = m + 1;
      } else b = m - 1;
    }
    // Up the chain until a prefix reaches past the query's end.
    while (i >= 0) {
      const k = keys[i];
      const l = k % 64;
      if ((k - l) / 64 + 2 ** (32 - l) - 1 >= end) break;
      i = this.parents[i];
    }
    return i;
  }

  /** The most specific ROA prefix containing the query, or -1; its parents contain it too. */
  deepest(qh: number, ql: number, eh: number, el: number, length: number): number {
    const hi = this.hi;
    const lo = this.lo;
    const top = (qh / BUCKET_SIZE) | 0;
    let a = this.bucket[top];
    let b = this.bucket[top + 1] - 1;
    let i = a - 1;
    while (a <= b) {
      const m = (a + b) >> 1;
      const h = hi[m];
      if (h < qh || (h === qh && (lo[m] < ql || (lo[m] === ql && this.lengths[m] <= length)))) {
        i = m;
        a = m + 1;
      } else b = m - 1;
    }
    const endHi = this.endHi;
    const endLo = this.endLo;
    while (i >= 0 && (endHi[i] < eh || (endHi[i] === eh && endLo[i] < el))) i = this.parents[i];
    return i;
  }
}

/** IPv6 ROA prefixes longer than /64 (rare), as bigints. */
class BigIndex implements Vrps {
  starts: bigint[] = [];
  ends: bigint[] = [];
  lengths = new Uint8Array(0);
  parents = new Int32Array(0);
  first = new Int32Array(1);
  vrpData = new Uint32Array(0);

  deepest(start: bigint, end: bigint, length: number): number {
    const s = this.starts;
    let a = 0;
    let b = s.length - 1;
    let i = -1;
    while (a <= b) {
      const m = (a + b) >> 1;
      if (s[m] < start || (s[m] === start && this.lengths[m] <= length)) {
        i = m;
        a = m + 1;
      } else b = m - 1;
    }
    while (i >= 0 && this.ends[i] < end) i = this.parents[i];
    return i;
  }
}

const VALID = 0;
const INVALID_ORIGIN = 1;
const INVALID_LENGTH = 2;
const NOT_FOUND = 3;
const STATES: RovState[] = ['valid', 'invalid-origin', 'invalid-length', 'not-found'];

/** A VrpIndex as structured-clone data (typed arrays, bigint arrays, strings). */
export interface VrpIndexData {
  v4: Record<string, unknown>;
  v6: Record<string, unknown>;
  v6long: Record<string, unknown>;
  tas: string[];
  stats: VrpLoadStats;
  size: number;
}

export class VrpIndex implements RpkiLookup {
  private readonly v4 = new WordIndex();
  private readonly v6 = new WordIndex();
  private readonly v6long = new BigIndex();
  /** Trust anchor names, sorted; a VRP's ta is an index into it. */
  readonly tas: string[];
  /** Per bitmask of trust anchors, one shared sorted list of names. */
  private readonly taLists = new Map<number, string[]>();
  /** Filled by the last lookup: trust anchors (bitmask) and number of covering VRPs. */
  private lastMask = 0;
  private lastCovering = 0;
  private readonly parts = [0, 0, 0];
  readonly size: number;

  constructor(
    vrps: readonly Vrp[],
    readonly stats: VrpLoadStats,
  ) {
    this.tas = [...new Set(vrps.map((v) => v.ta))].sort();
    if (this.tas.length > 31) throw new Error(`${this.tas.length} trust anchors: at most 31 are supported`);
    const taId = new Map(this.tas.map((t, i) => [t, i]));
    this.size = vrps.length;
    fillWords(this.v4, vrps.filter((v) => v.family === 4), 4, taId);
    fillWords(this.v6, vrps.filter((v) => v.family === 6 && v.length <= 64), 6, taId);
    fillBig(this.v6long, vrps.filter((v) => v.family === 6 && v.length > 64), taId);
  }

  /**
   * The state code of covering prefix i's chain for (length, origin), leaving the trust anchors
   * in lastMask. `origin` null (an AS_SET origin) matches no VRP. `carry` adds the result of an
   * earlier walk (a code from `walk` on another chain covering the same query).
   */
  private walk(f: Vrps, i: number, length: number, origin: number | null, carry = NOT_FOUND): number {
    let mask = carry === NOT_FOUND ? 0 : this.lastMask;
    let covering = carry === NOT_FOUND ? 0 : this.lastCovering;
    let sameAsn = carry === INVALID_LENGTH;
    let valid = carry === VALID;
    const data = f.vrpData;
    for (; i >= 0; i = f.parents[i]) {
      const to = f.first[i + 1];
      for (let k = f.first[i]; k < to; k++) {
        const info = data[2 * k + 1];
        mask |= 1 << (info >>> 8);
        covering++;
        // AS0 never matches (RFC 6483 §4, RFC 7607): a VRP for AS0 only makes routes invalid.
        if (data[2 * k] === origin && origin !== 0) {
          if (length <= (info & 255)) valid = true;
          else sameAsn = true;
        }
      }
    }
    this.lastMask = mask;
    this.lastCovering = covering;
    if (covering === 0) return NOT_FOUND;
    return valid ? VALID : sameAsn ? INVALID_LENGTH : INVALID_ORIGIN;
  }

  /** The state code of a prefix text, or -1 for an invalid prefix. */
  private stateOf(prefix: string, origin: number | null): number {
    const packed = packedIpv4Prefix(prefix);
    if (packed >= 0) {
      return this.walk(this.v4, this.v4.deepest4(packed), packed % 64, origin);
    }
    const slash = prefix.indexOf('/');
    const length = slash > 0 ? Number(prefix.slice(slash + 1)) : -1;
    // IPv6 up to /64 in canonical-enough text: the top 64 bits as two words, no bigint.
    if (length >= 0 && length <= 64 && prefix.includes(':') && /^\d{1,2}$/.test(prefix.slice(slash + 1)) && ipv6Top64Parts(prefix.slice(0, slash), this.parts) && this.parts[2] === 1) {
      const [h, l] = this.parts;
      const hostBitsClear = length >= 32 ? length === 64 || l % 2 ** (64 - length) === 0 : l === 0 && h % 2 ** (32 - length) === 0;
      if (hostBitsClear) {
        const eh = length >= 32 ? h : h + 2 ** (32 - length) - 1;
        const el = length >= 32 ? l + 2 ** (64 - length) - 1 : TWO32 - 1;
        return this.walk(this.v6, this.v6.deepest(h, l, eh, el, length), length, origin);
      }
    }
    const p = parsePrefix(prefix);
    if (!p) return -1;
    const end = p.start + prefixSize(p) - 1n;
    if (p.family === 4) return this.walk(this.v4, this.v4.deepest(Number(p.start), 0, Number(end), 0, p.length), p.length, origin);
    const w = words6(p.start);
    if (p.length <= 64) {
      const e = words6(end);
      return this.walk(this.v6, this.v6.deepest(w[0], w[1], e[0], e[1], p.length), p.length, origin);
    }
    // Longer than /64: ROAs up to /64 covering its /64, then the longer ROAs covering it.
    const short = this.walk(this.v6, this.v6.deepest(w[0], w[1], w[0], w[1], 64), p.length, origin);
    return this.walk(this.v6long, this.v6long.deepest(p.start, end, p.length), p.length, origin, short);
  }

  /** Just the state, for hot loops (no result object). Throws on an invalid prefix. */
  /**
   * The index as plain data and the buffers to transfer: a worker builds it (load-worker.ts) and
   * the main thread takes it over with fromTransfer, without copying or rebuilding anything.
   */
  toTransfer(): { data: VrpIndexData; transfer: ArrayBuffer[] } {
    const data: VrpIndexData = { v4: { ...this.v4 }, v6: { ...this.v6 }, v6long: { ...this.v6long }, tas: this.tas, stats: this.stats, size: this.size };
    const transfer: ArrayBuffer[] = [];
    for (const part of [data.v4, data.v6, data.v6long] as Array<Record<string, unknown>>) {
      for (const v of Object.values(part)) if (ArrayBuffer.isView(v) && v.buffer.byteLength > 0 && !transfer.includes(v.buffer as ArrayBuffer)) transfer.push(v.buffer as ArrayBuffer);
    }
    return { data, transfer };
  }

  /** An index from toTransfer's data (as posted from a worker). */
  static fromTransfer(data: VrpIndexData): VrpIndex {
    const index = Object.create(VrpIndex.prototype) as VrpIndex;
    const fields = index as unknown as Record<string, unknown>;
    fields.v4 = Object.assign(new WordIndex(), data.v4);
    fields.v6 = Object.assign(new WordIndex(), data.v6);
    fields.v6long = Object.assign(new BigIndex(), data.v6long);
    fields.tas = data.tas;
    fields.stats = data.stats;
    fields.size = data.size;
    fields.taLists = new Map();
    fields.lastMask = 0;
    fields.lastCovering = 0;
    fields.parts = [0, 0, 0];
    return index;
  }

  state(prefix: string, origin: number | null): RovState {
    const code = this.stateOf(prefix, origin);
    if (code < 0) throw new Error(`invalid prefix: ${JSON.stringify(prefix)}`);
    return STATES[code];
  }

  validate(prefix: string, origin: number | null): RovResult {
    const state = this.state(prefix, origin);
    return { state, tas: this.taNames(this.lastMask), covering: this.lastCovering };
  }

  coveringTas(prefix: string): string[] {
    this.state(prefix, null);
    return this.taNames(this.lastMask);
  }

  private taNames(mask: number): string[] {
    let names = this.taLists.get(mask);
    if (!names) {
      names = this.tas.filter((_, i) => mask & (1 << i));
      this.taLists.set(mask, names);
    }
    return names;
  }
}

/** Top 64 bits of an IPv6 address as two 32-bit words. */
function words6(v: bigint): [number, number] {
  return [Number((v >> 96n) & 0xffffffffn), Number((v >> 64n) & 0xffffffffn)];
}

/**
 * Sorts `n` VRPs by (key, length) with `compare`, then lays out the distinct prefixes: `same`
 * says whether two VRPs have one prefix, `inside(p, k)` whether distinct prefix p contains VRP k,
 * `add(k)` appends VRP k's prefix. Fills parents, first and the VRP arrays of `f`.
 */
function layout(f: Vrps, vrps: readonly Vrp[], taId: Map<string, number>, order: Int32Array, same: (a: number, b: number) => boolean, inside: (p: number, k: number) => boolean, add: (k: number) => void): number[] {
  const n = order.length;
  f.vrpData = new Uint32Array(2 * n);
  const parents: number[] = [];
  const first: number[] = [];
  const lengths: number[] = [];
  // Distinct prefixes open around the current one, outermost first.
  const stack: number[] = [];
  for (let j = 0; j < n; j++) {
    const k = order[j];
    if (j === 0 || !same(order[j - 1], k)) {
      while (stack.length && !inside(stack[stack.length - 1], k)) stack.pop();
      parents.push(stack.length ? stack[stack.length - 1] : -1);
      first.push(j);
      lengths.push(vrps[k].length);
      stack.push(parents.length - 1);
      add(k);
    }
    f.vrpData[2 * j] = vrps[k].asn;
    f.vrpData[2 * j + 1] = vrps[k].maxLength | (taId.get(vrps[k].ta)! << 8);
  }
  first.push(n);
  f.parents = Int32Array.from(parents);
  f.first = Int32Array.from(first);
  return lengths;
}

function fillWords(f: WordIndex, vrps: readonly Vrp[], family: 4 | 6, taId: Map<string, number>): void {
  const n = vrps.length;
  const hi = new Float64Array(n);
  const lo = new Float64Array(n);
  const eh = new Float64Array(n);
  const el = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const v = vrps[k];
    if (family === 4) {
      hi[k] = Number(v.start);
      eh[k] = hi[k] + 2 ** (32 - v.length) - 1;
    } else {
      [hi[k], lo[k]] = words6(v.start);
      [eh[k], el[k]] = words6(v.start + (1n << BigInt(128 - v.length)) - 1n);
    }
  }
  const order = new Int32Array(n);
  for (let k = 0; k < n; k++) order[k] = k;
  order.sort((a, b) => hi[a] - hi[b] || lo[a] - lo[b] || vrps[a].length - vrps[b].length);
  const outHi: number[] = [];
  const outLo: number[] = [];
  const outEh: number[] = [];
  const outEl: number[] = [];
  const lengths = layout(
    f, vrps, taId, order,
    (a, b) => hi[a] === hi[b] && lo[a] === lo[b] && vrps[a].length === vrps[b].length,
    (p, k) => outEh[p] > hi[k] || (outEh[p] === hi[k] && outEl[p] >= lo[k]),
    (k) => {
      outHi.push(hi[k]);
      outLo.push(lo[k]);
      outEh.push(eh[k]);
      outEl.push(el[k]);
    },
  );
  f.hi = Float64Array.from(outHi);
  f.lo = Float64Array.from(outLo);
  f.endHi = Float64Array.from(outEh);
  f.endLo = Float64Array.from(outEl);
  f.lengths = Uint8Array.from(lengths);
  if (family === 4) f.keys = Float64Array.from(outHi, (h, i) => h * 64 + lengths[i]);
  // bucket[t] = the first prefix whose top 16 bits are t or more.
  let j = 0;
  for (let t = 0; t <= BUCKETS; t++) {
    while (j < f.hi.length && f.hi[j] < t * BUCKET_SIZE) j++;
    f.bucket[t] = j;
  }
}

function fillBig(f: BigIndex, vrps: readonly Vrp[], taId: Map<string, number>): void {
  const n = vrps.length;
  const ends = vrps.map((v) => v.start + (1n << BigInt(128 - v.length)) - 1n);
  const order = new Int32Array(n);
  for (let k = 0; k < n; k++) order[k] = k;
  order.sort((a, b) => (vrps[a].start < vrps[b].start ? -1 : vrps[a].start > vrps[b].start ? 1 : vrps[a].length - vrps[b].length));
  const lengths = layout(
    f, vrps, taId, order,
    (a, b) => vrps[a].start === vrps[b].start && vrps[a].length === vrps[b].length,
    (p, k) => f.ends[p] >= vrps[k].start,
    (k) => {
      f.starts.push(vrps[k].start);
      f.ends.push(ends[k]);
    },
  );
  f.lengths = Uint8Array.from(lengths);
}
