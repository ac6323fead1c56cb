/**
 * What a store shows, as text to compare two stores (or one store before and after) by: every
 * read model the views feed, finalized and sorted, and every route event as readers see it.
 * `stored_at` (when a row was written) is left out: it is the clock's, not the data's.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { ROUTE_EVENTS_FINAL } from '../../analyzer/store/schema/route-events.js';
import { tableDef, VIEWS } from '../../analyzer/store/schema.js';

const text = async (client: ClickHouseClient, query: string): Promise<string> => (await client.query({ query, format: 'TabSeparated' })).text();

/** Each read model's rows (aggregate states finalized; unordered arrays sorted), sorted. */
export async function readModelContents(client: ClickHouseClient): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of [...new Set(VIEWS.map((v) => v.to))]) {
    const def = tableDef(table);
    const columns = def.columns.filter((c) => c.name !== 'stored_at');
    const select = columns.map((c) => {
      const agg = /^AggregateFunction\((\w+)/.exec(c.type);
      if (!agg) return c.name;
      return agg[1].startsWith('groupUniqArray') ? `arraySort(finalizeAggregation(${c.name}))` : `finalizeAggregation(${c.name})`;
    });
    const key = columns.filter((c) => !c.type.startsWith('AggregateFunction')).map((c) => c.name);
    out[table] = await text(client, `SELECT ${select.join(', ')} FROM ${table}${def.engine === 'MergeTree' ? '' : ' FINAL'} ORDER BY ${key.join(', ')}`);
  }
  return out;
}

/** Every stored route event, each once, as readers of route events see it, sorted. */
export async function routeEventContents(client: ClickHouseClient): Promise<string> {
  const columns = tableDef('route_events').columns.map((c) => c.name).filter((n) => n !== 'stored_at');
  return text(client, `SELECT ${columns.join(', ')} FROM ${ROUTE_EVENTS_FINAL} ORDER BY prefix, time, event_id`);
}
