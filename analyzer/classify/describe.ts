/**
 * What `portolan lookup` shows for one target (IP, prefix or AS number): the registry's view,
 * IANA's, the geo distribution, the region and the routing-independent kinds with a why.
 */
import { formatPrefix, parseIp, parsePrefix } from '../../common/ip.js';
import type { GeoSubkind, MismatchKind, Severity } from '../models/finding.js';
import type { GeoConfidence } from '../models/geo.js';
import type { DelegationRecord, IanaDesignation, RegistryLookup, Rir, Transfer } from '../models/registry.js';
import { regionOf } from '../registry/regions.js';
import type { Classifier } from './classifier.js';
import { rirName } from './policy.js';
import { hasAsnForm, MAX_ASN, parseAsn } from '../../common/asn.js';

export type Target = { kind: 'ip' | 'prefix'; prefix: string } | { kind: 'asn'; asn: number };

export interface LookupRecord {
  rir: Rir;
  cc: string;
  type: string;
  start: string;
  value: number;
  date: string | null;
  status: string;
  opaqueId: string | null;
  /** The record's CIDR overlapping the target (null for ASNs). */
  cidr: string | null;
  /** Share of the target's addresses it covers (1 for an ASN). */
  share: number;
}

export interface LookupResult {
  target: string;
  type: 'ip' | 'prefix' | 'asn';
  /** The prefix looked up (an IP as a host prefix), or `AS<n>`. */
  resource: string;
  /** Registering RIR as the files spell it; null when unregistered, mixed or partial. */
  rir: Rir | null;
  cc: string | null;
  status: string | null;
  holderId: string | null;
  coverage: 'full' | 'partial' | 'none';
  records: LookupRecord[];
  /** Free-space rows (available/reserved) overlapping the target. */
  free: LookupRecord[];
  conflicts: LookupRecord[];
  iana: IanaDesignation | null;
  legacy: boolean;
  transfers: Transfer[];
  /** Country → share of the target's addresses ('ZZ' = not geolocated); null for ASNs. */
  geo: Record<string, number> | null;
  /** Usage region for prefixes (where most located addresses are); the holder's region for ASNs. */
  region: Rir | null;
  shareAbroad: number | null;
  kinds: MismatchKind[];
  geoSubkind: GeoSubkind | null;
  severity: Severity;
  /** Trust anchors of the ROAs covering the prefix; present only with RPKI data (`--rpki`). */
  rpkiTas?: string[];
  /** With several `--geo` databases: each one's answer side by side, their agreement and confidence. */
  geoDatabases?: Array<{ db: string; echo: boolean; mainCountry: string | null; region: Rir | null; located: number }>;
  geoAgreement?: number;
  geoConfidence?: GeoConfidence | null;
  why: string;
}

export class TargetError extends Error {}

/** Parses `1.2.3.4`, `1.2.3.0/24`, `2001:db8::/32`, `AS123`, `as123` or `123`. */
export function parseTarget(text: string): Target {
  const t = text.trim();
  if (hasAsnForm(t)) {
    const asn = parseAsn(t);
    if (asn === null) throw new TargetError(`${JSON.stringify(text)}: AS number out of range (0..${MAX_ASN})`);
    return { kind: 'asn', asn };
  }
  if (!t.includes('/')) {
    const ip = parseIp(t);
    if (ip) return { kind: 'ip', prefix: formatPrefix({ family: ip.family, start: ip.value, length: ip.family === 4 ? 32 : 128 }) };
    throw new TargetError(`${JSON.stringify(text)}: not an IP address, prefix (address/length) or AS number`);
  }
  const strict = parsePrefix(t);
  if (strict) return { kind: 'prefix', prefix: formatPrefix(strict) };
  const loose = parsePrefix(t, true);
  if (loose) throw new TargetError(`${JSON.stringify(text)}: host bits set; did you mean ${formatPrefix(loose)}?`);
  throw new TargetError(`${JSON.stringify(text)}: not an IP address, prefix (address/length) or AS number`);
}

const recordOf = (r: DelegationRecord, cidr: string | null, share: number): LookupRecord => ({
  rir: r.rir,
  cc: r.cc,
  type: r.type,
  start: r.start,
  value: r.value,
  date: r.date,
  status: r.status,
  opaqueId: r.opaqueId,
  cidr,
  share,
});

