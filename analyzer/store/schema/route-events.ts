/**
 * Route events as stored: the rows of route_events, and the routes of RIB snapshots as the
 * events they were (one per entry of the array columns). The RIB snapshots' views and every
 * reader of route events read them through here, so a RIB stored as a snapshot reads as it did
 * when each entry was a route_events row. SQL text only, from the declared tables.
 */
import { tableDef } from './tables.js';

/** Every column of route_events, in its declared order: the shape both halves give. */
const COLUMNS: readonly string[] = tableDef('route_events').columns.map((c) => c.name);

/** rib_snapshots' per-route arrays and the route_events column each entry becomes. */
const PER_ROUTE: Record<string, string> = {
  event_id: 'route_event_id',
  peer_ip: 'route_peer_ip',
  peer_asn: 'route_peer_asn',
  path_id: 'route_path_id',
  as_path: 'route_as_path',
  next_hop: 'route_next_hop',
  communities: 'route_communities',
  severity: 'route_severity',
  visibility: 'route_visibility',
};
const ELEM_TYPE = tableDef('route_events').columns.find((c) => c.name === 'elem_type')!.type;

const ribField = (name: string): string => {
  if (name === 'elem_type') return `CAST('announce', '${ELEM_TYPE.replace(/'/g, "\\'")}') AS elem_type`;
  // Qualified: rib_snapshots has an event_id of its own (the row's), which is not the route's.
  return PER_ROUTE[name] ? `a_${name} AS ${name}` : `s.${name} AS ${name}`;
};

/** A RIB snapshot table's rows as route events (every entry of a RIB dump is an announcement). */
const ribRouteEvents = (table: string, final: boolean): string => `SELECT ${COLUMNS.map(ribField).join(', ')}
FROM ${table} AS s${final ? ' FINAL' : ''} ARRAY JOIN ${Object.entries(PER_ROUTE).map(([name, a]) => `s.${a} AS a_${name}`).join(', ')}`;

/** The same for the views, with `{from}` for the table (`_local` in a cluster). */
export const RIB_ROUTE_EVENTS = ribRouteEvents('{from}', false);

const routeEvents = (final: boolean): string => `(SELECT ${COLUMNS.join(', ')} FROM route_events${final ? ' FINAL' : ''}
UNION ALL
${ribRouteEvents('rib_snapshots', final)})`;

/** Every stored route event, as a subquery to read from in place of `route_events`. */
export const ROUTE_EVENTS = routeEvents(false);

/** The same with FINAL on both tables: each event once, before merges have removed repeats. */
export const ROUTE_EVENTS_FINAL = routeEvents(true);

/**
 * What "latest" means among route events: by time, then by visibility, then by event id. A RIB
 * dump's entries of one prefix share the dump's time; the latest of them is the one the most
 * peers carried, the classification the routing state held at the end of the dump (by time alone,
 * the first entry won: its severity weighed by a visibility of one peer). The event id settles
 * what is left (two announcements of one time carried by as many peers), so every reader picks
 * the same row whatever order the rows were stored and merged in. For argMax and ORDER BY.
 */
export const LATEST_ORDER_COLUMNS: readonly string[] = ['time', 'visibility', 'event_id'];
export const LATEST_ORDER = `(${LATEST_ORDER_COLUMNS.join(', ')})`;

/** LATEST_ORDER as one number (time in microseconds, visibility, event id), for a version column: prefix_latest's since migration 17. */
export const LATEST_ORDER_KEY = 'bitShiftLeft(toUInt256(toUnixTimestamp64Micro(time)), 96) + bitShiftLeft(toUInt256(visibility), 64) + event_id';

/** Migration 12's order, without the event id: frozen in the views it created, and origin_prefixes.latest_by_peers' state type. */
export const LATEST_ORDER_12 = '(time, visibility)';
