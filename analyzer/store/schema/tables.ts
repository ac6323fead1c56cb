/**
 * The store's tables, declared once: `ddl.ts` turns them into SQL, `schema-doc.ts` into the
 * README's reference. Data only.
 */

export type EngineKind = 'MergeTree' | 'ReplacingMergeTree' | 'AggregatingMergeTree';

export interface ColumnDef {
  name: string;
  type: string;
  comment: string;
  /**
   * Migration that adds it to a table created earlier (ALTER TABLE … ADD COLUMN); absent: created
   * with its table. Such a column is left out of the table's CREATE, whose text is frozen.
   */
  since?: number;
  /**
   * Migration that replaced the comment (ALTER TABLE … COMMENT COLUMN), and the comment the
   * column was created with, which its creating migration's frozen text keeps.
   */
  recommented?: { since: number; was: string };
  /**
   * With `since`: what the column holds in rows stored before it, computed from their other
   * columns once, when it is added (ALTER TABLE … UPDATE of the rows that hold its default).
   */
  filledFrom?: string;
}

export interface TableDef {
  name: string;
  comment: string;
  columns: ColumnDef[];
  engine: EngineKind;
  /** ReplacingMergeTree's version column: of rows with one sort key, the one with the highest is kept. */
  versionColumn?: string;
  /**
   * Migration that rebuilt the table to give it versionColumn (an engine cannot be altered: its
   * parts are attached to a table with the new engine, which then takes its place). The creating
   * migration's frozen text has versionBefore.
   */
  versionSince?: number;
  /** The version column the table had before that rebuild (none when absent). */
  versionBefore?: string;
  orderBy: string[];
  partitionBy?: string;
  /** TTL expression; `{ttlDays}` is replaced with the configured retention. */
  ttl?: string;
  /** Distributed sharding expression (cluster mode). */
  shardingKey: string;
  /** Accept `insert_deduplication_token` on a single node (replicated tables always do). */
  insertDedup?: boolean;
  /** Migration that creates it (default 1); later ones never change what migration 1 created. */
  since?: number;
  /**
   * Backquote the column names and the sort key's columns in its CREATE TABLE (`start`, `end`).
   * registry_changes was shipped that way (migration 5): its text, and so its checksum, is frozen.
   */
  quoteNames?: boolean;
}

const LC = 'LowCardinality(String)';
const TIME = "DateTime64(6, 'UTC')";
/** The classification origin_prefixes keeps per (origin, prefix), as plain types so the state type is stable. */
export const LATEST_TUPLE = 'Tuple(String, String, String, Array(String), String, Float64)';
/** The same with a last element of 1: an empty state (rows stored before the column) reads 0 there. */
export const LATEST_BY_PEERS_TUPLE = 'Tuple(String, String, String, Array(String), String, Float64, UInt8)';
/** What orders latest_by_peers: (time, visibility), as schema/route-events.ts LATEST_ORDER_12. */
export const LATEST_ORDER_TYPE = `Tuple(${TIME}, UInt32)`;
/**
 * origin_prefixes' latest classification since migration 18: LATEST_ORDER (time, visibility, event
 * id) and then what it holds, one tuple whose max is the latest by that order, as prefix_latest's.
 * A plain value (SimpleAggregateFunction): storing the two argMax states of a tuple it replaces
 * cost the view's insert 3–6 µs a row. Its default (time 0) is below every announcement.
 */
export const LATEST_MAX_TUPLE = `Tuple(time ${TIME}, visibility UInt32, event_id UInt64, prefix_rir String, usage_region String, main_country String, kinds Array(String), severity String, addresses Float64)`;
/** latest_max of a row stored before migration 18, from its states: latest_by_peers where kept (then visibility and event id unknown: 0), else latest. */
const LATEST_MAX_FROM_STATES = ((): string => {
  const from = (state: string): string => `(last_time, 0, 0, ${[1, 2, 3, 4, 5, 6].map((i) => `finalizeAggregation(${state}).${i}`).join(', ')})`;
  return `if(finalizeAggregation(latest_by_peers).7 = 1, ${from('latest_by_peers')}, ${from('latest')})`;
})();

/** Classification columns shared by route events and finding events (from `Finding`). */
const CLASSIFICATION: ColumnDef[] = [
  { name: 'addresses', type: 'Float64', comment: 'Addresses in the prefix (a float for IPv6)' },
  { name: 'prefix_rir', type: LC, comment: "RIR that registered the prefix; '' when unregistered, mixed or not classified" },
  { name: 'registered_cc', type: LC, comment: "Country in the prefix's delegation record; '' when none" },
  { name: 'holder_id', type: 'String', comment: "Holder opaque-id from the RIR's extended file; '' when none" },
  { name: 'iana_rir', type: LC, comment: "RIR IANA designated the enclosing block to; '' when none" },
  { name: 'legacy', type: 'Bool', comment: 'IANA LEGACY / ERX space' },
  { name: 'origin_rir', type: LC, comment: "RIR that registered the origin AS; '' when unknown" },
  { name: 'origin_cc', type: LC, comment: "Country of the origin AS's delegation record; '' when unknown" },
  { name: 'usage_region', type: LC, comment: "RIR service region holding most geolocated addresses; '' when unknown" },
  { name: 'main_country', type: LC, comment: "Country holding most located addresses; '' when unknown" },
  { name: 'share_abroad', type: 'Float32', comment: "Share (0..1) of located addresses outside the registering RIR's region" },
  { name: 'kinds', type: `Array(${LC})`, comment: 'Mismatch kinds (DESIGN.md), empty when none applies or not classified' },
  { name: 'geo_subkind', type: LC, comment: "abroad-as-registered / abroad-inconsistent for geo-out-of-region; '' otherwise" },
  { name: 'severity', type: LC, comment: "none, info, low, medium or high; '' when not classified" },
  { name: 'visibility', type: 'UInt32', comment: 'Peers announcing this (prefix, origin) when classified' },
  { name: 'rov', type: LC, comment: "RPKI route-origin validation (RFC 6811): valid, invalid-origin, invalid-length, not-found; '' without RPKI data", since: 7 },
  { name: 'rpki_tas', type: `Array(${LC})`, comment: 'Trust anchors of the ROAs covering the prefix', since: 7 },
  { name: 'geo_confidence', type: LC, comment: "With several --geo databases: confirmed, majority or disputed (how many independent ones agree on the usage region); '' with one", since: 8 },
  { name: 'geo_agreement', type: 'Nullable(Float32)', comment: 'With several --geo databases: share of the located addresses whose region the independent ones agree on; NULL with one', since: 8 },
];

