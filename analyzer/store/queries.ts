import { canonicalPrefix } from '../../common/ip.js';
import { parseTime as parseTimeText, TimeParseError } from '../../common/time.js';
import { MISMATCH_KINDS } from '../models/finding.js';
import { parseAsn } from '../../common/asn.js';
import { LATEST_ORDER, ROUTE_EVENTS_FINAL } from './schema/route-events.js';

/**
 * The named analyst queries. Every value reaches ClickHouse as a bound query parameter
 * (`{name:Type}`), after validation here; nothing is concatenated into the SQL.
 * Raw tables are read with FINAL so rows stored twice (a resumed ingest) count once.
 */
export interface ParamSpec {
  name: string;
  type: string;
  description: string;
  required: boolean;
  /** Default when optional (already in bound form). */
  default?: string | number;
  /** Validates and normalises user input; throws a message saying what to fix. */
  parse: (value: string) => string | number;
}

export interface NamedQuery {
  name: string;
  description: string;
  params: ParamSpec[];
  sql: string;
}

export class QueryParamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryParamError';
  }
}

const TIME_T = "DateTime64(6, 'UTC')";

/** Named-query times go through the one time parser (common/time.ts): a date-time needs a zone. */
function parseTime(v: string): string {
  try {
    return parseTimeText(v).toFixed(6);
  } catch (err) {
    if (err instanceof TimeParseError) throw new QueryParamError(err.message);
    throw err;
  }
}

const from: ParamSpec = { name: 'from', type: TIME_T, description: 'start time (ISO 8601 with Z or an offset, a date, Unix seconds or an age like 24h), inclusive', required: false, default: '0.000000', parse: parseTime };
const to: ParamSpec = { name: 'to', type: TIME_T, description: 'end time (ISO 8601 with Z or an offset, a date, Unix seconds or an age like 24h), exclusive', required: false, default: '9999999999.000000', parse: parseTime };
const limit = (def: number): ParamSpec => ({
  name: 'limit',
  type: 'UInt32',
  description: `rows to return (default ${def})`,
  required: false,
  default: def,
  parse: (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new QueryParamError(`limit must be an integer from 1 to 100000, not ${JSON.stringify(v)}`);
    return n;
  },
});
const prefixParam: ParamSpec = {
  name: 'prefix',
  type: 'String',
  description: 'a CIDR prefix, e.g. 154.80.0.0/16',
  required: true,
  parse: (v) => {
    const p = canonicalPrefix(v.trim());
    if (!p) throw new QueryParamError(`not a CIDR prefix: ${JSON.stringify(v)} (e.g. 154.80.0.0/16 or 2001:db8::/32)`);
    return p;
  },
};
const asnParam: ParamSpec = {
  name: 'asn',
  type: 'UInt32',
  description: 'an AS number (AS prefix optional)',
  required: true,
  parse: (v) => {
    const n = parseAsn(v);
    if (n === null) throw new QueryParamError(`not an AS number: ${JSON.stringify(v)} (e.g. 3333 or AS3333)`);
    return n;
  },
};
const ccParam: ParamSpec = {
  name: 'cc',
  type: 'String',
  description: 'ISO 3166 two-letter country code',
  required: true,
  parse: (v) => {
    if (!/^[A-Za-z]{2}$/.test(v.trim())) throw new QueryParamError(`not a two-letter country code: ${JSON.stringify(v)} (e.g. SC)`);
    return v.trim().toUpperCase();
  },
};

const IN_RANGE = 'time >= {from:' + TIME_T + '} AND time < {to:' + TIME_T + '}';
const kindCol = (k: string) => `pairs_${k.replace(/-/g, '_')}`;

