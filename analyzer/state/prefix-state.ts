/**
 * Routing state per (prefix, origin) pair: which sources (peers) announce it now, first/last seen,
 * the essentials of its classification, and the lifecycle events its changes produce. The exact
 * semantics are in README.md beside this file.
 */
import { endianness } from 'node:os';
import { log } from '../../common/log.js';
import type { PeerDown } from '../../collector/models/peer-down.js';
import type { RouteEvent } from '../../collector/models/route-event.js';
import type { Finding, MismatchKind, Severity } from '../models/finding.js';
import type { LifecycleEvent } from '../models/lifecycle.js';
import { encodeFinding, hasFinding, isStale, kindsOf, severityOf, STALE } from './finding-code.js';
import { OriginSetTable, originAsnsOf } from './origins.js';
import { PairTable } from './pair-table.js';
import { readSnapshot, writeSnapshot, type StateImage } from './snapshot.js';
import { SourceTable } from './peer-paths.js';

export type Classify = (prefix: string, originAsns: number[], visibility: number) => Finding;

export interface PairView {
  /** Smallest origin ASN (the only one unless the path ends in an AS_SET). */
  origin: number;
  originAsns: number[];
  firstSeen: number;
  lastSeen: number;
  /** Sources announcing the pair now; 0 when withdrawn (kept until evicted). */
  peers: number;
  severity: Severity;
  kinds: MismatchKind[];
}

export interface PrefixStateCounters {
  events: number;
  announces: number;
  withdraws: number;
  /** Withdrawals for a route the peer was not announcing (normal in BGP; counted, not logged). */
  withdrawsUnknown: number;
  /** Announcements without an origin AS (empty AS path): they replace the peer's route, add none. */
  announcesWithoutOrigin: number;
  /** Events rejected by validation (logged). */
  badEvents: number;
  classifications: number;
  classifyErrors: number;
  evictedWithdrawn: number;
  evictedVisible: number;
  peerDowns: number;
}

const newCounters = (): PrefixStateCounters => ({
  events: 0,
  announces: 0,
  withdraws: 0,
  withdrawsUnknown: 0,
  announcesWithoutOrigin: 0,
  badEvents: 0,
  classifications: 0,
  classifyErrors: 0,
  evictedWithdrawn: 0,
  evictedVisible: 0,
  peerDowns: 0,
});

/** Eviction frees this share of maxPairs at once, so that it runs rarely. */
const EVICT_TO = 0.9;
export const DEFAULT_MAX_PAIRS = 4_000_000;

export class PrefixState {
  readonly maxPairs: number;
  readonly counters: PrefixStateCounters = newCounters();
  private readonly heads = new Map<string, number>();
  /** One-entry memo of `heads`: the pipeline asks again (visibility) for the prefix it just applied. */
  private memoPrefix: string | undefined;
  private memoHead = -1;
  private pairs = new PairTable();
  private sources = new SourceTable();
  private originSets = new OriginSetTable();

