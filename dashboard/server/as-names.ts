import { withAsNames } from '../../analyzer/asnames/index.js';
import type { DashboardDeps } from './types.js';

/** Rows with `origin_asn` or `asn` get `as_name` and `as_cc` when names are loaded (unchanged otherwise). */
export const named = <T extends object>(deps: DashboardDeps, rows: readonly T[]): T[] => withAsNames(rows, deps.asNames) as T[];

/** `{ as_name, as_cc }` for one AS (nulls when unknown); empty when no names are loaded. */
export function nameFields(deps: DashboardDeps, asn: number): { as_name?: string | null; as_cc?: string | null } {
  if (!deps.asNames) return {};
  const n = deps.asNames.get(asn);
  return { as_name: n?.name ?? null, as_cc: n?.cc ?? null };
}