/** The grouping key the mismatch rollups share (mismatch_prefix_hourly, and those of migration 3), in sort-key order. */
const MISMATCH_KEY_COLUMNS: ColumnDef[] = [
  { name: 'prefix', type: 'String', comment: 'Canonical CIDR' },
  { name: 'origin_known', type: 'UInt8', comment: '0 when the announcement had no origin AS' },
  { name: 'origin_asn', type: 'UInt32', comment: 'Origin AS (0 when origin_known = 0)' },
  { name: 'kinds', type: `Array(${LC})`, comment: 'Mismatch kinds' },
  { name: 'main_country', type: LC, comment: 'Main usage country' },
  { name: 'holder_id', type: 'String', comment: 'Holder opaque-id' },
  { name: 'prefix_rir', type: LC, comment: 'Registering RIR' },
  { name: 'registered_cc', type: LC, comment: 'Registered country' },
];
export const MISMATCH_KEY = MISMATCH_KEY_COLUMNS.map((c) => c.name);
const MISMATCH_VALUE_COLUMNS: ColumnDef[] = [
  { name: 'addresses', type: 'SimpleAggregateFunction(any, Float64)', comment: 'Addresses in the prefix' },
  { name: 'events', type: 'SimpleAggregateFunction(sum, UInt64)', comment: 'Announcements' },
  { name: 'last_time', type: `SimpleAggregateFunction(max, ${TIME})`, comment: 'Last announcement' },
];

/** The collector a route came from; MRT files whose path names none were labelled by file name before migration 15, which split one collector's files into as many sets of peers. */
const COLLECTOR_COMMENT = "Collector: RIS Live's host, or named by the MRT file's path (rrc00…, route-views.jinx…); 'unknown' when the path names none (or as ingest --collector set it)";
const COLLECTOR_RECOMMENTED = { since: 15, was: 'RIS collector (rrc00…) or the source file name' };

