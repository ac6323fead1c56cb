/**
 * `portolan ingest` end to end on real data: a RIS updates file, the RIR files of the same era
 * and the bundled geolocation database, into a real chDB store.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRegistry, type RegistryIndex } from '../../analyzer/registry/index.js';
import { tableDef } from '../../analyzer/store/schema.js';
import { readMrtElems } from '../../collector/mrt/index.js';
import { projectRoot } from '../../common/paths.js';
import { runCli } from '../helpers/cli.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../helpers/shared-data.js';
import { makeTmpDir } from '../helpers/tmp.js';

const dir = makeTmpDir('ingest-cli');
const rirDir = join(dir, 'rir');
const UPDATES = sharedData('mrt', 'bgpdump-testdata', 'updates.20160811.1600.gz');

/** The most complete era set: AFRINIC/APNIC/LACNIC/RIPE NCC of 2014 with ARIN of 2013, plus IANA. */
function linkRegistry(): void {
  mkdirSync(rirDir, { recursive: true });
  for (const rir of ['afrinic', 'apnic', 'lacnic', 'ripencc']) {
    symlinkSync(sharedData('rir', '2014-07-01', `delegated-${rir}-latest.gz`), join(rirDir, `delegated-${rir}-latest.gz`));
  }
  symlinkSync(sharedData('rir', '2013-08-13', 'delegated-arin-latest.gz'), join(rirDir, 'delegated-arin-latest.gz'));
  for (const f of ['ipv4-address-space.csv', 'ipv6-unicast-address-assignments.csv']) symlinkSync(sharedData('iana', f), join(rirDir, f));
}

const common = (db: string) => ['--rir-dir', rirDir, '--db', db, '--log-level', 'warn'];

async function summary(db: string): Promise<Record<string, number>> {
  const r = await runCli(['query', '--name', 'summary', '--format', 'json', '--db', db]);
  expect(r.code, r.stderr).toBe(0);
  const row = JSON.parse(r.stdout.trim().split('\n')[0]) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
}

async function ingestJson(db: string, files: string[], extra: string[] = []) {
  const r = await runCli(['ingest', '--json', ...common(db), ...extra, ...files]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    elements: number;
    announcements: number;
    withdrawals: number;
    findingsByKind: Record<string, number>;
    files: Array<{ status: string }>;
    stored: number;
  };
}

/** origin-out-of-region computed independently: parser elements + registry, no classifier. */
async function expectedOriginOutOfRegion(registry: RegistryIndex, file: string): Promise<number> {
  let n = 0;
  for await (const e of readMrtElems(file)) {
    if (e.elem_type !== 'announce' || !e.origin_asns?.length) continue;
    const prefixRir = registry.prefix(e.prefix).rir;
    const originRirs = new Set(e.origin_asns.map((a) => registry.asn(a).rir));
    const [originRir] = [...originRirs];
    if (prefixRir && originRirs.size === 1 && originRir && originRir !== prefixRir) n++;
  }
  return n;
}