export function describeTarget(text: string, classifier: Classifier, registry: RegistryLookup): LookupResult {
  const target = parseTarget(text);
  return target.kind === 'asn' ? describeAsn(text, target.asn, registry) : describePrefixTarget(text, target.kind, target.prefix, classifier);
}

function describePrefixTarget(text: string, type: 'ip' | 'prefix', prefix: string, classifier: Classifier): LookupResult {
  const finding = classifier.describePrefix(prefix);
  const { ctx } = classifier.context(prefix);
  const reg = ctx.registration;
  const main = ctx.main;
  return {
    target: text,
    type,
    resource: finding.prefix,
    rir: finding.prefixRir,
    cc: finding.registeredCc,
    status: finding.prefixRir && main ? main.record.status : null,
    holderId: finding.holderId,
    coverage: reg.coverage,
    records: reg.records.map((r) => recordOf(r.record, r.cidr, r.share)),
    free: reg.free.map((r) => recordOf(r.record, r.cidr, r.share)),
    conflicts: reg.conflicts.map((r) => recordOf(r.record, r.cidr, r.share)),
    iana: reg.iana,
    legacy: finding.legacy,
    transfers: reg.transfers,
    geo: Object.fromEntries(finding.geo.map((c) => [c.cc, c.share])),
    region: finding.usageRegion,
    shareAbroad: finding.prefixRir ? finding.shareAbroad : null,
    kinds: finding.kinds,
    geoSubkind: finding.geoSubkind,
    severity: finding.severity,
    ...(classifier.hasRpki ? { rpkiTas: finding.rpkiTas ?? [] } : {}),
    ...geoSideBySide(classifier, finding.prefix),
    why: finding.why,
  };
}

function geoSideBySide(classifier: Classifier, prefix: string): Pick<LookupResult, 'geoDatabases' | 'geoAgreement' | 'geoConfidence'> {
  const c = classifier.geoOpinions(prefix);
  if (!c) return {};
  return {
    geoDatabases: c.opinions.map((o) => ({ db: o.db, echo: o.echo, mainCountry: o.mainCountry, region: o.region, located: o.located })),
    geoAgreement: c.agreement,
    geoConfidence: c.confidence,
  };
}

function describeAsn(text: string, asn: number, registry: RegistryLookup): LookupResult {
  const reg = registry.asn(asn);
  const rec = reg.record;
  const kinds: MismatchKind[] = [];
  const holderRegion = rec?.cc ? regionOf(rec.cc) : null;
  if (reg.rir && holderRegion && holderRegion !== reg.rir) kinds.push('registered-out-of-region');
  if (reg.transfers.length) kinds.push('transferred');
  if (!rec) kinds.push('unregistered');
  let why: string;
  if (reg.rir && rec) {
    why = `AS${asn} is registered with ${rirName(reg.rir)}`;
    why += rec.cc ? ` to a holder in ${rec.cc}` : ' (no holder country given)';
    if (holderRegion && holderRegion !== reg.rir) why += ` (${rirName(holderRegion)} region)`;
    if (rec.date) why += ` since ${rec.date.slice(0, 4)}-${rec.date.slice(4, 6)}-${rec.date.slice(6, 8)}`;
  } else {
    why = `AS${asn} is not delegated by any RIR`;
    if (reg.iana) why += ` (IANA: ${reg.iana.designation || reg.iana.status}, ${reg.iana.status})`;
  }
  const t = reg.transfers[reg.transfers.length - 1];
  if (t) why += `; transferred from ${rirName(t.fromRir)} to ${rirName(t.toRir)} on ${t.date}`;
  return {
    target: text,
    type: 'asn',
    resource: `AS${asn}`,
    rir: reg.rir,
    cc: rec?.cc || null,
    status: rec?.status ?? null,
    holderId: rec?.opaqueId ?? null,
    coverage: rec ? 'full' : 'none',
    records: rec ? [recordOf(rec, null, 1)] : [],
    free: [],
    conflicts: [],
    iana: reg.iana,
    legacy: false,
    transfers: reg.transfers,
    geo: null,
    region: holderRegion,
    shareAbroad: null,
    kinds,
    geoSubkind: null,
    severity: kinds.includes('registered-out-of-region') ? 'low' : kinds.length ? 'info' : 'none',
    why: `${why}.`,
  };
}
