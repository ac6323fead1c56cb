/**
 * Registry changes joined with routing (issue 14): each event's routing before (at the end of
 * the from date) and after (at the end of the to date), from the store's route events. A folder
 * of its own: it reads the accounting's routed-space rules, and the accounting reads the registry.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { RoutedChanges } from '../models/change-routing.js';
import type { RegistryChange } from '../models/registry.js';
import { joinRouting } from './join.js';
import { routingSnapshotAt } from './store-routes.js';

/** The routing of `events` between the snapshots `fromDate` and `toDate` (YYYY-MM-DD). */
export async function routeChanges(client: ClickHouseClient, fromDate: string, toDate: string, events: readonly RegistryChange[]): Promise<RoutedChanges> {
  const a = await routingSnapshotAt(client, fromDate, events);
  const b = await routingSnapshotAt(client, toDate, events);
  return { routing: joinRouting(events, a, b), from: a.moment, to: b.moment };
}

export type RouteChanges = typeof routeChanges;
export { joinRouting, routingSummary, RoutingLookup, type RoutedRoute, type RoutingSnapshot } from './join.js';