describe.skipIf(!hasSharedData)(`portolan ingest on real files (${sharedDataSkipReason})`, { timeout: 300_000 }, () => {
  const RRC06 = sharedData('mrt', 'bgpstream-testdata', 'ris.rrc06.updates.1427846400.gz');
  beforeAll(() => linkRegistry());

  it('stores every element, counts origin-out-of-region as an independent computation does, and never double-counts', async () => {
    const db = join(dir, 'db-once');
    const first = await ingestJson(db, [UPDATES]);
    let elements = 0;
    for await (const _ of readMrtElems(UPDATES)) elements++;
    expect(first.elements).toBe(elements);
    const registry = await loadRegistry({ rirDir });
    expect(first.findingsByKind['origin-out-of-region']).toBe(await expectedOriginOutOfRegion(registry, UPDATES));
    expect(first.findingsByKind['origin-out-of-region']).toBeGreaterThan(0);

    const before = await summary(db);
    expect(before.announcements + before.withdrawals).toBeGreaterThan(0);
    expect(before.announcements + before.withdrawals).toBeLessThanOrEqual(elements);

    // lookup's routing view: a prefix stored with a foreign origin says so, with that origin.
    const q = await runCli(['query', "SELECT prefix, origin_asn FROM route_events WHERE has(kinds, 'origin-out-of-region') ORDER BY prefix LIMIT 1", '--format', 'json', '--db', db]);
    const sample = JSON.parse(q.stdout) as { prefix: string; origin_asn: number };
    const lookup = await runCli(['lookup', '--json', '--routing', '--rir-dir', rirDir, '--db', db, sample.prefix]);
    expect(lookup.code, lookup.stderr).toBe(0);
    const view = JSON.parse(lookup.stdout) as { kinds: string[]; routing: { origins: Array<{ asn: number; announcements: number }> }; why: string };
    expect(view.kinds).toContain('origin-out-of-region');
    expect(view.routing.origins.map((o) => o.asn)).toContain(Number(sample.origin_asn));
    expect(view.why).toContain(`AS${sample.origin_asn}`);

    // The same file again: skipped by the ledger; with --force: processed, deduplicated in the store.
    const again = await ingestJson(db, [UPDATES]);
    expect(again.files[0].status).toMatch(/skipped/);
    await ingestJson(db, [UPDATES], ['--force']);
    expect(await summary(db)).toEqual(before);
  });

  it('an ingest stopped by SIGTERM loses nothing: the rerun completes it to the same store contents', async () => {
    // The updates file five times over (gzip members): a stop 700 ms into reading lands inside
    // it on a fast machine too, where the file alone can be stored by then.
    const long = join(dir, 'updates-five-times.gz');
    writeFileSync(long, Buffer.concat(Array<Buffer>(5).fill(readFileSync(UPDATES))));
    const clean = join(dir, 'db-clean');
    await ingestJson(clean, [long]);
    const expected = await summary(clean);

    const db = join(dir, 'db-interrupted');
    const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot(), 'cli', 'main.ts'), 'ingest', ...common(db).slice(0, -1), 'info', long], {
      cwd: projectRoot(),
      env: { ...process.env, PORTOLAN_LOG_FORMAT: 'json' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      // Stop it a moment after it starts reading the file.
      if (d.includes('"msg":"ingesting"')) setTimeout(() => child.kill('SIGTERM'), 700);
    });
    const code = await exited;
    expect([0, 130]).toContain(code);
    expect(stderr).toContain('"msg":"shutdown complete"');

    // A stop that came after the file's rows were stored, before the process ended, still exits 130.
    const completed = stderr.includes('"msg":"file ingested; its rows stored"');
    if (!completed) expect(code).toBe(130);
    const rerun = await ingestJson(db, [long]);
    expect(rerun.files[0].status).toBe(completed ? 'skipped (already ingested)' : 'ingested');
    expect(await summary(db)).toEqual(expected);
  });

  it('a RIB stored as snapshots (the default) reads as its entries stored as route events (--rib-rows events)', async () => {
    const RIB = sharedData('mrt', 'pyasn-data', 'rib.20140523.0600_firstMB.bz2');
    const dump = (db: string) => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot(), 'test', 'helpers', 'store-dump.ts'), db], { cwd: projectRoot(), encoding: 'utf8', maxBuffer: 1 << 30 });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as Record<string, string>;
    };
    const snapshots = join(dir, 'db-rib-snapshots');
    const events = join(dir, 'db-rib-events');
    const a = await ingestJson(snapshots, [RIB]);
    const b = await ingestJson(events, [RIB], ['--rib-rows', 'events']);
    expect(a.elements).toBe(270_005);
    const counts = (s: typeof a) => [s.elements, s.announcements, s.withdrawals, s.findingsByKind, (s as unknown as { lifecycle: unknown }).lifecycle];
    expect(counts(a)).toEqual(counts(b));
    // 270,005 entries of 35 peers: about one row per prefix and origin instead of one per entry.
    expect(a.stored).toBeLessThan(b.stored / 10);
    const [x, y] = [dump(snapshots), dump(events)];
    expect(x.routeEvents.split('\n')).toHaveLength(270_005 + 1);
    for (const key of Object.keys(y)) expect(x[key], key).toBe(y[key]);
    // prefix_latest keeps, of a prefix's announcements at its latest time (a dump's entries all
    // share it), the one the most peers carried: its origin, kinds (which the summary's per-kind
    // prefix counts read) and severity, checked against the stored route events in JS.
    const col = (table: string, name: string) => tableDef(table).columns.filter((c) => c.name !== 'stored_at').findIndex((c) => c.name === name);
    const KEPT = ['origin_asn', 'kinds', 'severity'];
    const [TIME, PREFIX, TYPE, CLASSIFIED, VISIBILITY] = ['time', 'prefix', 'elem_type', 'classified', 'visibility'].map((n) => col('route_events', n));
    const kept = (r: string[], table: string) => KEPT.map((n) => r[col(table, n)]).join(' ');
    const best = new Map<string, { time: string; visibility: number; candidates: Set<string> }>();
    for (const r of x.routeEvents.trimEnd().split('\n').map((line) => line.split('\t'))) {
      if (r[TYPE] !== 'announce' || r[CLASSIFIED] !== 'true') continue;
      const [time, visibility, b] = [r[TIME], Number(r[VISIBILITY]), best.get(r[PREFIX])];
      if (!b || time > b.time || (time === b.time && visibility > b.visibility)) best.set(r[PREFIX], { time, visibility, candidates: new Set([kept(r, 'route_events')]) });
      else if (time === b.time && visibility === b.visibility) b.candidates.add(kept(r, 'route_events'));
    }
    const latest = x.prefix_latest.trimEnd().split('\n').map((line) => line.split('\t'));
    expect(latest).toHaveLength(best.size);
    for (const r of latest) {
      const b = best.get(r[col('prefix_latest', 'prefix')])!;
      expect(r[col('prefix_latest', 'last_time')]).toBe(b.time);
      expect([...b.candidates], r.join(' ')).toContain(kept(r, 'prefix_latest'));
    }
    // Ties (several origins carried by as many peers) are rare: almost every prefix has one answer.
    expect([...best.values()].filter((b) => b.candidates.size > 1).length).toBeLessThan(best.size / 100);
    // One row per (collector, time, prefix, origins, classification), wherever the ledger's
    // checkpoint (every 200,000 entries) fell: it used to close the rows of the prefix being read
    // and store the rest of its routes in a second row (8.14.70.0/24 in this file).
    const rowKey = tableDef('rib_snapshots').columns.map((c) => c.name).filter((n) => n !== 'event_id' && n !== 'stored_at' && !n.startsWith('route_'));
    const split = await runCli(['query', `SELECT count() AS n FROM (SELECT ${rowKey.join(', ')} FROM rib_snapshots FINAL GROUP BY ${rowKey.join(', ')} HAVING count() > 1)`, '--format', 'json', '--db', snapshots]);
    expect(split.code, split.stderr).toBe(0);
    expect(JSON.parse(split.stdout.trim())).toEqual({ n: 0 });
  });

  it('collectors sharded by file list, even overlapping, fill the store exactly as one collector does', async () => {
    const one = join(dir, 'db-one');
    await ingestJson(one, [RRC06, UPDATES]);
    const sharded = join(dir, 'db-sharded');
    await ingestJson(sharded, [RRC06]);
    await ingestJson(sharded, [UPDATES, RRC06], ['--force']);
    expect(await summary(sharded)).toEqual(await summary(one));
  });
});
