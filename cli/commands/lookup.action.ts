/**
 * `portolan lookup TARGET…`: registry record(s), IANA designation, geo distribution, region and
 * the routing-independent kinds with a why, for IPs, prefixes and AS numbers. `-` streams targets
 * from stdin (one per line); output is flushed in chunks with backpressure, so a million targets
 * run at a steady pace. A bad target is reported and skipped; the exit code says so at the end.
 */
import { createInterface } from 'node:readline';
import { createClassifier, type Classifier } from '../../analyzer/classify/index.js';
import type { RovState } from '../../analyzer/models/rpki.js';
import { loadVrps, vrpSources } from '../../analyzer/rpki/index.js';
import { describeTarget, TargetError, type LookupResult } from '../../analyzer/classify/describe.js';
import { rirName } from '../../analyzer/classify/policy.js';
import { openGeoSet } from '../../analyzer/geo/index.js';
import type { PrefixRegistration, Rir } from '../../analyzer/models/registry.js';
import { loadPreparedRegistry } from '../../analyzer/registry/prepared.js';
import { resolveAsNames, type AsNameLookup } from '../../analyzer/asnames/index.js';
import { openStore, type Store } from '../../analyzer/store/index.js';
import { onShutdown } from '../../common/shutdown.js';
import type { CommonOptions } from '../../common/config.js';
import { log } from '../../common/log.js';
import { action } from '../action.js';
import { UsageError } from '../errors.js';
import { storeTarget } from '../store-target.js';

interface LookupOptions extends Pick<CommonOptions, 'rirDir' | 'ianaDir' | 'cacheDir' | 'geo' | 'db' | 'clickhouse' | 'clickhouseCluster' | 'rawTtlDays' | 'asNames' | 'rpki'> {
  json?: boolean;
  routing?: boolean;
}

/** The routing view of a prefix from the store: who originated it, when. */
interface RoutingOrigin {
  asn: number;
  /** The AS's name from the AS-name list (--as-names), when loaded and listed. */
  origin_name?: string | null;
  firstSeen: string;
  lastSeen: string;
  announcements: number;
  kinds: string[];
  /** RPKI route-origin state of (prefix, this origin) against `--rpki`; absent without. */
  rov?: RovState;
}
/**
 * How a prefix whose records come from several RIRs still has one registering RIR: the most
 * specific record holding each address registers it (an ERX carve-out inside another RIR's
 * legacy block), and between records of identical extent IANA's designee (else the
 * alphabetically first RIR) wins. The records stay listed as conflicts.
 */
interface Registering {
  rir: Rir;
  /** The registering RIR's records holding the prefix. */
  records: string[];
  /** Other RIRs' records around them (the carve-out lies inside these). */
  inside: Array<{ rir: Rir; cidr: string }>;
  /** Other RIRs' records of identical extent (the same space in two files), which lost the tie. */
  sameSpace: Array<{ rir: Rir; cidr: string }>;
  /** e.g. "registered with APNIC (146.88.32.0/19, most specific; inside ARIN 146.88.0.0/16)" */
  text: string;
}
type LookupOutput = LookupResult & { registering?: Registering; routing?: { origins: RoutingOrigin[] }; as_name?: string | null; as_cc?: string | null };

const FLUSH_BYTES = 64 * 1024;
const LOOKUP_CACHE = 10_000;


export const lookup = action(runLookup);

