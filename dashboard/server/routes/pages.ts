import { log } from '../../../common/log.js';
import { formatPrefix, parseIp } from '../../../common/ip.js';
import { sendJson } from '../http.js';
import { asnValue, countryValue, intParam, ipValue, prefixValue } from '../params.js';
import { asnHistory, countryHistory, coveringPrefixes, prefixHistory } from '../event-queries.js';
import type { DashboardDeps, Route } from '../types.js';
import { familyParam, helpersOf } from './context.js';
import { resolveBuild } from './index-build.js';
import { countrySpace } from '../portability-queries.js';
import { named, nameFields } from '../as-names.js';

/** Calls an optional part (registry, geo, classifier); when it is absent or fails, a note says so. */
function optional<T>(notes: string[], what: string, part: unknown, call: () => T): T | null {
  if (!part) {
    notes.push(`${what} is not loaded (start the server with its files to see it).`);
    return null;
  }
  try {
    return call();
  } catch (err) {
    log.warn({ err, what }, 'dashboard page part failed');
    notes.push(`${what} failed: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  }
}

/**
 * RPKI on the prefix page: the covering ROAs' trust anchors and each stored origin's RFC 6811
 * state against the server's `--rpki` data; null when the server has none.
 */
function rpkiOf(deps: DashboardDeps, prefix: string, origins: ReadonlyArray<Record<string, unknown>>) {
  const c = deps.classifier;
  if (!c?.hasRpki || !c.rov) return null;
  const rov = c.rov.bind(c);
  try {
    return {
      tas: c.describePrefix(prefix).rpkiTas ?? [],
      origins: origins.map((o) => ({ asn: Number(o.origin_asn), rov: rov(prefix, Number(o.origin_asn)) })),
    };
  } catch (err) {
    log.warn({ err, prefix }, 'RPKI state of the prefix page failed');
    return null;
  }
}

function addressesOf(prefix: string): number {
  const [, len] = prefix.split('/');
  return 2 ** ((prefix.includes(':') ? 128 : 32) - Number(len));
}

function prefixPage(deps: DashboardDeps, prefix: string, notes: string[]) {
  return {
    registry: optional(notes, 'Registry (RIR delegated files)', deps.registry, () => deps.registry!.prefix(prefix)),
    geo: optional(notes, 'Geolocation database', deps.geo, () => deps.geo!.distribution(prefix)),
    classification: optional(notes, 'Classifier', deps.classifier, () => deps.classifier!.describePrefix(prefix)),
    // Several geolocation databases side by side (null with one).
    geoDatabases: deps.classifier?.geoOpinions ? optional(notes, 'Geolocation databases', deps.classifier, () => deps.classifier!.geoOpinions!(prefix)) : null,
  };
}

export const pageRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/prefix\/(?<prefix>[^/]+\/\d{1,3})$/,
    async handle({ res, query, params, deps }) {
      const prefix = prefixValue(params.prefix);
      const limit = intParam(query, 'limit', 100, 1, 5000);
      const notes: string[] = [];
      const { run, cache } = helpersOf(deps);
      // A busy prefix has hundreds of thousands of events: share one computation per TTL.
      const history = await cache.get(`prefix:${prefix}:${limit}`, () => prefixHistory(run, prefix, limit));
      sendJson(res, 200, {
        prefix,
        family: prefix.includes(':') ? 6 : 4,
        addresses: addressesOf(prefix),
        ...prefixPage(deps, prefix, notes),
        ...history,
        origins: named(deps, history.origins),
        originsOverTime: named(deps, history.originsOverTime),
        findings: named(deps, history.findings),
        rpki: rpkiOf(deps, prefix, history.origins),
        notes,
      });
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/ip\/(?<ip>[^/]+)$/,
    async handle({ res, params, deps }) {
      const { ip, family } = ipValue(params.ip);
      const parsed = parseIp(ip)!;
      const bits = family === 4 ? 32 : 128;
      // Every prefix that can contain the address: one primary-key lookup instead of a scan.
      const candidates: string[] = [];
      for (let len = bits; len >= 0; len--) {
        const mask = ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - len)) - 1n);
        candidates.push(formatPrefix({ family, start: parsed.value & mask, length: len }));
      }
      const notes: string[] = [];
      const prefixes = await coveringPrefixes(helpersOf(deps).run, candidates);
      const host = candidates[0];
      sendJson(res, 200, {
        ip,
        family,
        country: optional(notes, 'Geolocation database', deps.geo, () => deps.geo!.country(ip)),
        registry: optional(notes, 'Registry (RIR delegated files)', deps.registry, () => deps.registry!.prefix(host)),
        prefixes: named(deps, prefixes),
        notes,
      });
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/asn\/(?<asn>[^/]+)$/,
    async handle({ res, query, params, deps }) {
      const asn = asnValue(params.asn);
      const limit = intParam(query, 'limit', 200, 1, 5000);
      const notes: string[] = [];
      const { run, cache } = helpersOf(deps);
      const history = await cache.get(`asn:${asn}:${limit}`, () => asnHistory(run, asn, limit));
      sendJson(res, 200, { asn, ...nameFields(deps, asn), registry: optional(notes, 'Registry (RIR delegated files)', deps.registry, () => deps.registry!.asn(asn)), ...history, notes });
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/country\/(?<cc>[^/]+)$/,
    async handle({ res, query, params, deps }) {
      const cc = countryValue(params.cc);
      const limit = intParam(query, 'limit', 100, 1, 5000);
      const family = familyParam(query);
      const { run, cache } = helpersOf(deps);
      const [history, { build, meta }] = await Promise.all([cache.get(`country:${cc}:${limit}`, () => countryHistory(run, cc, limit)), resolveBuild(deps, query)]);
      const space = build
        ? await cache.get(`country-space:${cc}:${family}:${limit}:${build.date}:${build.computed_at}`, () => countrySpace(run, build, cc, family, limit))
        : { usedHereByRir: [], registeredHereUsedIn: [], totals: null };
      sendJson(res, 200, {
        cc,
        family,
        unit: family === 4 ? 'addresses' : '/48s',
        ...meta,
        ...space,
        usedHere: named(deps, history.usedHere),
        usedHere_note: "usedHere lists announced prefixes (latest classification); their addresses are each prefix's size. usedHereByRir, registeredHereUsedIn and totals are the portability index's routed space (each address once).",
        findings: named(deps, history.findings),
        notes: build ? [] : [meta.message],
      });
    },
  },
];
