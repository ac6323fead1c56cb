import type { RouteEvent } from '../../collector/models/route-event.js';
import type { Finding } from '../models/finding.js';
import type { LifecycleEvent } from '../models/lifecycle.js';
import type { RibSnapshotRow } from '../models/rib-snapshot.js';
import { columnTypes } from './batch.js';
import { writeHash64Parts } from './hash.js';
import { RouteEventTexts } from './route-event-texts.js';
import { encoderFor, type ByteSink } from './rowbinary.js';
import { LIFECYCLE_COLUMNS, RIB_SNAPSHOT_COLUMNS, ROUTE_EVENT_COLUMNS, timeText } from './rows.js';

/**
 * One route_events row (or rib_snapshots, finding_events row) written straight into a RowBinary
 * sink: the same bytes as encoding `routeEventValues` (`ribSnapshotValues`, `lifecycleValues`)
 * column by column (batch.ts), without an array of values per row or a generic encoder per column
 * (whose shared call site sees every type). This is the writer's hottest path: every route event
 * goes through it, and on a RIB dump every new finding. A value the column cannot take throws, as
 * the generic encoders do, and the builder drops the half-written row.
 */

/** The column types this encoder writes, in order; checked against the schema at load. */
const TYPES = [
  'UInt64', "DateTime64(6, 'UTC')", 'LowCardinality(String)', 'LowCardinality(String)', 'UInt32', "Enum8('announce' = 1, 'withdraw' = 2)",
  'String', 'UInt8', 'UInt8', 'UInt32', 'String', 'Nullable(UInt32)', 'Array(UInt32)', 'String', 'Array(String)', 'Bool',
  // Classification
  'Float64', 'LowCardinality(String)', 'LowCardinality(String)', 'String', 'LowCardinality(String)', 'Bool', 'LowCardinality(String)',
  'LowCardinality(String)', 'LowCardinality(String)', 'LowCardinality(String)', 'Float32', 'Array(LowCardinality(String))',
  'LowCardinality(String)', 'LowCardinality(String)', 'UInt32', 'LowCardinality(String)', 'Array(LowCardinality(String))',
  'LowCardinality(String)', 'Nullable(Float32)',
];

const declared = columnTypes('route_events', ROUTE_EVENT_COLUMNS);
if (declared.join('|') !== TYPES.join('|')) {
  throw new Error(`route_events columns changed (${declared.join(', ')}): update route-event-encoder.ts with them`);
}

const fail = (type: string, value: unknown): never => {
  throw new TypeError(`cannot encode ${JSON.stringify(value)} as ${type}`);
};

function str(out: ByteSink, v: unknown): void {
  if (typeof v !== 'string') fail('String', v);
  out.string(v as string);
}

function u32(out: ByteSink, v: unknown): void {
  if (typeof v === 'boolean') v = v ? 1 : 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) fail('UInt32', v);
  out.u32(v as number);
}

function u8(out: ByteSink, v: unknown): void {
  if (typeof v === 'boolean') v = v ? 1 : 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xff) fail('UInt8', v);
  out.u8(v as number);
}

function f32(out: ByteSink, v: unknown): void {
  if (typeof v !== 'number') fail('Float32', v);
  out.f32(v as number);
}

/** A Nullable column: its null flag, then the value unless null. */
function nullable<T>(out: ByteSink, v: T | null | undefined, write: (out: ByteSink, v: T) => void): void {
  if (v === null || v === undefined) out.u8(1);
  else {
    out.u8(0);
    write(out, v);
  }
}

function strings(out: ByteSink, a: unknown): void {
  if (!Array.isArray(a)) fail('Array(String)', a);
  const list = a as unknown[];
  out.varUInt(list.length);
  for (let i = 0; i < list.length; i++) str(out, list[i]);
}

function smallest(values: number[]): number {
  let m = values[0];
  for (let i = 1; i < values.length; i++) if (values[i] < m) m = values[i];
  return m;
}

const NO_STRINGS: string[] = [];
const NO_NUMBERS: number[] = [];

/** The texts and ids of the events encoded so far, kept for the next (an UPDATE's elements share them). */
const texts = new RouteEventTexts();