async function runLookup(targets: string[], opts: LookupOptions): Promise<void> {
  if (targets.filter((t) => t === '-').length > 1) throw new UsageError('give - (stdin) at most once');
  const [{ registry }, { primary: geo, sources: geoSources }, rpki] = await Promise.all([
    loadPreparedRegistry({ rirDir: opts.rirDir, ianaDir: opts.ianaDir, cacheDir: opts.cacheDir }),
    openGeoSet(opts.geo),
    opts.rpki ? loadVrps(vrpSources(opts.rpki)) : null,
  ]);
  // A small cache: batch targets are mostly distinct, and keeping 200,000 prefix contexts (the
  // classifier's default, sized for a BGP stream) only costs memory and collector time here.
  const classifier = createClassifier({ registry, geo, geoSources, rpki, cacheSize: LOOKUP_CACHE });
  const names = resolveAsNames({ asNames: opts.asNames, cacheDir: opts.cacheDir });
  const store = opts.routing ? await openStore(storeTarget(opts)) : null;
  if (store) onShutdown('store', () => store.close());
  const out = new ChunkedWriter();
  let bad = 0;
  let total = 0;

  const handle = async (target: string, line?: number): Promise<void> => {
    total++;
    let result: LookupOutput;
    try {
      result = describeTarget(target, classifier, registry);
      if (result.type !== 'asn') result = withRegistering(result, classifier.context(result.resource).ctx.registration);
      if (store && result.type !== 'asn') result = await withRouting(result, store, names, classifier);
      if (names && result.type === 'asn') result = withAsName(result, names);
    } catch (err) {
      if (!(err instanceof TargetError)) throw err;
      bad++;
      process.stderr.write(`portolan lookup: ${line !== undefined ? `stdin line ${line}: ` : ''}${err.message}\n`);
      if (opts.json) await out.write(`${JSON.stringify({ target, error: err.message })}\n`);
      return;
    }
    await out.write(opts.json ? `${JSON.stringify(result)}\n` : formatHuman(result));
  };

  for (const target of targets) {
    if (target !== '-') {
      await handle(target);
      continue;
    }
    let line = 0;
    for await (const text of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
      line++;
      const t = text.trim();
      if (t === '' || t.startsWith('#')) continue;
      await handle(t, line);
    }
  }
  await out.flush();
  await store?.close();
  if (bad) {
    log.debug({ bad, total }, 'lookup finished with bad targets');
    process.stderr.write(`portolan lookup: ${bad} of ${total} targets could not be parsed\n`);
    process.exitCode = 1;
  }
}

const MAX_LISTED = 3;
const listed = (items: string[]): string => (items.length > MAX_LISTED ? `${items.slice(0, MAX_LISTED).join(', ')} and ${items.length - MAX_LISTED} more` : items.join(', '));

/**
 * A mixed registration that nesting resolves to one RIR: names that RIR (as `rir`, when the
 * classifier gave none) and says how (`registering`), next to the conflicts already listed.
 */
export function withRegistering(result: LookupOutput, reg: PrefixRegistration): LookupOutput {
  const rir = reg.rir;
  if (!reg.mixed || !rir) return result;
  const own = reg.records.filter((o) => o.record.rir === rir).map((o) => o.cidr);
  const ownSet = new Set(own);
  const inside: Registering['inside'] = [];
  const sameSpace: Registering['sameSpace'] = [];
  for (const o of reg.records) {
    if (o.record.rir === rir) continue;
    (ownSet.has(o.cidr) ? sameSpace : inside).push({ rir: o.record.rir, cidr: o.cidr });
  }
  let head = listed(own);
  if (inside.length) head += ', most specific';
  if (sameSpace.length) head += reg.iana?.rir === rir ? ", IANA's designee" : ', first RIR alphabetically';
  const parts = [head];
  if (inside.length) parts.push(`inside ${listed(inside.map((o) => `${rirName(o.rir)} ${o.cidr}`))}`);
  if (sameSpace.length) {
    const others = [...new Set(sameSpace.map((o) => rirName(o.rir)))];
    parts.push(`${listed(others)} ${others.length > 1 ? 'list' : 'lists'} the same space`);
  }
  const text = `registered with ${rirName(rir)} (${parts.join('; ')})`;
  return { ...result, rir: result.rir ?? rir, registering: { rir, records: own, inside, sameSpace, text } };
}

/** An AS target's name and country from the AS-name list (`as_name`/`as_cc`, null when not listed). */
function withAsName(result: LookupOutput, names: AsNameLookup): LookupOutput {
  const n = names.get(Number(result.resource.replace(/^AS/i, '')));
  return { ...result, as_name: n?.name ?? null, as_cc: n?.cc ?? null };
}

const named = (asn: number, name: string | null | undefined): string => (name ? `AS${asn} ${name}` : `AS${asn}`);

/** Adds what BGP showed for the prefix; an origin registered with another RIR adds origin-out-of-region. */
async function withRouting(result: LookupResult, store: Store, names: AsNameLookup | null, classifier: Classifier): Promise<LookupOutput> {
  const { rows } = await store.namedQuery('origins', { prefix: result.resource });
  const origins: RoutingOrigin[] = rows.map((r) => ({
    asn: Number(r.origin_asn),
    firstSeen: String(r.first_seen),
    lastSeen: String(r.last_seen),
    announcements: Number(r.announcements),
    kinds: r.kinds as string[],
    ...(names ? { origin_name: names.get(Number(r.origin_asn))?.name ?? null } : {}),
    ...(classifier.hasRpki ? { rov: classifier.rov(result.resource, Number(r.origin_asn))! } : {}),
  }));
  const foreign = origins.filter((o) => o.kinds.includes('origin-out-of-region'));
  if (!origins.length) return { ...result, routing: { origins }, why: `${result.why} Not seen in the stored BGP data.` };
  const seen = origins.map((o) => `${named(o.asn, o.origin_name)} (${o.firstSeen} to ${o.lastSeen})`).join(', ');
  return {
    ...result,
    kinds: foreign.length && !result.kinds.includes('origin-out-of-region') ? [...result.kinds, 'origin-out-of-region'] : result.kinds,
    routing: { origins },
    why: `${result.why} Originated in BGP by ${seen}${foreign.length ? `; ${foreign.map((o) => `AS${o.asn}`).join(', ')} registered with another RIR than the prefix` : ''}.`,
  };
}

