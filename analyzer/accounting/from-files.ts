/**
 * Routing state from MRT or RIS Live JSONL files, for `index build`: every element applied to
 * the same PrefixState `portolan run` keeps, so both measure the same table. No classification
 * and no per-element rows: the index needs only who announces what.
 */
import type { RouteSource } from '../../collector/sources/source.js';
import type { Finding } from '../models/finding.js';
import { PrefixState } from '../state/index.js';

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
  const state = new PrefixState();
  let elements = 0;
  let latest: number | null = null;
  for await (const event of source.events()) {
    state.apply(event, unclassified);
    elements++;
    if (latest === null || event.timestamp > latest) latest = event.timestamp;
    if (onProgress && elements % 100_000 === 0) onProgress(elements);
  }
  return { state, elements, latest };
}
