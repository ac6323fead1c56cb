import type { DelegationRecord, Rir } from '../../../analyzer/models/registry.js';
import { coveredSpace, holderRecords, registeredHolders, type RegisteredHolder } from '../../../analyzer/registry/holders.js';
import { HttpError, notFound, sendJson, sendList } from '../http.js';
import { nameFields } from '../as-names.js';
import { countryValue, intParam, rirValue } from '../params.js';
import type { DashboardDeps, Route } from '../types.js';
import { helpersOf } from './context.js';
import type { QueryRunner, Row } from '../query-types.js';

/** The registry's records (the loaded index has them; the lookup interface does not promise them). */
function recordsOf(deps: DashboardDeps): readonly DelegationRecord[] {
  const records = (deps.registry as { records?: readonly DelegationRecord[] } | undefined)?.records;
  if (!records) throw new HttpError(503, 'registry-not-loaded', 'the registry is not loaded: start the server with the RIR delegated files (--rir-dir, or `portolan registry update` first)');
  return records;
}

/** Holders per records array: the grouping runs once per loaded registry, not per request. */
const grouped = new WeakMap<readonly DelegationRecord[], RegisteredHolder[]>();
const holdersOf = (records: readonly DelegationRecord[]): RegisteredHolder[] => {
  let list = grouped.get(records);
  if (!list) grouped.set(records, (list = registeredHolders(records)));
  return list;
};

/** A name for the holder where one exists: the AS-name list's name of the holder's (lowest) AS. */
function nameOf(deps: DashboardDeps, h: RegisteredHolder): { name: string | null; name_source: string | null } {
  const n = h.first_asn !== null ? deps.asNames?.get(h.first_asn) : undefined;
  return n ? { name: n.name, name_source: `AS${h.first_asn} in the AS-name list` } : { name: null, name_source: null };
}

/** The stored announced prefixes classified under these holders (latest classification per prefix). */
function announcedOf(run: QueryRunner, ids: string[]): Promise<Row[]> {
  if (!ids.length) return Promise.resolve([]);
  return run(
    `SELECT holder_id, prefix_rir, prefix, origin_asn, main_country, usage_region, kinds, severity, addresses, toUnixTimestamp(last_time) AS last_seen
     FROM prefix_latest FINAL WHERE holder_id IN {ids:Array(String)} ORDER BY holder_id, addresses DESC, prefix LIMIT 200000`,
    { ids },
  );
}

const NAMES_NOTE =
  'The delegated-extended files give holders only an opaque id. A holder is named after the AS it also holds, by the AS-name list (--as-names, or asn.txt after `portolan registry update`); holders without an AS, or without a list, have no name.';

export const holderRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/holders$/,
    async handle({ res, query, deps }) {
      const rir = query.get('rir') ? rirValue(query.get('rir')!) : null;
      const cc = query.get('cc') ? countryValue(query.get('cc')!, 'cc') : null;
      const q = (query.get('q') ?? '').trim().toLowerCase();
      const limit = intParam(query, 'limit', 100, 1, 5000);
      const all = holdersOf(recordsOf(deps));
      const matching = all.filter(
        (h) =>
          (!rir || h.rir === rir) &&
          (!cc || h.cc === cc || h.other_ccs.includes(cc)) &&
          (!q || h.holder_id.toLowerCase().includes(q) || (nameOf(deps, h).name ?? '').toLowerCase().includes(q)),
      );
      const page = matching.slice(0, limit);
      const { run, cache } = helpersOf(deps);
      const ids = page.map((h) => h.holder_id);
      const announced = await cache.get(`holders-announced:${ids.join(',')}`, () => announcedOf(run, ids));
      const prefixesOf = new Map<string, string[]>();
      for (const a of announced) {
        const key = `${a.prefix_rir}|${a.holder_id}`;
        prefixesOf.set(key, [...(prefixesOf.get(key) ?? []), String(a.prefix)]);
      }
      const rows = page.map((h) => {
        const prefixes = prefixesOf.get(`${h.rir}|${h.holder_id}`) ?? [];
        const covered = coveredSpace(prefixes);
        return {
          ...h,
          other_ccs: h.other_ccs.join(' '),
          ...nameOf(deps, h),
          announced_prefixes: prefixes.length,
          announced_ipv4: covered.ipv4_addresses,
          announced_ipv6_48s: covered.ipv6_48s,
          announced_share_ipv4: h.ipv4_addresses > 0 ? covered.ipv4_addresses / h.ipv4_addresses : null,
        };
      });
      sendList(res, query, 'holders', rows, {
        total: matching.length,
        holders: all.length,
        names: NAMES_NOTE,
        announced_note: 'Announced: the stored announced prefixes whose most specific record is the holder’s (latest classification of each prefix), each address once.',
      });
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/holders\/(?<rir>[a-z]+)\/(?<id>[^/]+)$/,
    async handle({ res, params, deps }) {
      const rir: Rir = rirValue(params.rir);
      const records = recordsOf(deps);
      const holder = holdersOf(records).find((h) => h.rir === rir && h.holder_id === params.id);
      if (!holder) throw notFound(`no ${rir} holder ${JSON.stringify(params.id)} with a delegated record in the loaded registry`);
      const { run, cache } = helpersOf(deps);
      const announced = (await cache.get(`holders-announced:${holder.holder_id}`, () => announcedOf(run, [holder.holder_id]))).filter((a) => a.prefix_rir === rir);
      const covered = coveredSpace(announced.map((a) => String(a.prefix)));
      const own = holderRecords(records, rir, holder.holder_id);
      sendJson(res, 200, {
        holder: { ...holder, ...nameOf(deps, holder), announced_ipv4: covered.ipv4_addresses, announced_ipv6_48s: covered.ipv6_48s, announced_share_ipv4: holder.ipv4_addresses > 0 ? covered.ipv4_addresses / holder.ipv4_addresses : null },
        records: own.map((r) => ({ type: r.type, start: r.start, value: r.value, cc: r.cc, date: r.date, status: r.status, ...(r.type === 'asn' ? nameFields(deps, Number(r.start)) : {}) })),
        announced: announced.map((a) => ({ ...a, ...(a.origin_asn !== null ? nameFields(deps, Number(a.origin_asn)) : {}) })),
        names: NAMES_NOTE,
      });
    },
  },
];
