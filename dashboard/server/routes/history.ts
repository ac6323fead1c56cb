import { sendJson } from '../http.js';
import { asnValue, countryValue, prefixValue } from '../params.js';
import { asnSpaceOverTime, countrySpaceOverTime, prefixTimeline } from '../history-queries.js';
import type { DashboardDeps, Route } from '../types.js';
import { familyParam, helpersOf } from './context.js';
import { nameFields } from '../as-names.js';
import { log } from '../../../common/log.js';

/** The registry of an origin AS: as classified when announced, else the loaded registry's, else null. */
function originRir(deps: DashboardDeps, asn: number, stored: string): string | null {
  if (stored) return stored;
  try {
    return deps.registry?.asn(asn).rir ?? null;
  } catch (err) {
    log.warn({ err, asn }, 'registry lookup of an origin AS failed');
    return null;
  }
}

/** The history charts' data: a prefix's timeline, an AS's and a country's space by RIR over time. */
export const historyRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/history\/prefix\/(?<prefix>[^/]+\/\d{1,3})$/,
    async handle({ res, params, deps }) {
      const prefix = prefixValue(params.prefix);
      const { run, cache } = helpersOf(deps);
      const t = await cache.get(`history-prefix:${prefix}`, () => prefixTimeline(run, prefix));
      const asns = [...new Set([...t.origins.map((r) => Number(r.origin_asn)), ...t.originRirs.map((r) => Number(r.origin_asn))])].sort((a, b) => a - b);
      const stored = new Map(t.originRirs.map((r) => [Number(r.origin_asn), String(r.origin_rir ?? '')]));
      sendJson(res, 200, {
        prefix,
        bucket: t.bucket,
        from: t.from,
        to: t.to,
        origins: asns.map((asn) => ({ origin_asn: asn, origin_rir: originRir(deps, asn, stored.get(asn) ?? ''), ...nameFields(deps, asn) })),
        points: t.origins,
        visibility: t.visibility,
        findings: t.findings,
      });
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/history\/asn\/(?<asn>[^/]+)$/,
    async handle({ res, params, deps }) {
      const asn = asnValue(params.asn);
      const { run, cache } = helpersOf(deps);
      const rows = await cache.get(`history-asn:${asn}`, () => asnSpaceOverTime(run, asn));
      sendJson(res, 200, {
        asn,
        source: 'stored route events: each day, the prefixes the AS announced, by the registering RIR of their latest classification',
        units: { 4: 'addresses', 6: '/48s' },
        note: 'Sums of prefix sizes: overlapping prefixes are each counted in full.',
        rows,
      });
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/history\/country\/(?<cc>[^/]+)$/,
    async handle({ res, query, params, deps }) {
      const cc = countryValue(params.cc);
      const family = familyParam(query);
      const { run, cache } = helpersOf(deps);
      const rows = await cache.get(`history-country:${cc}:${family}`, () => countrySpaceOverTime(run, cc, family));
      sendJson(res, 200, {
        cc,
        family,
        unit: family === 4 ? 'addresses' : '/48s',
        source: 'the portability index (each day’s latest build; routed space, each address once)',
        rows,
        ...(rows.length ? {} : { message: 'No index yet for this country: run `portolan index build FILE…` or let `portolan run` pass a UTC midnight.' }),
      });
    },
  },
];
