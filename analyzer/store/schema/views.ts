/** The materialized views that feed the read models from the raw tables (data only; `ddl.ts` writes their SQL). */
import { LATEST_ORDER_12, LATEST_ORDER_COLUMNS, LATEST_ORDER_KEY, RIB_ROUTE_EVENTS } from './route-events.js';
import { LATEST_BY_PEERS_TUPLE, LATEST_TUPLE, MISMATCH_KEY } from './tables.js';

export interface ViewDef {
  name: string;
  comment: string;
  /** Source and target table names as in TABLES (`_local` is added in cluster mode). */
  from: string;
  to: string;
  select: string;
  /** Migration that creates it (default 1). */
  since?: number;
  /** False when its source is new in the same migration (nothing to backfill its target from). */
  backfill?: false;
  /**
   * A later migration replaced the SELECT (`before`: the one earlier migrations created, their
   * text is frozen). With `refill`, the migration then inserts the target again from the source:
   * only into a ReplacingMergeTree, where the new rows replace the old.
   */
  redefined?: { since: number; before: string; refill: boolean };
  /**
   * A later migration dropped the view and created it again with its SELECT. A view changed in
   * place (`MODIFY QUERY`, migration 12) derived other deduplication tokens for its target in the
   * process that changed it than any process after: a batch that process stored, stored again
   * after a crash, was counted twice there. A view created anew has no such difference.
   */
  recreated?: number;
  /**
   * A later migration dropped the view and created it with a new SELECT (`before`: the one it
   * had since its creation or `redefined`), then, with `refill`, filled its target again from the
   * source (a ReplacingMergeTree: the new rows replace the old). After any `redefined`.
   */
  replaced?: { since: number; before: string; refill: boolean };
}

/** Mismatched classified announcements, the rows every mismatch rollup is built from. */
const MISMATCH_FILTER = "elem_type = 'announce' AND classified AND notEmpty(src.kinds)";
const MISMATCH_KEY_SELECT = 'prefix, toUInt8(isNotNull(origin_asn)) AS origin_known, ifNull(origin_asn, 0) AS origin_asn, src.kinds AS kinds, main_country, holder_id, prefix_rir, registered_cc';

/**
 * prefix_latest's SELECT, with what orders "latest" (migration 2: time alone; 12: LATEST_ORDER_12;
 * 17: LATEST_ORDER_KEY, which the rows then carry as the table's version, so that of two blocks'
 * rows of one prefix and time the latest by that order wins, not the last stored).
 */
const prefixLatestSelect = (order: string, version = false): string => `SELECT family, prefix, last_time, latest.1 AS origin_asn, latest.2 AS addresses, latest.3 AS prefix_rir,
  latest.4 AS registered_cc, latest.5 AS holder_id, latest.6 AS usage_region, latest.7 AS main_country, latest.8 AS kinds, latest.9 AS severity${version ? ', latest_order' : ''}
FROM (
  SELECT family, prefix, max(time) AS last_time,
    argMax((origin_asn, addresses, prefix_rir, registered_cc, holder_id, usage_region, main_country, kinds, severity), ${order}) AS latest${version ? `,
    max(${order}) AS latest_order` : ''}
  FROM {from} WHERE elem_type = 'announce' AND classified
  GROUP BY family, prefix
)`;

/** origin_prefixes' SELECT with its latest classification (`latest`: migration 2's state, 12's, or 18's plain max). */
const originPrefixesSelectOf = (latest: string): string => `SELECT assumeNotNull(origin_asn) AS origin_asn, prefix, any(family) AS family, count() AS events,
  min(time) AS first_time, max(time) AS last_time, max(toUInt8(notEmpty(src.kinds))) AS mismatched,
  ${latest}
FROM {from} AS src WHERE elem_type = 'announce' AND origin_asn IS NOT NULL
GROUP BY origin_asn, prefix`;
/** Migration 2's, to which migration 12 adds the latest_by_peers state (`byPeers`). Frozen. */
const originPrefixesSelect = (byPeers: string): string =>
  originPrefixesSelectOf(`argMaxState(CAST((prefix_rir, usage_region, main_country, src.kinds, severity, addresses) AS ${LATEST_TUPLE}), time) AS latest${byPeers}`);
