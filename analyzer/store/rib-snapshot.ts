import type { RouteEvent } from '../../collector/models/route-event.js';
import { sameItems } from '../../common/arrays.js';
import type { Finding } from '../models/finding.js';
import type { RibSnapshotRow } from '../models/rib-snapshot.js';
import { pushHash64Parts } from './hash.js';
import { asPathText, communityTexts, eventIdParts } from './rows.js';

const NO_NUMBERS: number[] = [];
const NO_STRINGS: string[] = [];
const NO_ROWS: RibSnapshotRow[] = [];

/** Whether two findings give the same stored classification, severity and visibility aside (the row's columns). */
export function sameClassification(a: Finding | null, b: Finding | null): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  return (
    a.addresses === b.addresses &&
    a.prefixRir === b.prefixRir &&
    a.registeredCc === b.registeredCc &&
    a.holderId === b.holderId &&
    a.ianaRir === b.ianaRir &&
    a.legacy === b.legacy &&
    a.originRir === b.originRir &&
    a.originCc === b.originCc &&
    a.usageRegion === b.usageRegion &&
    a.mainCountry === b.mainCountry &&
    a.shareAbroad === b.shareAbroad &&
    sameItems(a.kinds, b.kinds) &&
    a.geoSubkind === b.geoSubkind &&
    (a.rov ?? null) === (b.rov ?? null) &&
    sameItems(a.rpkiTas ?? NO_STRINGS, b.rpkiTas ?? NO_STRINGS) &&
    (a.geoConfidence ?? null) === (b.geoConfidence ?? null) &&
    (a.geoAgreement ?? null) === (b.geoAgreement ?? null)
  );
}

/**
 * Groups a RIB dump's entries, as they come, into rib_snapshots rows. The entries of one prefix
 * come together in a dump (one TABLE_DUMP_V2 record, or consecutive TABLE_DUMP records), so the
 * rows of a (collector, time, prefix) close when an entry of another one arrives, or on `take`;
 * within it, one row per origin set and classification, in the order of their first entries. A
 * prefix met again later (a dump out of order) starts new rows, which read the same.
 */
export class RibSnapshots {
  private collector = '';
  private time = Number.NaN;
  private prefix = '';
  private open: RibSnapshotRow[] = [];

  /** Adds an announced entry; returns the rows it closed (those of the previous prefix), usually none. */
  add(e: RouteEvent, f: Finding | null): RibSnapshotRow[] {
    let closed = NO_ROWS;
    if (e.prefix !== this.prefix || e.timestamp !== this.time || e.collector !== this.collector) {
      closed = this.take();
      this.collector = e.collector;
      this.time = e.timestamp;
      this.prefix = e.prefix;
    }
    const origins = e.origin_asns ?? NO_NUMBERS;
    let row = this.open.find((r) => sameItems(r.originAsns, origins) && sameClassification(r.finding, f));
    if (!row) this.open.push((row = newRow(e, origins, f)));
    const asPath = asPathText(e.as_path);
    const communities = communityTexts(e.communities);
    const nextHop = e.next_hop ?? '';
    pushHash64Parts(row.eventIdHalves, eventIdParts(e, asPath, nextHop, communities));
    row.peerIps.push(e.peer_ip);
    row.peerAsns.push(e.peer_asn);
    row.pathIds.push(e.path_id ?? 0);
    row.asPaths.push(asPath);
    row.nextHops.push(nextHop);
    row.communities.push(communities);
    row.severities.push(f?.severity ?? '');
    row.visibilities.push(f?.visibility ?? 0);
    return closed;
  }

  /** The open rows; the builder starts empty again. */
  take(): RibSnapshotRow[] {
    if (!this.open.length) return NO_ROWS;
    const rows = this.open;
    this.open = [];
    this.prefix = '';
    return rows;
  }
}

const newRow = (e: RouteEvent, originAsns: number[], finding: Finding | null): RibSnapshotRow => ({
  collector: e.collector,
  time: e.timestamp,
  prefix: e.prefix,
  originAsns,
  finding,
  eventIdHalves: [],
  peerIps: [],
  peerAsns: [],
  pathIds: [],
  asPaths: [],
  nextHops: [],
  communities: [],
  severities: [],
  visibilities: [],
});