export const TABLES: TableDef[] = [
  {
    name: 'schema_migrations',
    comment: 'Applied schema migrations (one row per version)',
    columns: [
      { name: 'version', type: 'UInt32', comment: 'Migration number' },
      { name: 'name', type: 'String', comment: 'What the migration does' },
      { name: 'checksum', type: 'String', comment: 'SHA-256 of the statements applied' },
      { name: 'applied_at', type: "DateTime('UTC')", comment: 'When it was applied' },
    ],
    engine: 'ReplacingMergeTree',
    versionColumn: 'applied_at',
    orderBy: ['version'],
    shardingKey: 'version',
  },
  {
    name: 'route_events',
    comment: 'One row per prefix per BGP message (announce or withdraw), with the classification of announcements',
    columns: [
      { name: 'event_id', type: 'UInt64', comment: 'Deterministic hash of the event: the same event always gets the same id (deduplication)' },
      { name: 'time', type: TIME, comment: 'BGP message time (UTC, microseconds)' },
      { name: 'collector', type: LC, comment: COLLECTOR_COMMENT, recommented: COLLECTOR_RECOMMENTED },
      { name: 'peer_ip', type: LC, comment: 'BGP peer address' },
      { name: 'peer_asn', type: 'UInt32', comment: 'BGP peer AS' },
      { name: 'elem_type', type: "Enum8('announce' = 1, 'withdraw' = 2)", comment: 'announce or withdraw' },
      { name: 'prefix', type: 'String', comment: 'Canonical CIDR' },
      { name: 'family', type: 'UInt8', comment: '4 or 6' },
      { name: 'prefix_length', type: 'UInt8', comment: 'Prefix length in bits' },
      { name: 'path_id', type: 'UInt32', comment: 'ADD-PATH path id (0 when none)' },
      { name: 'as_path', type: 'String', comment: "AS path as text, bgpdump style (AS_SETs in braces); '' for withdrawals" },
      { name: 'origin_asn', type: 'Nullable(UInt32)', comment: "Origin AS (smallest ASN of a final AS_SET); NULL for withdrawals" },
      { name: 'origin_asns', type: 'Array(UInt32)', comment: 'Every origin AS (several when the path ends in an AS_SET)' },
      { name: 'next_hop', type: 'String', comment: "Next hop; '' when none" },
      { name: 'communities', type: 'Array(String)', comment: 'Communities as text: asn:value, large g:l1:l2, extended hex' },
      { name: 'stored_at', type: "DateTime('UTC') DEFAULT now()", comment: 'When the row was stored (drives the retention TTL)' },
      { name: 'classified', type: 'Bool', comment: 'A finding was attached (false for withdrawals)' },
      ...CLASSIFICATION,
    ],
    engine: 'ReplacingMergeTree',
    // Two announcements can share an id: the same route announced again within one second, a
    // withdrawal between them, so their visibilities differ. Without a version, FINAL kept the
    // row whose part committed last, which the writer's concurrent inserts and the batches' cuts
    // decide: one ingest and the same files in two commands showed other rows. The most peers
    // is what "latest" means among one time's announcements (LATEST_ORDER), in any insert order.
    versionColumn: 'visibility',
    versionSince: 16,
    orderBy: ['prefix', 'time', 'event_id'],
    partitionBy: 'toYYYYMM(time)',
    // Retention counts from storage, not event time, so a backfill of old archives is kept.
    ttl: 'stored_at + INTERVAL {ttlDays} DAY',
    shardingKey: 'cityHash64(prefix)',
    insertDedup: true,
  },
  {
    name: 'finding_events',
    comment: 'Finding lifecycle: started, ended (restored or withdrawn), origin changed, each with its explanation',
    columns: [
      { name: 'event_id', type: 'UInt64', comment: 'Deterministic hash of the lifecycle event (deduplication)' },
      { name: 'time', type: TIME, comment: 'When it happened (UTC)' },
      { name: 'type', type: "Enum8('finding-started' = 1, 'finding-ended' = 2, 'origin-changed' = 3)", comment: 'What changed' },
      { name: 'reason', type: LC, comment: "For finding-ended: restored or withdrawn; '' otherwise" },
      { name: 'prefix', type: 'String', comment: 'Canonical CIDR' },
      { name: 'family', type: 'UInt8', comment: '4 or 6' },
      { name: 'origin_asn', type: 'Nullable(UInt32)', comment: 'Origin AS of the finding' },
      { name: 'origin_asns', type: 'Array(UInt32)', comment: 'Every origin AS' },
      { name: 'previous_origin_asns', type: 'Array(UInt32)', comment: 'For origin-changed: the origins before' },
      ...CLASSIFICATION,
      { name: 'geo_countries', type: `Array(${LC})`, comment: 'Countries of the geo distribution, largest share first' },
      { name: 'geo_shares', type: 'Array(Float32)', comment: 'Share of each of geo_countries' },
      { name: 'geo_databases', type: `Array(${LC})`, comment: 'With several --geo databases: their names, in the order given', since: 8 },
      { name: 'geo_database_countries', type: `Array(${LC})`, comment: "Main country each of geo_databases gives ('' when it locates nothing)", since: 8 },
      { name: 'geo_database_echo', type: 'Array(Bool)', comment: 'Whether each of geo_databases is a registry echo (shown, not counted)', since: 8 },
      { name: 'why', type: 'String', comment: 'One sentence a person can check' },
    ],
    engine: 'ReplacingMergeTree',
    orderBy: ['prefix', 'time', 'event_id'],
    partitionBy: 'toYYYYMM(time)',
    shardingKey: 'cityHash64(prefix)',
    insertDedup: true,
  },
  {
    name: 'ingest_ledger',
    comment: 'Files ingested: identity, progress and completion (the latest row per file_key wins)',
    columns: [
      { name: 'file_key', type: 'String', comment: 'Identity: SHA-256 of size + hash of the first and last MiB' },
      { name: 'path', type: 'String', comment: 'Path as given when last ingested' },
      { name: 'size', type: 'UInt64', comment: 'File size in bytes' },
      { name: 'status', type: "Enum8('started' = 1, 'completed' = 2)", comment: 'started (possibly interrupted) or completed' },
      { name: 'elements', type: 'UInt64', comment: 'Elements durably stored (written and flushed) so far' },
      { name: 'findings', type: 'UInt64', comment: 'Findings among them' },
      { name: 'started_at', type: TIME, comment: 'When the ingest started' },
      { name: 'updated_at', type: TIME, comment: 'When this row was written (version)' },
      { name: 'jobs', type: 'UInt8', comment: 'The ingest --jobs its insert batches were cut under (0: before --jobs existed, one job); redone with the same, so the batches repeat their dedup tokens', since: 14 },
    ],
    engine: 'ReplacingMergeTree',
    versionColumn: 'updated_at',
    orderBy: ['file_key'],
    shardingKey: 'cityHash64(file_key)',
  },
  {
    name: 'mismatch_matrix_hourly',
    comment: 'Registering RIR × usage region by hour (announcements only); uniq states, so duplicates never inflate it',
    columns: [
      { name: 'hour', type: "DateTime('UTC')", comment: 'Start of the hour' },
      { name: 'family', type: 'UInt8', comment: '4 or 6' },
      { name: 'prefix_rir', type: LC, comment: 'Registering RIR' },
      { name: 'usage_region', type: LC, comment: 'Usage region' },
      { name: 'announcements', type: 'AggregateFunction(uniq, UInt64)', comment: 'uniqMerge: distinct announcements (by event_id)' },
      { name: 'prefixes', type: 'AggregateFunction(uniq, String)', comment: 'uniqMerge: distinct prefixes' },
      { name: 'origins', type: 'AggregateFunction(uniq, Nullable(UInt32))', comment: 'uniqMerge: distinct origin ASes' },
      { name: 'pairs', type: 'AggregateFunction(uniq, String, Nullable(UInt32))', comment: 'uniqMerge: distinct (prefix, origin) pairs' },
    ],
    engine: 'AggregatingMergeTree',
    orderBy: ['hour', 'family', 'prefix_rir', 'usage_region'],
    partitionBy: 'toYYYYMM(hour)',
    shardingKey: 'rand()',
  },
  {
    name: 'origin_hourly',
    comment: 'Per origin AS by hour (announcements only)',
    columns: [
      { name: 'hour', type: "DateTime('UTC')", comment: 'Start of the hour' },
      { name: 'origin_asn', type: 'UInt32', comment: 'Origin AS' },
      { name: 'origin_rir', type: LC, comment: "RIR of the origin AS ('' unknown)" },
      { name: 'announcements', type: 'AggregateFunction(uniq, UInt64)', comment: 'uniqMerge: distinct announcements' },
      { name: 'prefixes', type: 'AggregateFunction(uniq, String)', comment: 'uniqMerge: distinct prefixes originated' },
      { name: 'mismatched_prefixes', type: 'AggregateFunction(uniqIf, String, UInt8)', comment: 'uniqIfMerge: distinct prefixes with at least one kind' },
      { name: 'kinds', type: `AggregateFunction(groupUniqArrayArray, Array(${LC}))`, comment: 'groupUniqArrayArrayMerge: kinds seen' },
    ],
    engine: 'AggregatingMergeTree',
    orderBy: ['origin_asn', 'hour', 'origin_rir'],
    partitionBy: 'toYYYYMM(hour)',
    shardingKey: 'origin_asn',
  },
  {
    name: 'country_hourly',
    comment: 'Per usage country (main country of the prefix) by hour (announcements only)',
    columns: [
      { name: 'hour', type: "DateTime('UTC')", comment: 'Start of the hour' },
      { name: 'main_country', type: LC, comment: 'Country holding most located addresses' },
      { name: 'prefix_rir', type: LC, comment: 'Registering RIR' },
      { name: 'announcements', type: 'AggregateFunction(uniq, UInt64)', comment: 'uniqMerge: distinct announcements' },
      { name: 'prefixes', type: 'AggregateFunction(uniq, String)', comment: 'uniqMerge: distinct prefixes' },
      { name: 'origins', type: 'AggregateFunction(uniq, Nullable(UInt32))', comment: 'uniqMerge: distinct origin ASes' },
    ],
    engine: 'AggregatingMergeTree',
    orderBy: ['main_country', 'hour', 'prefix_rir'],
    partitionBy: 'toYYYYMM(hour)',
    shardingKey: 'rand()',
  },
  // Migration 2: read models for the dashboard, filled by materialized views (the writer is unchanged).
  {
    name: 'prefix_latest',
    comment: 'Latest classified announcement per prefix (the flow matrix, map and country pages read it with FINAL)',
    columns: [
      { name: 'family', type: 'UInt8', comment: '4 or 6' },
      { name: 'prefix', type: 'String', comment: 'Canonical CIDR' },
      {
        name: 'last_time',
        type: TIME,
        comment: 'Time of the latest classified announcement',
        recommented: { since: 17, was: 'Time of the latest classified announcement (the version: the latest wins)' },
      },
      { name: 'origin_asn', type: 'Nullable(UInt32)', comment: 'Origin AS of that announcement' },
      { name: 'addresses', type: 'Float64', comment: 'Addresses in the prefix' },
      { name: 'prefix_rir', type: LC, comment: "Registering RIR; '' when none" },
      { name: 'registered_cc', type: LC, comment: "Registered country; '' when none" },
      { name: 'holder_id', type: 'String', comment: "Holder opaque-id; '' when none" },
      { name: 'usage_region', type: LC, comment: "Usage region; '' when unknown" },
      { name: 'main_country', type: LC, comment: "Main usage country; '' when unknown" },
      { name: 'kinds', type: `Array(${LC})`, comment: 'Mismatch kinds' },
      { name: 'severity', type: LC, comment: 'Severity' },
      {
        name: 'latest_order',
        // Rows stored before it are ordered by their time alone.
        type: 'UInt256 DEFAULT bitShiftLeft(toUInt256(toUnixTimestamp64Micro(last_time)), 96)',
        comment: 'The version: time (microseconds), visibility and event id of that announcement as one number; of rows of one prefix, the highest wins',
        since: 17,
      },
    ],
    engine: 'ReplacingMergeTree',
    // Until migration 17 the version was last_time: of two blocks' rows of one prefix and time,
    // the last stored won, which the batches' cuts decided, not LATEST_ORDER.
    versionColumn: 'latest_order',
    versionSince: 17,
    versionBefore: 'last_time',
    orderBy: ['family', 'prefix'],
    shardingKey: 'cityHash64(prefix)',
    since: 2,
  },
  {
    name: 'prefix_activity',
    comment: 'Per prefix: events, announcements, withdrawals, first and last time (all route events)',
    columns: [
      { name: 'family', type: 'UInt8', comment: '4 or 6' },
      { name: 'prefix', type: 'String', comment: 'Canonical CIDR' },
      { name: 'events', type: 'SimpleAggregateFunction(sum, UInt64)', comment: 'Route events' },
      { name: 'announcements', type: 'SimpleAggregateFunction(sum, UInt64)', comment: 'Announcements' },
      { name: 'withdrawals', type: 'SimpleAggregateFunction(sum, UInt64)', comment: 'Withdrawals' },
      { name: 'first_time', type: `SimpleAggregateFunction(min, ${TIME})`, comment: 'First event' },
      { name: 'last_time', type: `SimpleAggregateFunction(max, ${TIME})`, comment: 'Last event' },
    ],
    engine: 'AggregatingMergeTree',
    orderBy: ['family', 'prefix'],
    shardingKey: 'cityHash64(prefix)',
    since: 2,
  },
  {
    name: 'origin_prefixes',
    comment: 'Per (origin AS, prefix): announcements, first/last seen, ever mismatched, latest classification (the ASN page)',
    columns: [
      { name: 'origin_asn', type: 'UInt32', comment: 'Origin AS' },
      { name: 'prefix', type: 'String', comment: 'Canonical CIDR' },
      { name: 'family', type: 'SimpleAggregateFunction(any, UInt8)', comment: '4 or 6' },
      { name: 'events', type: 'SimpleAggregateFunction(sum, UInt64)', comment: 'Announcements with this origin' },
      { name: 'first_time', type: `SimpleAggregateFunction(min, ${TIME})`, comment: 'First announcement' },
      { name: 'last_time', type: `SimpleAggregateFunction(max, ${TIME})`, comment: 'Last announcement' },
      { name: 'mismatched', type: 'SimpleAggregateFunction(max, UInt8)', comment: '1 when any announcement had a mismatch kind' },
      {
        name: 'latest',
        type: `AggregateFunction(argMax, ${LATEST_TUPLE}, ${TIME})`,
        comment: 'Until migration 18 (empty in rows stored since; read latest_max): argMaxMerge: (prefix_rir, usage_region, main_country, kinds, severity, addresses) of the latest announcement',
        recommented: { since: 18, was: 'argMaxMerge: (prefix_rir, usage_region, main_country, kinds, severity, addresses) of the latest announcement' },
      },
      {
        name: 'latest_by_peers',
        type: `AggregateFunction(argMax, ${LATEST_BY_PEERS_TUPLE}, ${LATEST_ORDER_TYPE})`,
        comment: 'From migration 12 to 18 (empty in rows stored since; read latest_max): argMaxMerge: the same and 1, of the latest announcement and, among those of its time, the one the most peers carried',
        since: 12,
        recommented: {
          since: 18,
          was: 'argMaxMerge: the same and 1, of the latest announcement and, among those of its time, the one the most peers carried; (…, 0) in rows stored before migration 12 (read latest there)',
        },
      },
      {
        name: 'latest_max',
        type: `SimpleAggregateFunction(max, ${LATEST_MAX_TUPLE})`,
        comment:
          'max: the latest announcement by time, then visibility, then event id, and its (prefix_rir, usage_region, main_country, kinds, severity, addresses); in rows stored before migration 18, from latest_by_peers where kept, else latest, with visibility and event id 0',
        since: 18,
        filledFrom: LATEST_MAX_FROM_STATES,
      },
    ],
    engine: 'AggregatingMergeTree',
    orderBy: ['origin_asn', 'prefix'],
    shardingKey: 'cityHash64(prefix)',
    since: 2,
  },
  {
    name: 'mismatch_prefix_hourly',
    comment: 'Mismatched announcements per hour and (prefix, origin, country, holder, kinds): the top lists',
    columns: [
      { name: 'hour', type: "DateTime('UTC')", comment: 'Start of the hour' },
      ...MISMATCH_KEY_COLUMNS,
      ...MISMATCH_VALUE_COLUMNS.filter((c) => c.name !== 'last_time'),
      { name: 'last_time', type: `SimpleAggregateFunction(max, ${TIME})`, comment: 'Last announcement in the hour' },
    ],
    engine: 'AggregatingMergeTree',
    orderBy: ['hour', ...MISMATCH_KEY],
    partitionBy: 'toYYYYMM(hour)',
    shardingKey: 'cityHash64(prefix)',
    since: 2,
  },
  // Migration 3: coarser and finer companions of mismatch_prefix_hourly, so a top list over any
  // range reads whole days, then whole hours, then only the raw mismatches at the two edges.
  {
    name: 'mismatch_prefix_total',
    comment: 'Mismatched announcements per (prefix, origin, country, holder, kinds) over all time: top lists without a range',
    columns: MISMATCH_KEY_COLUMNS.concat(MISMATCH_VALUE_COLUMNS),
    engine: 'AggregatingMergeTree',
    orderBy: MISMATCH_KEY,
    shardingKey: 'cityHash64(prefix)',
    since: 3,
  },
  {
    name: 'mismatch_prefix_daily',
    comment: 'Mismatched announcements per UTC day and (prefix, origin, country, holder, kinds): whole days of a top-list range',
    columns: [{ name: 'day', type: 'Date', comment: 'UTC day' } as ColumnDef].concat(MISMATCH_KEY_COLUMNS, MISMATCH_VALUE_COLUMNS),
    engine: 'AggregatingMergeTree',
    orderBy: ['day', ...MISMATCH_KEY],
    partitionBy: 'toYYYYMM(day)',
    shardingKey: 'cityHash64(prefix)',
    since: 3,
  },
  {
    name: 'mismatch_events',
    comment: 'Each mismatched classified announcement, ordered by time: the partial hours at the edges of a top-list range',
    columns: [
      { name: 'time', type: TIME, comment: 'BGP message time (UTC)' },
      ...MISMATCH_KEY_COLUMNS,
      { name: 'addresses', type: 'Float64', comment: 'Addresses in the prefix' },
      { name: 'stored_at', type: "DateTime('UTC')", comment: 'When the route event was stored (the same retention as route_events)' },
    ],
    engine: 'MergeTree',
    orderBy: ['time', 'prefix'],
    partitionBy: 'toYYYYMM(time)',
    ttl: 'stored_at + INTERVAL {ttlDays} DAY',
    shardingKey: 'cityHash64(prefix)',
    since: 3,
  },
  {
    name: 'prefix_routes_daily',
    comment: 'Per prefix, UTC day, type, origin, AS path and peer: route events (the prefix page, however busy the prefix)',
    columns: [
      { name: 'prefix', type: 'String', comment: 'Canonical CIDR' },
      { name: 'day', type: 'Date', comment: 'UTC day' },
      { name: 'elem_type', type: "Enum8('announce' = 1, 'withdraw' = 2)", comment: 'announce or withdraw' },
      { name: 'origin_known', type: 'UInt8', comment: '0 when the event had no origin AS (withdrawals)' },
      { name: 'origin_asn', type: 'UInt32', comment: 'Origin AS (0 when origin_known = 0)' },
      { name: 'as_path', type: 'String', comment: "AS path; '' for withdrawals" },
      { name: 'peer_ip', type: LC, comment: 'BGP peer address' },
      { name: 'events', type: 'SimpleAggregateFunction(sum, UInt64)', comment: 'Route events' },
      { name: 'first_time', type: `SimpleAggregateFunction(min, ${TIME})`, comment: 'First event' },
      { name: 'last_time', type: `SimpleAggregateFunction(max, ${TIME})`, comment: 'Last event' },
    ],
    engine: 'AggregatingMergeTree',
    orderBy: ['prefix', 'day', 'elem_type', 'origin_known', 'origin_asn', 'as_path', 'peer_ip'],
    partitionBy: 'toYYYYMM(day)',
    shardingKey: 'cityHash64(prefix)',
    since: 3,
  },
  // Migration 4: the daily portability index (analyzer/accounting). Each build of a day is kept
  // under its computed_at; readers take the latest build of each day (portability_daily FINAL).
  {
    name: 'portability_daily',
    comment: 'The portability index: routed space per UTC day, family and registering RIR (latest build of each day wins)',
    columns: [
      { name: 'date', type: 'Date', comment: 'UTC day the snapshot describes' },
      { name: 'family', type: 'UInt8', comment: '4 or 6' },
      { name: 'rir', type: LC, comment: 'Registering RIR, or unregistered' },
      { name: 'computed_at', type: "DateTime64(3, 'UTC')", comment: 'When this build ran (the version: the latest wins)' },
      { name: 'source', type: LC, comment: 'live (portolan run at UTC midnight) or files (portolan index build)' },
      { name: 'snapshot_at', type: TIME, comment: 'The moment the routed table describes' },
      { name: 'routed', type: 'Float64', comment: 'Routed space, each address once (IPv4 addresses, IPv6 /48s)' },
      { name: 'geolocated', type: 'Float64', comment: 'Of it, placed in a country with a known RIR region' },
      { name: 'in_region', type: 'Float64', comment: "Geolocated inside the registering RIR's region" },
      { name: 'out_of_region', type: 'Float64', comment: 'Geolocated outside it' },
      { name: 'share_out', type: 'Nullable(Float64)', comment: 'out_of_region / (in_region + out_of_region)' },
      { name: 'prefixes_routed', type: 'UInt64', comment: 'Routed prefixes counted under this RIR (index params: prefix_rule)' },
      { name: 'prefixes_geolocated', type: 'UInt64', comment: 'Of them, with any geolocated address' },
      { name: 'prefixes_in_region', type: 'UInt64', comment: 'Of them, mostly in region' },
      { name: 'prefixes_out_of_region', type: 'UInt64', comment: 'Of them, more than half of their geolocated addresses out of region' },
      { name: 'origin_same_rir', type: 'Float64', comment: 'Routed space whose origin AS is registered with the same RIR' },
      { name: 'origin_other_rir', type: 'Float64', comment: 'Routed space whose origin AS is registered with another RIR' },
      { name: 'origin_unknown', type: 'Float64', comment: 'Routed space whose origin AS no RIR lists' },
      { name: 'params', type: 'String', comment: 'JSON: filters, rules, registry file dates, geo database build date, source' },
    ],
    engine: 'ReplacingMergeTree',
    versionColumn: 'computed_at',
    orderBy: ['date', 'family', 'rir'],
    shardingKey: 'toYYYYMMDD(date)',
    since: 4,
  },
  {
    name: 'portability_flows',
    comment: 'Routed space per day, registering RIR, registered country, usage country and origin RIR: the matrix, map and country pages',
    columns: [
      { name: 'date', type: 'Date', comment: 'UTC day' },
      { name: 'computed_at', type: "DateTime64(3, 'UTC')", comment: 'The build it belongs to (see portability_daily)' },
      { name: 'family', type: 'UInt8', comment: '4 or 6' },
      { name: 'rir', type: LC, comment: 'Registering RIR, or unregistered' },
      { name: 'registered_cc', type: LC, comment: "Country in the registering record; '' when none" },
      { name: 'country', type: LC, comment: 'Usage country (geo database); ZZ when not placed' },
      { name: 'usage_region', type: LC, comment: "RIR region of the usage country; '' when unknown" },
      { name: 'origin_rir', type: LC, comment: "Registry of the origin AS; '' when unknown" },
      { name: 'addresses', type: 'Float64', comment: 'Routed space (IPv4 addresses, IPv6 /48s)' },
    ],
    engine: 'MergeTree',
    orderBy: ['date', 'computed_at', 'family', 'rir', 'country'],
    shardingKey: 'toYYYYMMDD(date)',
    since: 4,
  },
  {
    name: 'portability_contributors',
    comment: "The top holders, origin ASes and usage countries behind each RIR's out-of-region space, per day",
    columns: [
      { name: 'date', type: 'Date', comment: 'UTC day' },
      { name: 'computed_at', type: "DateTime64(3, 'UTC')", comment: 'The build it belongs to (see portability_daily)' },
      { name: 'family', type: 'UInt8', comment: '4 or 6' },
      { name: 'rir', type: LC, comment: 'Registering RIR' },
      { name: 'list', type: "Enum8('holder' = 1, 'origin' = 2, 'country' = 3)", comment: 'Which list' },
      { name: 'rank', type: 'UInt8', comment: '1 = largest' },
      { name: 'key', type: 'String', comment: 'Holder opaque-id (cc:XX without one), AS<n>, or country code' },
      { name: 'cc', type: LC, comment: "Registered country of the holder or origin AS; the country itself for countries" },
      { name: 'out_of_region', type: 'Float64', comment: 'Out-of-region space attributed to it' },
    ],
    engine: 'MergeTree',
    orderBy: ['date', 'computed_at', 'family', 'rir', 'list', 'rank'],
    shardingKey: 'toYYYYMMDD(date)',
    since: 4,
  },
  // Migration 5: registry change events (analyzer/registry/diff.ts, `portolan registry diff --store`),
  // one row per event. A pair of dates may be diffed again (a re-run, newer files for one side):
  // rows carry the run's computed_at and the latest row per event key wins (FINAL).
  {
    name: 'registry_changes',
    comment: 'Registry change events between two snapshots of the RIR delegated files (portolan registry diff --store)',
    columns: [
    { name: 'from_date', type: 'Date', comment: 'Snapshot compared from: the archive date asked for (or the newest file date of a folder)' },
    { name: 'to_date', type: 'Date', comment: 'Snapshot compared to' },
    { name: 'kind', type: LC, comment: 'added, removed, moved, status-changed, cc-changed, holder-changed or date-changed' },
    { name: 'family', type: LC, comment: 'ipv4, ipv6 or asn' },
    { name: 'start', type: 'String', comment: 'First address (IPv4 dotted, IPv6 RFC 5952) or ASN of the range' },
    { name: 'end', type: 'String', comment: 'Last address or ASN of the range (inclusive)' },
    { name: 'addresses', type: 'Float64', comment: 'Size of the range: IPv4 addresses, IPv6 /48s (fractional below a /48) or ASNs' },
    { name: 'from_rir', type: LC, comment: "Registering RIR before (most specific allocated/assigned record); '' when undelegated (added)" },
    { name: 'to_rir', type: LC, comment: "Registering RIR after; '' when undelegated (removed)" },
    { name: 'from_cc', type: LC, comment: "Country of the record before; '' when none" },
    { name: 'to_cc', type: LC, comment: "Country of the record after; '' when none" },
    { name: 'from_status', type: LC, comment: 'allocated or assigned; for an added range available, reserved or absent' },
    { name: 'to_status', type: LC, comment: 'allocated or assigned; for a removed range available, reserved or absent' },
    { name: 'from_holder', type: 'String', comment: "Holder opaque-id before (extended files); '' when none" },
    { name: 'to_holder', type: 'String', comment: "Holder opaque-id after; '' when none" },
    { name: 'from_reg_date', type: 'Nullable(Date)', comment: 'Registration date of the record before; NULL when none' },
    { name: 'to_reg_date', type: 'Nullable(Date)', comment: 'Registration date of the record after; NULL when none' },
    { name: 'from_file_date', type: 'Nullable(Date)', comment: 'Date of the file the "from" side was read from (of that RIR)' },
    { name: 'to_file_date', type: 'Nullable(Date)', comment: 'Date of the file the "to" side was read from' },
    { name: 'transfer', type: LC, comment: "moved / holder-changed: logged (a transfer log entry explains it) or unlogged; '' for other kinds" },
    { name: 'transfer_date', type: 'Nullable(Date)', comment: 'Date of the explaining transfer log entry; NULL when none' },
    { name: 'transfer_type', type: LC, comment: "Type of that entry (RESOURCE_TRANSFER, MERGER_ACQUISITION, …); '' when none" },
    { name: 'computed_at', type: "DateTime64(3, 'UTC')", comment: 'When the diff was stored (the latest run of a pair of dates wins)' },
    ],
    engine: 'ReplacingMergeTree',
    versionColumn: 'computed_at',
    orderBy: ['to_date', 'from_date', 'family', 'start', 'end', 'kind'],
    shardingKey: 'cityHash64(family, start)',
    since: 5,
    quoteNames: true,
  },
  // Migration 6: each stored diff's routing (analyzer/change-routing) and its files' ages.
  {
    name: 'registry_change_routing',
    comment: 'Routing before and after of each registry change routed on either side (joined with registry_changes on its key)',
    columns: [
    { name: 'from_date', type: 'Date', comment: 'Snapshot compared from (as in registry_changes)' },
    { name: 'to_date', type: 'Date', comment: 'Snapshot compared to' },
    { name: 'kind', type: LC, comment: 'The event kind' },
    { name: 'family', type: LC, comment: 'ipv4, ipv6 or asn' },
    { name: 'start', type: 'String', comment: 'First address or ASN of the range' },
    { name: 'end', type: 'String', comment: 'Last address or ASN of the range' },
    { name: 'from_routing', type: LC, comment: 'routed, unrouted or unknown (no route events stored that day) at the end of the from date (UTC)' },
    { name: 'from_prefixes', type: 'Array(String)', comment: 'Routed prefixes overlapping the range (an ASN range: originated by it), largest first, at most 20' },
    { name: 'from_prefix_count', type: 'UInt32', comment: 'How many routed prefixes there were in all' },
    { name: 'from_origins', type: 'Array(UInt32)', comment: 'Origin ASes of those prefixes (each prefix: the origin most peers announce)' },
    { name: 'from_origin_rirs', type: `Array(${LC})`, comment: 'Registries of those origin ASes' },
    { name: 'from_usage_regions', type: `Array(${LC})`, comment: 'Usage regions of those prefixes (as classified when announced)' },
    { name: 'from_countries', type: `Array(${LC})`, comment: 'Main usage countries of those prefixes' },
    { name: 'from_routed_addresses', type: 'Float64', comment: 'Part of the range covered by routed prefixes (IPv4 addresses, IPv6 /48s); ASN ranges: ASNs originating' },
    { name: 'to_routing', type: LC, comment: 'routed, unrouted or unknown (no route events stored that day) at the end of the to date (UTC)' },
    { name: 'to_prefixes', type: 'Array(String)', comment: 'Routed prefixes overlapping the range (an ASN range: originated by it), largest first, at most 20' },
    { name: 'to_prefix_count', type: 'UInt32', comment: 'How many routed prefixes there were in all' },
    { name: 'to_origins', type: 'Array(UInt32)', comment: 'Origin ASes of those prefixes (each prefix: the origin most peers announce)' },
    { name: 'to_origin_rirs', type: `Array(${LC})`, comment: 'Registries of those origin ASes' },
    { name: 'to_usage_regions', type: `Array(${LC})`, comment: 'Usage regions of those prefixes (as classified when announced)' },
    { name: 'to_countries', type: `Array(${LC})`, comment: 'Main usage countries of those prefixes' },
    { name: 'to_routed_addresses', type: 'Float64', comment: 'Part of the range covered by routed prefixes (IPv4 addresses, IPv6 /48s); ASN ranges: ASNs originating' },
    { name: 'routing_summary', type: 'String', comment: 'One sentence: routed before/after, origin AS unchanged or changed, usage countries' },
    { name: 'computed_at', type: "DateTime64(3, 'UTC')", comment: 'When the diff was stored (the latest run wins)' },
    ],
    engine: 'ReplacingMergeTree',
    versionColumn: 'computed_at',
    orderBy: ['to_date', 'from_date', 'family', 'start', 'end', 'kind'],
    shardingKey: 'cityHash64(family, start)',
    since: 6,
    quoteNames: true,
  },
  {
    name: 'registry_diff_files',
    comment: 'Per stored registry diff and RIR: the files compared, their age against the snapshot date (stale beyond max_age_days) and whether the routing was known',
    columns: [
    { name: 'from_date', type: 'Date', comment: 'Snapshot compared from' },
    { name: 'to_date', type: 'Date', comment: 'Snapshot compared to' },
    { name: 'rir', type: LC, comment: 'RIR' },
    { name: 'compared', type: 'Bool', comment: 'Compared (false: present on one side only, left out)' },
    { name: 'from_file_date', type: 'Nullable(Date)', comment: "Date of the RIR's file on the from side; NULL when none" },
    { name: 'to_file_date', type: 'Nullable(Date)', comment: 'Date of its file on the to side' },
    { name: 'from_age_days', type: 'Nullable(Int32)', comment: 'Days the from file is older than from_date' },
    { name: 'to_age_days', type: 'Nullable(Int32)', comment: 'Days the to file is older than to_date' },
    { name: 'stale_from', type: 'Bool', comment: 'from_age_days > max_age_days' },
    { name: 'stale_to', type: 'Bool', comment: 'to_age_days > max_age_days' },
    { name: 'max_age_days', type: 'UInt16', comment: 'The limit in force (registry diff --max-age)' },
    { name: 'events', type: 'UInt64', comment: 'Events with this RIR on either side' },
    { name: 'routing_from_known', type: 'Bool', comment: 'The store held route events of from_date' },
    { name: 'routing_to_known', type: 'Bool', comment: 'The store held route events of to_date' },
    { name: 'computed_at', type: "DateTime64(3, 'UTC')", comment: 'When the diff was stored (the latest run wins)' },
    ],
    engine: 'ReplacingMergeTree',
    versionColumn: 'computed_at',
    orderBy: ['to_date', 'from_date', 'rir'],
    shardingKey: 'toYYYYMMDD(to_date)',
    since: 6,
    quoteNames: true,
  },
  // Migration 9: the index counted again with only the addresses whose independent geo databases
  // agree (index build --confirmed). Rows carry the build of portability_daily they go with; a
  // build without them (made before migration 9, with one database, or without --confirmed)
  // has no confirmed count: it cannot be backfilled, the per-database answer of every routed
  // address is not stored.
  {
    name: 'portability_confirmed_flows',
    comment: 'Routed space as in portability_flows, with only the addresses all independent geo databases place in one RIR region counted as geolocated (the rest: ZZ)',
    columns: [
      { name: 'date', type: 'Date', comment: 'UTC day' },
      { name: 'computed_at', type: "DateTime64(3, 'UTC')", comment: 'The build it belongs to (see portability_daily)' },
      { name: 'family', type: 'UInt8', comment: '4 or 6' },
      { name: 'rir', type: LC, comment: 'Registering RIR, or unregistered' },
      { name: 'registered_cc', type: LC, comment: "Country in the registering record; '' when none" },
      { name: 'country', type: LC, comment: "The primary database's country where the databases agree on the region; ZZ elsewhere" },
      { name: 'usage_region', type: LC, comment: "RIR region of the usage country; '' when unknown" },
      { name: 'origin_rir', type: LC, comment: "Registry of the origin AS; '' when unknown" },
      { name: 'addresses', type: 'Float64', comment: 'Routed space (IPv4 addresses, IPv6 /48s)' },
    ],
    engine: 'MergeTree',
    orderBy: ['date', 'computed_at', 'family', 'rir', 'country'],
    shardingKey: 'toYYYYMMDD(date)',
    since: 9,
  },
  // Migration 11: a RIB dump stored as the table it is (issue 13). Its entries become one row per
  // (collector, time, prefix, origin) with the routes of every peer in arrays, classified once,
  // instead of one route_events row each; views feed the same read models from the routes
  // (views.ts RIB_VIEWS), and readers of route events read them as events (schema/route-events.ts).
  {
    name: 'rib_snapshots',
    comment: 'RIB dumps (TABLE_DUMP, TABLE_DUMP_V2): one row per collector, dump time, prefix and origin, with every peer\'s route in the route_* arrays (one entry each) and the classification',
    columns: [
      { name: 'event_id', type: 'UInt64', comment: 'The first route\'s event id: identifies the row (deduplication)' },
      { name: 'time', type: TIME, comment: 'Dump time of the entries (UTC, microseconds)' },
      { name: 'collector', type: LC, comment: COLLECTOR_COMMENT, recommented: COLLECTOR_RECOMMENTED },
      { name: 'prefix', type: 'String', comment: 'Canonical CIDR' },
      { name: 'family', type: 'UInt8', comment: '4 or 6' },
      { name: 'prefix_length', type: 'UInt8', comment: 'Prefix length in bits' },
      { name: 'origin_asn', type: 'Nullable(UInt32)', comment: 'Origin AS (smallest ASN of a final AS_SET); NULL when the paths have none' },
      { name: 'origin_asns', type: 'Array(UInt32)', comment: 'Every origin AS (several when the path ends in an AS_SET)' },
      { name: 'route_event_id', type: 'Array(UInt64)', comment: 'Per route: the id its route_events row would have (the same event, the same id)' },
      { name: 'route_peer_ip', type: `Array(${LC})`, comment: 'Per route: BGP peer address' },
      { name: 'route_peer_asn', type: 'Array(UInt32)', comment: 'Per route: BGP peer AS' },
      { name: 'route_path_id', type: 'Array(UInt32)', comment: 'Per route: ADD-PATH path id (0 when none)' },
      { name: 'route_as_path', type: 'Array(String)', comment: 'Per route: AS path as text, bgpdump style' },
      { name: 'route_next_hop', type: 'Array(String)', comment: "Per route: next hop; '' when none" },
      { name: 'route_communities', type: 'Array(Array(String))', comment: 'Per route: communities as text' },
      { name: 'route_severity', type: `Array(${LC})`, comment: "Per route: the severity its event was classified with (it scales with the peers seen so far); '' when not classified" },
      { name: 'route_visibility', type: 'Array(UInt32)', comment: 'Per route: peers announcing the (prefix, origin) when its event was classified' },
      { name: 'stored_at', type: "DateTime('UTC') DEFAULT now()", comment: 'When the row was stored (drives the retention TTL, as for route_events)' },
      { name: 'classified', type: 'Bool', comment: 'A finding was attached' },
      ...CLASSIFICATION.filter((c) => c.name !== 'severity' && c.name !== 'visibility').map(({ since: _since, ...c }) => c),
    ],
    engine: 'ReplacingMergeTree',
    orderBy: ['prefix', 'time', 'event_id'],
    partitionBy: 'toYYYYMM(time)',
    ttl: 'stored_at + INTERVAL {ttlDays} DAY',
    shardingKey: 'cityHash64(prefix)',
    insertDedup: true,
    since: 11,
  },
];

export const tableDef = (name: string): TableDef => {
  const t = TABLES.find((x) => x.name === name);
  if (!t) throw new Error(`no table ${name}`);
  return t;
};