/** Buffers output and writes it in chunks, waiting for stdout to drain (bounded memory). */
class ChunkedWriter {
  private buf = '';

  async write(text: string): Promise<void> {
    this.buf += text;
    if (this.buf.length >= FLUSH_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.buf) return;
    const chunk = this.buf;
    this.buf = '';
    if (!process.stdout.write(chunk)) await new Promise<void>((resolve) => process.stdout.once('drain', resolve));
  }
}

const pct = (share: number): string => `${(share * 100).toFixed(share >= 0.1 ? 0 : 1)}%`;

function formatHuman(r: LookupOutput): string {
  const lines: string[] = [r.target === r.resource ? r.resource : `${r.target} (${r.resource})`];
  const row = (label: string, text: string) => lines.push(`  ${label.padEnd(10)} ${text}`);
  if (r.records.length === 0) row('registry', `not delegated (${r.coverage === 'none' ? 'no allocated/assigned record' : r.coverage})`);
  for (const rec of r.records) {
    const where = r.type === 'asn' ? `AS${rec.start}${rec.value > 1 ? `+${rec.value - 1}` : ''}` : `${rec.cidr} (${pct(rec.share)})`;
    row('registry', `${rirName(rec.rir)} ${rec.status} cc ${rec.cc || '-'} ${rec.date ?? 'no date'} holder ${rec.opaqueId ?? '-'}  ${where}`);
  }
  if (r.as_name !== undefined) row('name', r.as_name ? `${r.as_name}${r.as_cc ? `, ${r.as_cc}` : ''}` : 'not in the AS-name list');
  if (r.registering) row('rir', r.registering.text);
  for (const rec of r.free) row('free', `${rirName(rec.rir)} ${rec.status} ${rec.cidr} (${pct(rec.share)})`);
  for (const rec of r.conflicts) row('conflict', `${rirName(rec.rir)} also lists ${rec.cidr} (${rec.status}, cc ${rec.cc || '-'})`);
  if (r.iana) row('IANA', `${r.iana.block} ${r.iana.designation} ${r.iana.status}${r.iana.date ? ` ${r.iana.date}` : ''}`);
  for (const t of r.transfers) row('transfer', `${t.resource} ${rirName(t.fromRir)} → ${rirName(t.toRir)} on ${t.date}`);
  if (r.geo) {
    const entries = Object.entries(r.geo);
    const shown = entries.slice(0, 8).map(([cc, s]) => `${cc} ${pct(s)}`);
    row('geo', shown.join(', ') + (entries.length > 8 ? `, … (${entries.length - 8} more)` : ''));
  }
  for (const g of r.geoDatabases ?? []) row('geo db', `${g.db}${g.echo ? ' (registry echo, not counted)' : ''}: ${g.mainCountry ?? 'not located'}${g.region ? ` (${rirName(g.region)} region)` : ''}, ${pct(g.located)} located`);
  if (r.geoDatabases) row('agreement', `${pct(r.geoAgreement ?? 0)} of the located space${r.geoConfidence ? `, ${r.geoConfidence}` : ' (fewer than two independent databases)'}`);
  row('region', r.region ? `${rirName(r.region)}${r.type === 'asn' ? ' (holder)' : ' (usage)'}` : '-');
  row('kinds', r.kinds.length ? `${r.kinds.join(', ')}${r.geoSubkind ? ` (${r.geoSubkind})` : ''}  severity ${r.severity}` : 'none');
  if (r.rpkiTas) row('rpki', r.rpkiTas.length ? `ROAs cover it under ${r.rpkiTas.join(', ')}` : 'no ROA covers it');
  for (const o of r.routing?.origins ?? []) row('origin', `${named(o.asn, o.origin_name)} first ${o.firstSeen} last ${o.lastSeen}, ${o.announcements} announcements${o.kinds.length ? `, ${o.kinds.join(', ')}` : ''}${o.rov ? `, RPKI ${o.rov}` : ''}`);
  row('why', r.why);
  return `${lines.join('\n')}\n\n`;
}
