/**
 * The routed table of MRT or RIS Live JSONL files, for `index build`: every element applied to
 * the same PrefixState `portolan run` keeps, so both measure the same table, or, for one RIB
 * dump in order, the same table summed as the dump is read (rib-snapshot.ts). No classification
 * and no per-element rows: the index needs only who announces what, so RIB entries are read
 * for their origin alone (RouteSource.readRoutes) where the source can.
 */
import { log } from '../../common/log.js';
import { FileSource } from '../../collector/sources/file-source.js';
import type { PeerDown } from '../../collector/models/peer-down.js';
import type { RouteSource } from '../../collector/sources/source.js';
import type { RoutedFilters } from '../models/accounting.js';
import type { Finding } from '../models/finding.js';
import type { PrefixState } from '../state/index.js';
import { originAsnsOfPath } from '../state/origins.js';
import { NotARibSnapshot, RibSnapshotReader } from './rib-snapshot.js';
import { routedPrefixes, type NamedRoutedColumns, type RoutedColumns, type RoutedTable } from './routed.js';
import type { Bound } from './segments.js';

/** The state asks for a classification when a pair appears; the index does not use it. */
const UNCLASSIFIED: Finding = {
  time: 0,
  prefix: '',
  family: 4,
  addresses: 0,
  originAsn: null,
  originAsns: [],
  prefixRir: null,
  registeredCc: null,
  holderId: null,
  ianaRir: null,
  legacy: false,
  originRir: null,
  originCc: null,
  usageRegion: null,
  mainCountry: null,
  shareAbroad: 0,
  geo: [],
  kinds: [],
  geoSubkind: null,
  severity: 'none',
  visibility: 0,
  why: '',
};
const unclassified = (): Finding => UNCLASSIFIED;

export interface TableFromFiles {
  state: PrefixState;
  elements: number;
  /** Latest element time (seconds), or null when the files held none. */
  latest: number | null;
}

export async function tableFromSource(source: RouteSource, onProgress?: (elements: number) => void): Promise<TableFromFiles> {
  // Loaded here only: a RIB dump summed as read (routedFromFiles) needs no routing state (~15 ms of a reader's start-up).
  const { PrefixState } = await import('../state/index.js');
  const state = new PrefixState();
  let elements = 0;
  let latest: number | null = null;
  const counted = (time: number) => {
    elements++;
    if (latest === null || time > latest) latest = time;
    if (onProgress && elements % 100_000 === 0) onProgress(elements);
  };
  const peerDown = (down: PeerDown) => void state.peerDown(down, unclassified);
  if (source.readRoutes) {
    await source.readRoutes({
      ribEntry(collector, prefix, peerIp, peerAsn, pathId, timestamp, path) {
        state.announce(collector, peerIp, peerAsn, pathId, prefix, timestamp, originAsnsOfPath(path.originAsns, path.asPath), unclassified);
        counted(timestamp);
      },
      event(event) {
        state.apply(event, unclassified);
        counted(event.timestamp);
      },
      peerDown,
    });
  } else {
    for await (const event of source.events({ peerDown })) {
      state.apply(event, unclassified);
      counted(event.timestamp);
    }
  }
  return { state, elements, latest };
}

/**
 * The routed prefixes of route files: one RIB dump summed as it is read (rib-snapshot.ts), any
 * other input (several files, updates, JSONL, a dump out of order) through a PrefixState. Both
 * ways give the same table; the first keeps no routing state.
 */
export async function routedFromFiles(files: string[], filters: RoutedFilters, onProgress?: (elements: number) => void): Promise<RoutedTable> {
  if (files.length === 1) {
    const rib = new RibSnapshotReader(filters, onProgress);
    try {
      await new FileSource(files).readRoutes(rib);
      return rib.result();
    } catch (err) {
      if (!(err instanceof NotARibSnapshot)) throw err;
      log.debug({ file: files[0], reason: err.message }, 'index build: not a RIB dump in order, read again into a routing state');
    }
  }
  const { state, elements, latest } = await tableFromSource(new FileSource(files), onProgress);
  const { 4: v4, 6: v6, counts } = routedPrefixes(state, filters);
  return { routed: { 4: unnamed(v4), 6: unnamed(v6), counts }, elements, latest, peers: state.size().peers };
}

/** Columns without their texts, which the accounting does not read (112,408 strings took ~50 ms to pass between threads on the 2002 RIB). */
const unnamed = <K extends Bound>({ text: _, ...columns }: NamedRoutedColumns<K>): RoutedColumns<K> => columns;
