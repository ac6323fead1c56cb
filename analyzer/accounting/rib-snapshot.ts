/**
 * The routed prefixes of one RIB dump, summed as it is read (`index build`). A dump lists each
 * prefix's routes together (TABLE_DUMP_V2: one record per prefix; TABLE_DUMP: one record per
 * peer, one after another) and its prefixes in order, so a prefix is summed when the next one
 * starts: no routing state is kept and no prefix text outlives its record. For the same routes
 * it gives what PrefixState and routedPrefixes give (tested on every RIB in shared data), except
 * that PrefixState's pair limit (maxPairs) never applies. Anything else (an UPDATE or other
 * event, a prefix listed after one that sorts later) ends the read with NotARibSnapshot, and the
 * caller reads the file into a PrefixState instead.
 */
import type { RoutePath } from '../../collector/mrt/routes.js';
import type { PeerDown } from '../../collector/models/peer-down.js';
import type { RouteEvent } from '../../collector/models/route-event.js';
import type { RouteVisitor } from '../../collector/sources/source.js';
import type { RoutedFilters } from '../models/accounting.js';
import { OriginSetTable, originAsnsOfPath } from '../state/origins.js';
import { SourceTable } from '../state/peer-paths.js';
import { OriginVote, RoutedBuilder, type RoutedTable } from './routed.js';
import { prefixBounds, type PrefixBounds } from './segments.js';

export class NotARibSnapshot extends Error {}

export class RibSnapshotReader implements RouteVisitor {
  private elements = 0;
  private latest: number | null = null;
  private readonly sources = new SourceTable();
  private readonly originSets = new OriginSetTable();
  private readonly kept: RoutedBuilder;
  private readonly vote = new OriginVote();
  // The prefix being read, and per source its last route there: smallest origin (-1: none) and origin set id.
  private text: string | null = null;
  private bounds: PrefixBounds | null = null;
  // Typed columns with a count, reused from prefix to prefix (an array emptied by `length = 0` gives its storage up).
  private runCount = 0;
  private runOrigin = new Float64Array(64);
  private runSet = new Int32Array(64);
  private groupOrigin = new Float64Array(64);
  private groupSet = new Int32Array(64);
  private groupSources = new Int32Array(64);
  /** Per source id: its position in the run's columns, valid when runOf[source] === run. */
  private slot = new Int32Array(256);
  private runOf = new Int32Array(256);
  private run = 0;
  /** Each family's previous prefix: a dump lists them by start address, then shortest first. */
  private last4Start = -1;
  private last4Length = -1;
  private last6Start = -1n;
  private last6Length = -1;

  constructor(
    filters: RoutedFilters,
    private readonly onProgress?: (elements: number) => void,
  ) {
    this.kept = new RoutedBuilder(filters, false);
  }

  ribEntry(collector: string, prefix: string, peerIp: string, peerAsn: number, pathId: number | undefined, timestamp: number, path: RoutePath): void {
    if (prefix !== this.text) this.startPrefix(prefix);
    const source = this.sources.intern(collector, peerIp, peerAsn, pathId);
    if (source >= this.slot.length) this.growSources(source);
    const asns = originAsnsOfPath(path.originAsns, path.asPath);
    const origin = asns ? asns[0] : -1;
    const set = asns ? this.originSets.intern(asns) : 0;
    // A source listed twice for a prefix: its later route replaces the earlier, as in PrefixState.
    let i = this.runOf[source] === this.run ? this.slot[source] : -1;
    if (i < 0) {
      i = this.runCount++;
      if (i === this.runOrigin.length) this.growRun();
      this.runOf[source] = this.run;
      this.slot[source] = i;
    }
    this.runOrigin[i] = origin;
    this.runSet[i] = set;
    this.elements++;
    if (this.latest === null || timestamp > this.latest) this.latest = timestamp;
    if (this.onProgress && this.elements % 100_000 === 0) this.onProgress(this.elements);
  }

  event(e: RouteEvent): void {
    throw new NotARibSnapshot(`an ${e.elem_type} event (${e.prefix}): not a RIB dump`);
  }

  peerDown(down: PeerDown): void {
    throw new NotARibSnapshot(`peer ${down.peer_ip} AS${down.peer_asn} went down: not a RIB dump`);
  }

  result(): RoutedTable {
    this.endPrefix();
    return { routed: this.kept.space(), elements: this.elements, latest: this.latest, peers: this.sources.peers.length };
  }

  private startPrefix(prefix: string): void {
    this.endPrefix();
    const p = prefixBounds(prefix);
    if (!p) throw new NotARibSnapshot(`${prefix} is not a prefix`);
    if (!this.inOrder(p)) throw new NotARibSnapshot(`${prefix} is listed after a prefix that sorts after it`);
    this.text = prefix;
    this.bounds = p;
    this.run++;
    this.runCount = 0;
  }

  /** Sums the prefix just read: sources per (origin, origin set), the pairs PrefixState would keep, then the vote. */
  private endPrefix(): void {
    if (this.text === null || this.bounds === null) return;
    const { groupOrigin, groupSet, groupSources } = this;
    let groups = 0;
    for (let i = 0; i < this.runCount; i++) {
      const origin = this.runOrigin[i];
      if (origin < 0) continue;
      const set = this.runSet[i];
      // A prefix has few origins: a scan, no map.
      let g = 0;
      while (g < groups && !(groupOrigin[g] === origin && groupSet[g] === set)) g++;
      if (g === groups) {
        groups++;
        groupOrigin[g] = origin;
        groupSet[g] = set;
        groupSources[g] = 0;
      }
      groupSources[g]++;
    }
    const vote = this.vote;
    vote.reset();
    for (let g = 0; g < groups; g++) vote.add(groupOrigin[g], groupSources[g]);
    if (vote.peers > 0) this.kept.add(this.text, this.bounds, vote);
    this.text = null;
    this.bounds = null;
  }

  /** True when `p` sorts after its family's previous prefix (and becomes it). */
  private inOrder(p: PrefixBounds): boolean {
    if (p.family === 4) {
      if (p.start < this.last4Start || (p.start === this.last4Start && p.length <= this.last4Length)) return false;
      this.last4Start = p.start;
      this.last4Length = p.length;
    } else {
      if (p.start < this.last6Start || (p.start === this.last6Start && p.length <= this.last6Length)) return false;
      this.last6Start = p.start;
      this.last6Length = p.length;
    }
    return true;
  }

  /** Room for twice the sources per prefix (groups never outnumber them). */
  private growRun(): void {
    const size = 2 * this.runOrigin.length;
    const wider = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a as never);
      return b;
    };
    this.runOrigin = wider(this.runOrigin, (n) => new Float64Array(n));
    this.runSet = wider(this.runSet, (n) => new Int32Array(n));
    this.groupOrigin = new Float64Array(size);
    this.groupSet = new Int32Array(size);
    this.groupSources = new Int32Array(size);
  }

  private growSources(source: number): void {
    const size = Math.max(2 * this.slot.length, source + 1);
    const slot = new Int32Array(size);
    const runOf = new Int32Array(size);
    slot.set(this.slot);
    runOf.set(this.runOf);
    this.slot = slot;
    this.runOf = runOf;
  }
}