const ORIGIN_PREFIXES_SELECT_12 = originPrefixesSelect(`,
  argMaxState(CAST((prefix_rir, usage_region, main_country, src.kinds, severity, addresses, 1) AS ${LATEST_BY_PEERS_TUPLE}), ${LATEST_ORDER_12}) AS latest_by_peers`);
/** Migration 18's: one plain max of (LATEST_ORDER's columns, the classification), tables.ts LATEST_MAX_TUPLE; the insert converts it to that type. */
const ORIGIN_PREFIXES_SELECT = originPrefixesSelectOf(
  `max((${[...LATEST_ORDER_COLUMNS, 'prefix_rir', 'usage_region', 'main_country', 'src.kinds', 'severity', 'addresses'].join(', ')})) AS latest_max`,
);

const ROUTE_EVENT_VIEWS: ViewDef[] = [
  {
    name: 'mismatch_matrix_hourly_mv',
    comment: 'Feeds mismatch_matrix_hourly from route_events',
    from: 'route_events',
    to: 'mismatch_matrix_hourly',
    select: `SELECT toStartOfHour(time) AS hour, family, prefix_rir, usage_region,
  uniqState(event_id) AS announcements, uniqState(prefix) AS prefixes,
  uniqState(origin_asn) AS origins, uniqState(prefix, origin_asn) AS pairs
FROM {from} WHERE elem_type = 'announce' AND classified
GROUP BY hour, family, prefix_rir, usage_region`,
  },
  {
    name: 'origin_hourly_mv',
    comment: 'Feeds origin_hourly from route_events',
    from: 'route_events',
    to: 'origin_hourly',
    select: `SELECT toStartOfHour(time) AS hour, assumeNotNull(origin_asn) AS origin_asn, origin_rir,
  uniqState(event_id) AS announcements, uniqState(prefix) AS prefixes,
  uniqIfState(prefix, toUInt8(notEmpty(src.kinds))) AS mismatched_prefixes,
  groupUniqArrayArrayState(src.kinds) AS kinds
FROM {from} AS src WHERE elem_type = 'announce' AND origin_asn IS NOT NULL
GROUP BY hour, origin_asn, origin_rir`,
  },
  {
    name: 'country_hourly_mv',
    comment: 'Feeds country_hourly from route_events',
    from: 'route_events',
    to: 'country_hourly',
    select: `SELECT toStartOfHour(time) AS hour, main_country, prefix_rir,
  uniqState(event_id) AS announcements, uniqState(prefix) AS prefixes, uniqState(origin_asn) AS origins
FROM {from} WHERE elem_type = 'announce' AND classified
GROUP BY hour, main_country, prefix_rir`,
  },
  {
    name: 'prefix_latest_mv',
    comment: 'Feeds prefix_latest: per inserted block, the latest classified announcement of each prefix',
    from: 'route_events',
    to: 'prefix_latest',
    // One argMax over a tuple keeps every column from the same (latest) row.
    select: prefixLatestSelect(LATEST_ORDER_KEY, true),
    since: 2,
    redefined: { since: 12, before: prefixLatestSelect('time'), refill: true },
    recreated: 13,
    replaced: { since: 17, before: prefixLatestSelect(LATEST_ORDER_12), refill: true },
  },
  {
    name: 'prefix_activity_mv',
    comment: 'Feeds prefix_activity from route_events',
    from: 'route_events',
    to: 'prefix_activity',
    select: `SELECT family, prefix, count() AS events, countIf(elem_type = 'announce') AS announcements,
  countIf(elem_type = 'withdraw') AS withdrawals, min(time) AS first_time, max(time) AS last_time
FROM {from} GROUP BY family, prefix`,
    since: 2,
  },
  {
    name: 'origin_prefixes_mv',
    comment: 'Feeds origin_prefixes from route_events (announcements with an origin)',
    from: 'route_events',
    to: 'origin_prefixes',
    select: ORIGIN_PREFIXES_SELECT,
    since: 2,
    // Old rows cannot be filled again (the sums would count twice): they keep latest alone.
    redefined: { since: 12, before: originPrefixesSelect(''), refill: false },
    recreated: 13,
    // Nor here: migration 18 computes their latest_max from their states (tables.ts).
    replaced: { since: 18, before: ORIGIN_PREFIXES_SELECT_12, refill: false },
  },
  {
    name: 'mismatch_prefix_hourly_mv',
    comment: 'Feeds mismatch_prefix_hourly from classified announcements with at least one kind',
    from: 'route_events',
    to: 'mismatch_prefix_hourly',
    select: `SELECT toStartOfHour(time) AS hour, prefix, toUInt8(isNotNull(origin_asn)) AS origin_known, ifNull(origin_asn, 0) AS origin_asn,
  src.kinds AS kinds, main_country, holder_id, prefix_rir, registered_cc,
  any(addresses) AS addresses, count() AS events, max(time) AS last_time
FROM {from} AS src WHERE elem_type = 'announce' AND classified AND notEmpty(src.kinds)
GROUP BY hour, prefix, origin_known, origin_asn, kinds, main_country, holder_id, prefix_rir, registered_cc`,
    since: 2,
  },
  {
    name: 'mismatch_prefix_total_mv',
    comment: 'Feeds mismatch_prefix_total from classified announcements with at least one kind',
    from: 'route_events',
    to: 'mismatch_prefix_total',
    select: `SELECT ${MISMATCH_KEY_SELECT},
  any(addresses) AS addresses, count() AS events, max(time) AS last_time
FROM {from} AS src WHERE ${MISMATCH_FILTER}
GROUP BY ${MISMATCH_KEY.join(', ')}`,
    since: 3,
  },
  {
    name: 'mismatch_prefix_daily_mv',
    comment: 'Feeds mismatch_prefix_daily from classified announcements with at least one kind',
    from: 'route_events',
    to: 'mismatch_prefix_daily',
    select: `SELECT toDate(time) AS day, ${MISMATCH_KEY_SELECT},
  any(addresses) AS addresses, count() AS events, max(time) AS last_time
FROM {from} AS src WHERE ${MISMATCH_FILTER}
GROUP BY day, ${MISMATCH_KEY.join(', ')}`,
    since: 3,
  },
  {
    name: 'mismatch_events_mv',
    comment: 'Feeds mismatch_events: each classified announcement with at least one kind',
    from: 'route_events',
    to: 'mismatch_events',
    select: `SELECT time, ${MISMATCH_KEY_SELECT}, addresses, stored_at
FROM {from} AS src WHERE ${MISMATCH_FILTER}`,
    since: 3,
  },
  {
    name: 'prefix_routes_daily_mv',
    comment: 'Feeds prefix_routes_daily from every route event',
    from: 'route_events',
    to: 'prefix_routes_daily',
    select: `SELECT prefix, toDate(time) AS day, elem_type, toUInt8(isNotNull(origin_asn)) AS origin_known, ifNull(origin_asn, 0) AS origin_asn,
  as_path, peer_ip, count() AS events, min(time) AS first_time, max(time) AS last_time
FROM {from} GROUP BY prefix, day, elem_type, origin_known, origin_asn, as_path, peer_ip`,
    since: 3,
  },
];

/**
 * Migration 11: each read model is fed from RIB snapshots too, by the same SELECT over the
 * snapshots' routes read as route events, so a RIB stored as a snapshot gives the read models
 * what its entries gave as route_events rows.
 */
const overRibRoutes = (select: string): string => select.replace('{from}', `(${RIB_ROUTE_EVENTS})`);
const RIB_VIEWS: ViewDef[] = ROUTE_EVENT_VIEWS.map((v) => ({
  name: v.name.replace(/_mv$/, '_rib_mv'),
  comment: `As ${v.name}, from rib_snapshots (their routes read as route events)`,
  from: 'rib_snapshots',
  to: v.to,
  select: overRibRoutes(v.select),
  since: 11,
  backfill: false,
  ...(v.redefined ? { redefined: { ...v.redefined, before: overRibRoutes(v.redefined.before) } } : {}),
  ...(v.recreated ? { recreated: v.recreated } : {}),
  ...(v.replaced ? { replaced: { ...v.replaced, before: overRibRoutes(v.replaced.before) } } : {}),
}));

export const VIEWS: ViewDef[] = [...ROUTE_EVENT_VIEWS, ...RIB_VIEWS];