/** Writes the route_events row of `e` and its classification (null: withdrawal or unclassified). */
export function encodeRouteEvent(out: ByteSink, e: RouteEvent, f: Finding | null): void {
  const asPath = texts.asPath(e);
  const communities = texts.communities(e);
  const announce = e.elem_type === 'announce';
  const origins = announce ? (e.origin_asns ?? NO_NUMBERS) : NO_NUMBERS;
  const prefix = e.prefix;
  const pathId = e.path_id ?? 0;
  const nextHop = e.next_hop ?? '';

  texts.writeId(out, e, asPath, nextHop);
  const seconds = e.timestamp;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) fail('DateTime64(6)', seconds);
  out.i64(Math.round(seconds * 1e6));
  str(out, e.collector);
  str(out, e.peer_ip);
  u32(out, e.peer_asn);
  out.u8(announce ? 1 : e.elem_type === 'withdraw' ? 2 : fail('Enum8', e.elem_type));
  str(out, prefix);
  out.u8(prefix.includes(':') ? 6 : 4);
  u8(out, Number(prefix.slice(prefix.indexOf('/') + 1)));
  u32(out, pathId);
  out.string(asPath);
  nullable(out, origins.length ? smallest(origins) : null, u32);
  if (!Array.isArray(origins)) fail('Array(UInt32)', origins);
  out.varUInt(origins.length);
  for (let i = 0; i < origins.length; i++) u32(out, origins[i]);
  str(out, nextHop);
  strings(out, communities);
  out.u8(f !== null ? 1 : 0);

  writeClassification(out, f, true);
}

/**
 * The classification columns, as rows.ts pushClassification gives them (defaults for a missing
 * finding or field); `perRoute` false leaves out severity and visibility, which a RIB snapshot
 * row holds per route.
 */
function writeClassification(out: ByteSink, f: Finding | null, perRoute: boolean): void {
  const addresses = f?.addresses ?? 0;
  if (typeof addresses !== 'number') fail('Float64', addresses);
  out.f64(addresses);
  str(out, f?.prefixRir ?? '');
  str(out, f?.registeredCc ?? '');
  str(out, f?.holderId ?? '');
  str(out, f?.ianaRir ?? '');
  u8(out, f?.legacy ?? false);
  str(out, f?.originRir ?? '');
  str(out, f?.originCc ?? '');
  str(out, f?.usageRegion ?? '');
  str(out, f?.mainCountry ?? '');
  f32(out, f?.shareAbroad ?? 0);
  strings(out, f?.kinds ?? NO_STRINGS);
  str(out, f?.geoSubkind ?? '');
  if (perRoute) {
    str(out, f?.severity ?? '');
    u32(out, f?.visibility ?? 0);
  }
  str(out, f?.rov ?? '');
  strings(out, f?.rpkiTas ?? NO_STRINGS);
  str(out, f?.geoConfidence ?? '');
  nullable(out, f?.geoAgreement, f32);
}

/** The rib_snapshots column types encodeRibSnapshot writes, in order; checked against the schema at load. */
const RIB_TYPES = [
  'UInt64', "DateTime64(6, 'UTC')", 'LowCardinality(String)', 'String', 'UInt8', 'UInt8', 'Nullable(UInt32)', 'Array(UInt32)',
  'Array(UInt64)', 'Array(LowCardinality(String))', 'Array(UInt32)', 'Array(UInt32)', 'Array(String)', 'Array(String)', 'Array(Array(String))',
  'Array(LowCardinality(String))', 'Array(UInt32)', 'Bool',
  // Classification but severity and visibility
  'Float64', 'LowCardinality(String)', 'LowCardinality(String)', 'String', 'LowCardinality(String)', 'Bool', 'LowCardinality(String)',
  'LowCardinality(String)', 'LowCardinality(String)', 'LowCardinality(String)', 'Float32', 'Array(LowCardinality(String))',
  'LowCardinality(String)', 'LowCardinality(String)', 'Array(LowCardinality(String))', 'LowCardinality(String)', 'Nullable(Float32)',
];

const ribDeclared = columnTypes('rib_snapshots', RIB_SNAPSHOT_COLUMNS);
if (ribDeclared.join('|') !== RIB_TYPES.join('|')) {
  throw new Error(`rib_snapshots columns changed (${ribDeclared.join(', ')}): update route-event-encoder.ts with them`);
}

function u32s(out: ByteSink, a: readonly number[]): void {
  out.varUInt(a.length);
  for (let i = 0; i < a.length; i++) u32(out, a[i]);
}