export const NAMED_QUERIES: NamedQuery[] = [
  {
    name: 'summary',
    description: 'announcements and withdrawals stored, distinct prefixes, prefix-origin pairs, and pairs per mismatch kind',
    params: [from, to],
    sql: `SELECT
  countIf(elem_type = 'announce') AS announcements,
  countIf(elem_type = 'withdraw') AS withdrawals,
  uniqExact(prefix) AS prefixes,
  uniqExactIf((prefix, origin_asn), elem_type = 'announce') AS prefix_origin_pairs,
${MISMATCH_KINDS.map((k) => `  uniqExactIf((prefix, origin_asn), elem_type = 'announce' AND has(kinds, '${k}')) AS ${kindCol(k)}`).join(',\n')}
FROM ${ROUTE_EVENTS_FINAL} WHERE ${IN_RANGE}`,
  },
  {
    name: 'mismatch-matrix',
    description: 'registering RIR × usage region: prefixes, addresses (each prefix once), origin ASes',
    params: [from, to],
    sql: `SELECT prefix_rir, usage_region, count() AS prefixes, sum(addr) AS addresses, length(groupUniqArrayArray(origins)) AS origin_ases
FROM (
  SELECT prefix_rir, usage_region, prefix, any(addresses) AS addr, groupUniqArray(assumeNotNull(origin_asn)) AS origins
  FROM ${ROUTE_EVENTS_FINAL}
  WHERE elem_type = 'announce' AND classified AND ${IN_RANGE}
  GROUP BY prefix_rir, usage_region, prefix
)
GROUP BY prefix_rir, usage_region ORDER BY prefix_rir, usage_region`,
  },
  {
    name: 'matrix-by-hour',
    description: 'registering RIR × usage region per hour from the hourly aggregate (uniq: exact below 65536 per cell)',
    params: [from, to],
    sql: `SELECT hour, prefix_rir, usage_region, uniqMerge(announcements) AS announcements, uniqMerge(prefixes) AS prefixes,
  uniqMerge(origins) AS origin_ases, uniqMerge(pairs) AS prefix_origin_pairs
FROM mismatch_matrix_hourly
WHERE hour >= toStartOfHour({from:${TIME_T}}) AND hour < {to:${TIME_T}}
GROUP BY hour, prefix_rir, usage_region ORDER BY hour, prefix_rir, usage_region`,
  },
  {
    name: 'top-origins',
    description: 'origin ASes by prefixes with a mismatch, from the per-origin hourly aggregate',
    params: [from, to, limit(20)],
    sql: `SELECT origin_asn, any(origin_rir) AS origin_rir, uniqIfMerge(mismatched_prefixes) AS mismatched_prefixes,
  uniqMerge(prefixes) AS prefixes, uniqMerge(announcements) AS announcements, arraySort(groupUniqArrayArrayMerge(kinds)) AS kinds
FROM origin_hourly
WHERE hour >= toStartOfHour({from:${TIME_T}}) AND hour < {to:${TIME_T}}
GROUP BY origin_asn ORDER BY mismatched_prefixes DESC, prefixes DESC, origin_asn LIMIT {limit:UInt32}`,
  },
  {
    name: 'top-prefixes',
    description: 'prefixes by number of route events (announcements + withdrawals)',
    params: [from, to, limit(20)],
    sql: `SELECT prefix, count() AS events, countIf(elem_type = 'announce') AS announcements, countIf(elem_type = 'withdraw') AS withdrawals,
  uniqExactIf(origin_asn, elem_type = 'announce') AS origins, uniqExact(peer_ip) AS peers,
  anyIf(prefix_rir, classified) AS prefix_rir, anyIf(usage_region, classified) AS usage_region, arraySort(groupUniqArrayArray(kinds)) AS kinds
FROM ${ROUTE_EVENTS_FINAL} WHERE ${IN_RANGE}
GROUP BY prefix ORDER BY events DESC, prefix LIMIT {limit:UInt32}`,
  },
  {
    name: 'prefix',
    description: 'history of one prefix: each origin seen (first/last seen, announcements, peers) and every finding event with its why',
    params: [prefixParam, from, to],
    sql: `SELECT * FROM (
  SELECT min(time) AS at, 'route' AS source, 'origin-seen' AS event, origin_asn,
    arraySort(groupUniqArrayArray(kinds)) AS kinds, argMax(severity, ${LATEST_ORDER}) AS severity,
    concat('last seen ', toString(max(time)), '; ', toString(count()), ' announcements from ', toString(uniqExact(peer_ip)), ' peers') AS detail
  FROM ${ROUTE_EVENTS_FINAL}
  WHERE prefix = {prefix:String} AND elem_type = 'announce' AND ${IN_RANGE}
  GROUP BY origin_asn
  UNION ALL
  SELECT time AS at, 'finding' AS source, concat(toString(type), if(reason = '', '', concat(' (', reason, ')'))) AS event, origin_asn,
    arraySort(kinds) AS kinds, severity, why AS detail
  FROM finding_events FINAL
  WHERE prefix = {prefix:String} AND ${IN_RANGE}
) ORDER BY at, source DESC`,
  },
  {
    name: 'asn',
    description: 'prefixes originated by one AS, with their registration, usage and findings',
    params: [asnParam, from, to],
    sql: `SELECT prefix, min(time) AS first_seen, max(time) AS last_seen, count() AS announcements, uniqExact(peer_ip) AS peers,
  argMax(prefix_rir, ${LATEST_ORDER}) AS prefix_rir, argMax(usage_region, ${LATEST_ORDER}) AS usage_region, argMax(main_country, ${LATEST_ORDER}) AS main_country,
  argMax(origin_rir, ${LATEST_ORDER}) AS origin_rir, arraySort(groupUniqArrayArray(kinds)) AS kinds, argMax(severity, ${LATEST_ORDER}) AS severity
FROM ${ROUTE_EVENTS_FINAL}
WHERE origin_asn = {asn:UInt32} AND elem_type = 'announce' AND ${IN_RANGE}
GROUP BY prefix ORDER BY prefix`,
  },
  {
    name: 'country',
    description: 'prefixes used in (main country) or registered to one country, with their origins and findings',
    params: [ccParam, from, to],
    sql: `SELECT prefix, argMax(registered_cc, ${LATEST_ORDER}) AS registered_cc, argMax(main_country, ${LATEST_ORDER}) AS main_country,
  argMax(prefix_rir, ${LATEST_ORDER}) AS prefix_rir, argMax(usage_region, ${LATEST_ORDER}) AS usage_region,
  arraySort(groupUniqArray(assumeNotNull(origin_asn))) AS origins, arraySort(groupUniqArrayArray(kinds)) AS kinds,
  argMax(severity, ${LATEST_ORDER}) AS severity, max(time) AS last_seen
FROM ${ROUTE_EVENTS_FINAL} AS r
WHERE r.elem_type = 'announce' AND r.classified AND (r.main_country = {cc:String} OR r.registered_cc = {cc:String}) AND ${IN_RANGE}
GROUP BY prefix ORDER BY prefix`,
  },
  {
    name: 'recent',
    description: 'latest finding events (started, ended, origin changed) with their why',
    params: [from, to, limit(50)],
    sql: `SELECT time, type, reason, prefix, origin_asn, arraySort(kinds) AS kinds, severity, prefix_rir, usage_region, share_abroad, why
FROM finding_events FINAL WHERE ${IN_RANGE}
ORDER BY time DESC, prefix LIMIT {limit:UInt32}`,
  },
  {
    name: 'origins',
    description: 'the routing view of one prefix: each origin AS seen, first/last seen, announcements, the kinds of its latest classification',
    params: [prefixParam],
    sql: `SELECT origin_asn, min(first_time) AS first_seen, max(last_time) AS last_seen, sum(events) AS announcements,
  arraySort(max(latest_max).kinds) AS kinds
FROM origin_prefixes WHERE prefix = {prefix:String}
GROUP BY origin_asn ORDER BY last_seen DESC`,
  },
];

export function findNamedQuery(name: string): NamedQuery {
  const q = NAMED_QUERIES.find((x) => x.name === name);
  if (!q) throw new QueryParamError(`no named query ${JSON.stringify(name)}; known: ${NAMED_QUERIES.map((x) => x.name).join(', ')}`);
  return q;
}

/** Validated, normalised query parameters for a named query (unknown and missing ones are errors). */
export function bindParams(q: NamedQuery, given: Record<string, string | number>): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const key of Object.keys(given)) {
    if (!q.params.some((p) => p.name === key)) {
      throw new QueryParamError(`query ${q.name} has no parameter ${JSON.stringify(key)}; it takes: ${q.params.map((p) => p.name).join(', ') || 'none'}`);
    }
  }
  for (const p of q.params) {
    const v = given[p.name];
    if (v === undefined || v === '') {
      if (p.required) throw new QueryParamError(`query ${q.name} needs --param ${p.name}=… (${p.description})`);
      out[p.name] = p.default!;
    } else out[p.name] = p.parse(String(v));
  }
  return out;
}