  constructor(opts: { maxPairs?: number } = {}) {
    const max = opts.maxPairs ?? DEFAULT_MAX_PAIRS;
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxPairs must be a positive integer, got ${max}`);
    this.maxPairs = max;
  }

  apply(event: RouteEvent, classify: Classify): LifecycleEvent[] {
    this.counters.events++;
    const problem = validate(event);
    if (problem) {
      this.counters.badEvents++;
      log.warn({ collector: event?.collector, peer_ip: event?.peer_ip, prefix: event?.prefix, problem }, 'prefix state: event skipped');
      return [];
    }
    const source = this.sources.intern(event.collector, event.peer_ip, event.peer_asn, event.path_id);
    if (event.elem_type === 'announce') {
      this.counters.announces++;
      return this.route(event.prefix, source, originAsnsOf(event), event.timestamp, classify);
    }
    this.counters.withdraws++;
    return this.route(event.prefix, source, null, event.timestamp, classify, true);
  }

  /**
   * An announcement given as fields (a RIB entry: see RouteVisitor), the same as apply() with
   * its event; `asns` as originAsnsOf gives them (sorted, unique; null without an origin).
   */
  announce(collector: string, peerIp: string, peerAsn: number, pathId: number | undefined, prefix: string, time: number, asns: number[] | null, classify: Classify): LifecycleEvent[] {
    this.counters.events++;
    this.counters.announces++;
    return this.route(prefix, this.sources.intern(collector, peerIp, peerAsn, pathId), asns, time, classify);
  }

  /** A source's new route for the prefix: `asns` for an announcement (null: none, the path has no origin), or a withdrawal. */
  private route(prefix: string, source: number, asns: number[] | null, time: number, classify: Classify, withdraw = false): LifecycleEvent[] {
    const out: LifecycleEvent[] = [];
    this.pairs.ensureSources(this.sources.sourceCount);
    const p = this.pairs;

    let origin = 0;
    let setId = 0;
    if (asns) {
      origin = asns[0];
      setId = this.originSets.intern(asns);
    } else if (!withdraw) {
      this.counters.announcesWithoutOrigin++;
    }

    // One walk finds the pair this source announces now and the pair of the announced origin.
    let current = -1;
    let target = -1;
    for (let i = this.headOf(prefix); i >= 0; i = p.next[i]) {
      if (current < 0 && p.hasBit(i, source)) current = i;
      if (asns && target < 0 && p.origin[i] === origin && p.originSet[i] === setId) target = i;
    }

    if (current >= 0 && current === target) {
      if (time > p.lastSeen[current]) p.lastSeen[current] = time;
      return out;
    }
    if (current < 0 && !asns) {
      if (withdraw) this.counters.withdrawsUnknown++;
      return out;
    }

    let zeroedAsns: number[] | null = null;
    if (current >= 0 && this.removeSource(prefix, current, source, time, classify, out)) {
      zeroedAsns = this.asnsOf(current);
    }
    let revived = -1;
    let revivedFinding: Finding | undefined;
    if (asns) {
      let created: Finding | undefined;
      const isNew = target < 0;
      if (isNew) ({ index: target, finding: created } = this.createPair(prefix, origin, setId, time, classify));
      p.setBit(target, source);
      if (time > p.lastSeen[target]) p.lastSeen[target] = time;
      if (++p.count[target] === 1) {
        revived = target;
        revivedFinding = this.becameVisible(prefix, target, time, classify, out, isNew, created);
      }
    }
    if (zeroedAsns || revived >= 0) this.originChange(prefix, time, classify, out, zeroedAsns, revived, revivedFinding);
    return out;
  }

  /**
   * A peer's session went down (rule 4): a withdrawal of each route its sources hold, at the
   * time of the state change, for the caller to apply as any other, so that every reader of
   * routes (the store's tables too) sees them go. The routes are listed before the first is
   * yielded; the events are made as they are taken (a full table is a million).
   */
  *withdrawalsOf(down: PeerDown): Generator<RouteEvent> {
    const sources = this.sources.sourcesOf(down);
    if (sources.length === 0) return;
    this.counters.peerDowns++;
    const p = this.pairs;
    const prefixes: string[] = [];
    const held: number[] = [];
    for (const [prefix, head] of this.heads) {
      for (let i = head; i >= 0; i = p.next[i]) {
        for (const s of sources) {
          if (!p.hasBit(i, s)) continue;
          prefixes.push(prefix);
          held.push(s);
        }
      }
    }
    log.info({ collector: down.collector, peer_ip: down.peer_ip, peer_asn: down.peer_asn, time: down.timestamp, routes: prefixes.length }, 'prefix state: peer down, its routes withdrawn');
    const { timestamp, collector, peer_ip, peer_asn } = down;
    for (let k = 0; k < prefixes.length; k++) {
      const path = this.sources.sourcePath[held[k]];
      const event: RouteEvent = { timestamp, elem_type: 'withdraw', peer_ip, peer_asn, prefix: prefixes[k], atomic: false, collector };
      if (path >= 0) event.path_id = path;
      yield event;
    }
  }

  /** A peer's session went down, for a reader of the state alone: `withdrawalsOf` applied. */
  peerDown(down: PeerDown, classify: Classify): LifecycleEvent[] {
    const out: LifecycleEvent[] = [];
    for (const withdrawal of this.withdrawalsOf(down)) out.push(...this.apply(withdrawal, classify));
    return out;
  }

  reclassifyAll(classify: Classify, time: number): LifecycleEvent[] {
    const out: LifecycleEvent[] = [];
    const p = this.pairs;
    for (const [prefix, head] of this.heads) {
      for (let i = head; i >= 0; i = p.next[i]) {
        if (p.count[i] === 0) {
          // Classified again only if it comes back: saves work on pairs that may never return.
          p.status[i] |= STALE;
          continue;
        }
        const before = p.status[i];
        const finding = this.classifyPair(prefix, i, classify, 'keep');
        if (!finding) continue;
        const had = hasFinding(before);
        const has = hasFinding(p.status[i]);
        if (had && !has) out.push({ type: 'finding-ended', time, reason: 'restored', finding });
        else if (!had && has) out.push({ type: 'finding-started', time, finding });
      }
    }
    return out;
  }

  /** Sources announcing (prefix, originAsn) now, over the pairs whose smallest origin is originAsn. */
  visibility(prefix: string, originAsn: number): number {
    const p = this.pairs;
    let n = 0;
    for (let i = this.headOf(prefix); i >= 0; i = p.next[i]) if (p.origin[i] === originAsn) n += p.count[i];
    return n;
  }

  /** Every pair kept for the prefix, withdrawn ones (peers 0) included; [] when unknown. */
  get(prefix: string): PairView[] {
    const out: PairView[] = [];
    for (let i = this.heads.get(prefix) ?? -1; i >= 0; i = this.pairs.next[i]) out.push(this.view(i));
    return out;
  }

  forEachPair(cb: (prefix: string, pair: PairView) => void): void {
    for (const [prefix, head] of this.heads) for (let i = head; i >= 0; i = this.pairs.next[i]) cb(prefix, this.view(i));
  }

  /** Every announced pair as (prefix, smallest origin, sources): forEachPair without a view object per pair. */
  forEachRoute(cb: (prefix: string, origin: number, peers: number) => void): void {
    const p = this.pairs;
    for (const [prefix, head] of this.heads) for (let i = head; i >= 0; i = p.next[i]) if (p.count[i] > 0) cb(prefix, p.origin[i], p.count[i]);
  }

  size(): { prefixes: number; pairs: number; peers: number } {
    return { prefixes: this.heads.size, pairs: this.pairs.live, peers: this.sources.peers.length };
  }

  async snapshot(path: string): Promise<void> {
    await writeSnapshot(path, this.image());
  }

  /** Throws SnapshotError when the file is missing, corrupt or of another version. */
  static async restore(path: string, opts: { maxPairs?: number } = {}): Promise<PrefixState> {
    const image = await readSnapshot(path);
    const state = new PrefixState({ maxPairs: opts.maxPairs ?? image.meta.maxPairs });
    state.load(image);
    return state;
  }

  // ---- internals ----

  private view(i: number): PairView {
    const p = this.pairs;
    return {
      origin: p.origin[i],
      originAsns: this.asnsOf(i),
      firstSeen: p.firstSeen[i],
      lastSeen: p.lastSeen[i],
      peers: p.count[i],
      severity: severityOf(p.status[i]),
      kinds: kindsOf(p.status[i]),
    };
  }

  /** First pair of a prefix, or -1. */
  private headOf(prefix: string): number {
    if (prefix === this.memoPrefix) return this.memoHead;
    const head = this.heads.get(prefix) ?? -1;
    this.memoPrefix = prefix;
    this.memoHead = head;
    return head;
  }

  /** Sets (or with -1 removes) a prefix's first pair; every change of `heads` goes through here, keeping the memo right. */
  private setHead(prefix: string, head: number): void {
    if (head < 0) this.heads.delete(prefix);
    else this.heads.set(prefix, head);
    this.memoPrefix = prefix;
    this.memoHead = head;
  }

  private asnsOf(i: number): number[] {
    return this.originSets.asns(this.pairs.origin[i], this.pairs.originSet[i]);
  }

  /**
   * Calls the classifier and stores the essentials; undefined (counted, logged) when it throws.
   * On failure, `clear` leaves the pair without a finding and stale (retried when it next becomes
   * visible or at reclassifyAll); `keep` leaves the previous classification standing. Either way
   * a visible pair has an open finding exactly when its stored severity is not 'none'.
   */
  private classifyPair(prefix: string, i: number, classify: Classify, onError: 'clear' | 'keep'): Finding | undefined {
    const p = this.pairs;
    this.counters.classifications++;
    try {
      const finding = classify(prefix, this.asnsOf(i), p.count[i]);
      p.status[i] = encodeFinding(finding);
      return finding;
    } catch (err) {
      this.counters.classifyErrors++;
      if (onError === 'clear') p.status[i] = STALE;
      log.warn({ prefix, origin: p.origin[i], err: (err as Error).message, onError }, 'prefix state: classifier failed');
      return undefined;
    }
  }

  private createPair(prefix: string, origin: number, setId: number, time: number, classify: Classify): { index: number; finding: Finding | undefined } {
    if (this.pairs.live >= this.maxPairs) this.evict();
    const p = this.pairs;
    const i = p.alloc();
    p.origin[i] = origin;
    p.originSet[i] = setId;
    p.firstSeen[i] = time;
    p.lastSeen[i] = time;
    p.status[i] = STALE;
    // Append so that get() lists origins in order of first appearance.
    const head = this.headOf(prefix);
    if (head < 0) this.setHead(prefix, i);
    else {
      let j = head;
      while (p.next[j] >= 0) j = p.next[j];
      p.next[j] = i;
    }
    // Classified as it will be seen: by its first source.
    p.count[i] = 1;
    const finding = this.classifyPair(prefix, i, classify, 'clear');
    p.count[i] = 0;
    return { index: i, finding };
  }

  /** Count went 0 → 1: (re)classify when stale, start the finding when there is one. */
  private becameVisible(prefix: string, i: number, time: number, classify: Classify, out: LifecycleEvent[], isNew: boolean, fresh: Finding | undefined): Finding | undefined {
    const p = this.pairs;
    let finding = fresh;
    // A new pair was just classified (a failure stays stale until the next reclassification).
    if (!isNew && isStale(p.status[i])) finding = this.classifyPair(prefix, i, classify, 'clear');
    if (!hasFinding(p.status[i])) return finding;
    finding ??= this.classifyPair(prefix, i, classify, 'clear');
    if (finding) out.push({ type: 'finding-started', time, finding });
    return finding;
  }

  /** Removes one source from a pair; true when that was its last one (then ends its finding). */
  private removeSource(prefix: string, i: number, source: number, time: number, classify: Classify, out: LifecycleEvent[]): boolean {
    const p = this.pairs;
    p.clearBit(i, source);
    if (time > p.lastSeen[i]) p.lastSeen[i] = time;
    if (--p.count[i] !== 0) return false;
    if (hasFinding(p.status[i])) {
      // A classifier failure here loses this event (counted and logged): it has no Finding to carry.
      const finding = this.classifyPair(prefix, i, classify, 'keep');
      if (finding) out.push({ type: 'finding-ended', time, reason: 'withdrawn', finding });
    }
    return true;
  }

  /**
   * Emitted after a change of the prefix's visible origin set when both the old and the new set
   * are non-empty. `zeroed`: the origins of the pair that lost its last source (null if none);
   * `revived`: the pair that gained its first one (-1 if none).
   */
  private originChange(prefix: string, time: number, classify: Classify, out: LifecycleEvent[], zeroed: number[] | null, revived: number, revivedFinding: Finding | undefined): void {
    const p = this.pairs;
    // Most calls (a first origin appears, the last one goes) emit nothing: tell before allocating.
    let visibleCount = 0;
    let others = zeroed ? 1 : 0;
    for (let i = this.headOf(prefix); i >= 0; i = p.next[i]) {
      if (p.count[i] > 0) {
        visibleCount++;
        if (i !== revived) others++;
      }
    }
    if (visibleCount === 0 || others === 0) return;
    const visible: number[] = [];
    for (let i = this.headOf(prefix); i >= 0; i = p.next[i]) if (p.count[i] > 0) visible.push(i);
    const before = visible.filter((i) => i !== revived).map((i) => this.asnsOf(i));
    if (zeroed) before.push(zeroed);
    if (visible.length === 0 || before.length === 0) return;
    let subject = revived;
    let finding = revivedFinding;
    if (subject < 0) {
      // No new origin: report on the remaining origin with the smallest ASN.
      subject = visible.reduce((a, b) => (p.origin[b] < p.origin[a] ? b : a));
      finding = undefined;
    }
    finding ??= this.classifyPair(prefix, subject, classify, 'keep');
    if (!finding) return;
    const previousOriginAsns = [...new Set(before.flat())].sort((a, b) => a - b);
    out.push({ type: 'origin-changed', time, prefix, previousOriginAsns, finding });
  }

  /** Drops the oldest withdrawn pairs, then (only if still needed) the oldest visible ones. */
  private evict(): void {
    const p = this.pairs;
    const target = Math.floor(this.maxPairs * EVICT_TO);
    let excess = p.live - Math.min(target, this.maxPairs - 1);
    const withdrawn: { prefix: string; i: number }[] = [];
    const visible: { prefix: string; i: number }[] = [];
    for (const [prefix, head] of this.heads) {
      for (let i = head; i >= 0; i = p.next[i]) (p.count[i] === 0 ? withdrawn : visible).push({ prefix, i });
    }
    const byAge = (a: { i: number }, b: { i: number }): number => p.lastSeen[a.i] - p.lastSeen[b.i];
    let evictedWithdrawn = 0;
    let evictedVisible = 0;
    withdrawn.sort(byAge);
    for (const { prefix, i } of withdrawn) {
      if (excess <= 0) break;
      this.unlink(prefix, i);
      evictedWithdrawn++;
      excess--;
    }
    if (excess > 0) {
      visible.sort(byAge);
      for (const { prefix, i } of visible) {
        if (excess <= 0) break;
        this.unlink(prefix, i);
        evictedVisible++;
        excess--;
      }
    }
    this.counters.evictedWithdrawn += evictedWithdrawn;
    this.counters.evictedVisible += evictedVisible;
    const fields = { maxPairs: this.maxPairs, evictedWithdrawn, evictedVisible, pairs: p.live };
    if (evictedVisible > 0) log.warn(fields, 'prefix state full: evicted visible pairs too (their later withdrawals will count as unknown); raise maxPairs');
    else log.warn(fields, 'prefix state full: evicted the oldest withdrawn pairs');
  }

  private unlink(prefix: string, i: number): void {
    const p = this.pairs;
    const head = this.headOf(prefix);
    if (head === i) {
      if (p.next[i] >= 0) this.setHead(prefix, p.next[i]);
      else this.setHead(prefix, -1);
    } else {
      let j = head;
      while (p.next[j] !== i) j = p.next[j];
      p.next[j] = p.next[i];
    }
    p.release(i);
  }

  private image(): StateImage {
    const p = this.pairs;
    const n = p.live;
    const w = p.words;
    const img: StateImage = {
      meta: {
        version: 1,
        endianness: endianness(),
        words: w,
        maxPairs: this.maxPairs,
        sources: this.sources.toJSON(),
        originSets: this.originSets.sets,
        counters: { ...this.counters },
      },
      prefixes: [],
      pairsPerPrefix: new Uint32Array(this.heads.size),
      origin: new Uint32Array(n),
      originSet: new Uint32Array(n),
      firstSeen: new Float64Array(n),
      lastSeen: new Float64Array(n),
      count: new Uint32Array(n),
      status: new Uint16Array(n),
      bits: new Uint32Array(n * w),
    };
    let k = 0;
    let pi = 0;
    for (const [prefix, head] of this.heads) {
      img.prefixes.push(prefix);
      let c = 0;
      for (let i = head; i >= 0; i = p.next[i], k++, c++) {
        img.origin[k] = p.origin[i];
        img.originSet[k] = p.originSet[i];
        img.firstSeen[k] = p.firstSeen[i];
        img.lastSeen[k] = p.lastSeen[i];
        img.count[k] = p.count[i];
        img.status[k] = p.status[i];
        img.bits.set(p.bits.subarray(i * w, (i + 1) * w), k * w);
      }
      img.pairsPerPrefix[pi++] = c;
    }
    return img;
  }

  private load(img: StateImage): void {
    this.sources = SourceTable.fromJSON(img.meta.sources);
    this.originSets = OriginSetTable.from(img.meta.originSets);
    Object.assign(this.counters, img.meta.counters);
    const n = img.origin.length;
    const p = (this.pairs = new PairTable(Math.max(1024, n)));
    p.ensureSources(img.meta.words * 32);
    const w = img.meta.words;
    let k = 0;
    img.prefixes.forEach((prefix, pi) => {
      let prev = -1;
      for (let c = 0; c < img.pairsPerPrefix[pi]; c++, k++) {
        const i = p.alloc();
        p.origin[i] = img.origin[k];
        p.originSet[i] = img.originSet[k];
        p.firstSeen[i] = img.firstSeen[k];
        p.lastSeen[i] = img.lastSeen[k];
        p.count[i] = img.count[k];
        p.status[i] = img.status[k];
        p.bits.set(img.bits.subarray(k * w, (k + 1) * w), i * p.words);
        if (prev < 0) this.setHead(prefix, i);
        else p.next[prev] = i;
        prev = i;
      }
    });
  }
}

/** Why an event cannot be applied, or null when it can. */
function validate(e: RouteEvent): string | null {
  if (!e || typeof e !== 'object') return 'not an object';
  if (e.elem_type !== 'announce' && e.elem_type !== 'withdraw') return `unknown elem_type ${String(e.elem_type)}`;
  // The collectors canonicalise prefixes; this only catches a wrong shape (no "/len" at the end).
  if (typeof e.prefix !== 'string' || e.prefix.indexOf('/', e.prefix.length - 4) < 1) return 'missing or malformed prefix';
  if (!Number.isFinite(e.timestamp)) return 'missing timestamp';
  if (typeof e.peer_ip !== 'string' || !Number.isInteger(e.peer_asn)) return 'missing peer';
  if (typeof e.collector !== 'string') return 'missing collector';
  return null;
}