/** Writes the rib_snapshots row of `r` (the same bytes as encoding `ribSnapshotValues(r)` column by column). */
export function encodeRibSnapshot(out: ByteSink, r: RibSnapshotRow): void {
  const n = r.peerIps.length;
  const ids = r.eventIdHalves;
  if (n === 0 || ids.length !== 2 * n) fail('a RIB snapshot row', { routes: n, ids: ids.length });
  out.u32(ids[0]);
  out.u32(ids[1]);
  if (typeof r.time !== 'number' || !Number.isFinite(r.time)) fail('DateTime64(6)', r.time);
  out.i64(Math.round(r.time * 1e6));
  str(out, r.collector);
  const prefix = r.prefix;
  str(out, prefix);
  out.u8(prefix.includes(':') ? 6 : 4);
  u8(out, Number(prefix.slice(prefix.indexOf('/') + 1)));
  const origins = r.originAsns;
  nullable(out, origins.length ? smallest(origins) : null, u32);
  u32s(out, origins);
  out.varUInt(n);
  for (let i = 0; i < 2 * n; i++) out.u32(ids[i]);
  strings(out, r.peerIps);
  u32s(out, r.peerAsns);
  u32s(out, r.pathIds);
  strings(out, r.asPaths);
  strings(out, r.nextHops);
  out.varUInt(n);
  for (let i = 0; i < n; i++) strings(out, r.communities[i]);
  strings(out, r.severities);
  u32s(out, r.visibilities);
  out.u8(r.finding !== null ? 1 : 0);
  writeClassification(out, r.finding, false);
}

/** The finding_events column types encodeLifecycle writes, in order; checked against the schema at load. */
const LIFECYCLE_TYPES = [
  'UInt64', "DateTime64(6, 'UTC')", "Enum8('finding-started' = 1, 'finding-ended' = 2, 'origin-changed' = 3)", 'LowCardinality(String)', 'String', 'UInt8',
  'Nullable(UInt32)', 'Array(UInt32)', 'Array(UInt32)',
  // Classification
  ...TYPES.slice(ROUTE_EVENT_COLUMNS.indexOf('addresses')),
  'Array(LowCardinality(String))', 'Array(Float32)', 'String', 'Array(LowCardinality(String))', 'Array(LowCardinality(String))', 'Array(Bool)',
];

const lifecycleDeclared = columnTypes('finding_events', LIFECYCLE_COLUMNS);
if (lifecycleDeclared.join('|') !== LIFECYCLE_TYPES.join('|')) {
  throw new Error(`finding_events columns changed (${lifecycleDeclared.join(', ')}): update route-event-encoder.ts with them`);
}

/** The event type's Enum8 code, read off the declared type above (not repeated here). */
const writeLifecycleType = encoderFor(LIFECYCLE_TYPES[2]);
/** Findings without several geo databases' answers. */
const NO_ANSWERS: NonNullable<Finding['geoAnswers']> = [];

/** Writes the finding_events row of `ev` (the same bytes as encoding `lifecycleValues(ev)` column by column). */
export function encodeLifecycle(out: ByteSink, ev: LifecycleEvent): void {
  const f = ev.finding;
  const time = ev.time;
  if (typeof time !== 'number' || !Number.isFinite(time)) fail('DateTime64(6)', time);
  const reason = ev.type === 'finding-ended' ? ev.reason : '';
  const prefix = ev.type === 'origin-changed' ? ev.prefix : f.prefix;
  const previous = ev.type === 'origin-changed' ? ev.previousOriginAsns : NO_NUMBERS;
  writeHash64Parts(out, [ev.type, timeText(time), prefix, reason, f.originAsns.join(','), previous.join(','), f.kinds.join(',')]);
  out.i64(Math.round(time * 1e6));
  writeLifecycleType(out, ev.type);
  str(out, reason);
  str(out, prefix);
  u8(out, f.family ?? (prefix.includes(':') ? 6 : 4));
  nullable(out, f.originAsn, u32);
  u32s(out, f.originAsns);
  u32s(out, previous);
  writeClassification(out, f, true);
  const geo = f.geo;
  out.varUInt(geo.length);
  for (let i = 0; i < geo.length; i++) str(out, geo[i].cc);
  out.varUInt(geo.length);
  for (let i = 0; i < geo.length; i++) f32(out, geo[i].share);
  str(out, f.why);
  const answers = f.geoAnswers ?? NO_ANSWERS;
  out.varUInt(answers.length);
  for (let i = 0; i < answers.length; i++) str(out, answers[i].db);
  out.varUInt(answers.length);
  for (let i = 0; i < answers.length; i++) str(out, answers[i].cc ?? '');
  out.varUInt(answers.length);
  for (let i = 0; i < answers.length; i++) u8(out, answers[i].echo);
}
