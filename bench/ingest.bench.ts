/**
 * `portolan ingest` end to end as users run it (the CLI: start-up, registry and geo, parse,
 * classify, state, chDB with its views) against `bgpdump -m` on the same file, in the same run
 * (issue 13), each run into a copy of a store migrated beforehand, as in a backfill:
 *   - the 2002 RIB: the aim is at most 3× bgpdump's wall time; also into a new store with the
 *     registry read from its files, a first ingest (the store's creation, the registry parsed,
 *     indexed and prepared), and with --rib-rows events (each entry a route event, as before RIB
 *     snapshots);
 *   - the first MB of a 2014 RouteViews RIB (270,005 entries from 35 peers, bzip2): a table with
 *     many peers per prefix, the shape of a real RIB, as a snapshot and with --rib-rows events;
 *   - the 2016 updates file: a short file, where the fixed costs show;
 *   - an update stream of 587,815 elements: the size of the file the memory aim (at most 500 MB
 *     of peak RSS for a 577,740-element file) was set on, which shared data lacks. Built here
 *     from the five RIS updates files of shared data (1999, 2007, 2010 twice, 2016), their gzip
 *     members concatenated (one .gz file to readers) until the count is reached: 219,580
 *     elements twice, then 148,655 more. Its repeats do not grow the routing state;
 *   - the RIB and the 2016 file in one ingest; and the same with `--jobs` = the cores here,
 *     against `--jobs 1` in the same run;
 *   - the RIB, then the 2016 file cut at record boundaries into 50 files, as a backfill of
 *     5-minute updates files reads them: what each file costs beyond its elements (the ledger,
 *     the saved routing state, each table's last batch); and the 2016 file in 1,000 files (about
 *     17 records each) given as a --files-from list, where that cost is nearly all there is,
 *     with one job and with `--jobs`;
 *   - the 2002 RIB and the update stream into a ClickHouse server: a stand-in process on
 *     127.0.0.1 (no modern server runs here) that answers as a migrated store (its
 *     schema_migrations rows), no rows to other reads, and drops what it is sent, so these
 *     measure the ingest process alone, without the engine, which a server runs elsewhere on
 *     its own cores and memory; the stream also with `--jobs` = the cores here, and three times
 *     over (1,763,445 elements) with one job and with `--jobs`, where each job's start and
 *     whole-file read weigh less;
 *   - the same RIB and 50 files as a backfill kept up to date: the RIB, then `ingest --continue`
 *     runs of 5 files each (a new process each, taking back the state the last one saved), against
 *     one ingest of them all.
 * Each case also reports the ingest's own rate (`elementsPerSecond` of its --json summary: the
 * elements over the time spent reading them, start-up and the last inserts left out), where its
 * CPU went by thread (bench/thread-cpu.ts: the main thread's JavaScript, the embedded engine's
 * inserts, views and merges, Node's other threads), and its CPU floor: its CPU time spread over
 * every core of this machine, against bgpdump's wall time, the least ratio that CPU allows here
 * (what bounds a ratio is then the CPU it takes, not how it is spread over the cores).
 * Every other case reads the registry as an earlier command prepared it (`<cache-dir>/prepared/`),
 * as every ingest after the first on the same registry files does.
 * BENCH_INGEST_RUNS=N runs each N times (default 3); the summary gives min, median and max.
 * BENCH_INGEST_CASES=text,text runs only the cases whose names hold one of them.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS, migrationChecksum } from '../analyzer/store/migrations.js';
import { hasSharedData, sharedData } from '../test/helpers/shared-data.js';
import { portolanCli, timedBgpdump, timedRun, timedRunByThread } from './cli.js';
import { mrtRecords } from './mrt-records.js';
import { report, spread } from './report.js';

if (!hasSharedData) {
  process.stdout.write('ingest.bench: shared data not found, skipped\n');
  process.exit(0);
}

const RIB = sharedData('mrt', 'bgpdump-testdata', 'bview.20020722.2337.gz');
const PEERS_RIB = sharedData('mrt', 'pyasn-data', 'rib.20140523.0600_firstMB.bz2');
const UPDATES = sharedData('mrt', 'bgpdump-testdata', 'updates.20160811.1600.gz');
/** The RIS updates files the stream is made of, in its order: 41,212 + 53,657 + 53,786 + 65,311 + 5,614 elements. */
const STREAM_PARTS = [
  UPDATES,
  sharedData('mrt', 'bgpdump-testdata', 'updates.20070211.0141.gz'),
  sharedData('mrt', 'bgpkit-fixtures', 'rrc15', '2010.02', 'updates.20100227.1600.gz'),
  sharedData('mrt', 'bgpkit-fixtures', 'rrc00', '1999.09', 'updates.19990903.1041.gz'),
  sharedData('mrt', 'bgpdump-testdata', 'updates.20100722.2015.gz'),
];
const dir = mkdtempSync(join(tmpdir(), 'ingest-bench-'));
const STREAM = join(dir, 'updates-stream.gz');
writeFileSync(STREAM, Buffer.concat([...STREAM_PARTS, ...STREAM_PARTS, ...STREAM_PARTS.slice(0, 3)].map((f) => readFileSync(f))));
/** The stream three times over (1,763,445 elements): long enough that each job's start and whole-file read are spread. */
const LONG_STREAM = join(dir, 'updates-stream-x3.gz');
writeFileSync(LONG_STREAM, Buffer.concat(Array(3).fill(readFileSync(STREAM))));
/** A gzip file's MRT records in `n` gzip files of as many records each. */
function cutIntoFiles(file: string, n: number, name: string): string[] {
  const records = mrtRecords(gunzipSync(readFileSync(file)));
  const per = Math.ceil(records.length / n);
  return Array.from({ length: n }, (_, i) => {
    const piece = join(dir, `${name}-${String(i).padStart(4, '0')}.gz`);
    writeFileSync(piece, gzipSync(Buffer.concat(records.slice(i * per, (i + 1) * per))));
    return piece;
  });
}
const PIECES = cutIntoFiles(UPDATES, 50, 'updates-piece');
const SMALL_PIECES = join(dir, 'small-pieces.txt');
writeFileSync(SMALL_PIECES, cutIntoFiles(UPDATES, 1000, 'updates-small-piece').join('\n'));
const REGISTRY_2013 = ['--rir-dir', sharedData('rir', '2013-08-13')];
const REGISTRY_2014 = ['--rir-dir', sharedData('rir', '2014-07-01')];
const JOBS = Math.max(2, availableParallelism());
/** The stand-in server: every migration recorded, no rows to any other read, every insert dropped. */
const MIGRATED = MIGRATIONS.map((m) => `${JSON.stringify({ version: m.version, checksum: migrationChecksum(m.statements({})) })}\n`).join('');
const STAND_IN = `const s = require('node:http').createServer((q, r) => {
  let sql = new URL(q.url, 'http://x').searchParams.get('query') ?? '';
  q.on('data', (c) => { if (sql.length < 200) sql += c; }).on('end', () =>
    r.writeHead(200, { 'X-ClickHouse-Summary': '{}' }).end(/FROM schema_migrations/.test(sql) ? process.env.MIGRATED : ''));
});
s.listen(0, '127.0.0.1', () => console.log(s.address().port));`;
const server = spawn(process.execPath, ['-e', STAND_IN], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, MIGRATED } });
const serverUrl = await new Promise<string>((resolve) => server.stdout.once('data', (port: Buffer) => resolve(`http://127.0.0.1:${String(port).trim()}/portolan`)));
// Stopped when the bench ends, a failed one too, which it would otherwise outlive, listening.
server.stdout.destroy();
server.unref();
process.on('exit', () => server.kill());
type Case = { name: string; files: string[]; list?: string; store: 'new' | 'migrated' | 'server'; extra: string[] };
/** What a case with `--jobs` = the cores adds to its name: `<case>, --jobs N` is compared with `<case>`. */
const WITH_JOBS = `, --jobs ${JOBS}`;
/** The case, then the same with `--jobs` = the cores here. */
const andWithJobs = (c: Case): Case[] => [c, { ...c, name: `${c.name}${WITH_JOBS}`, extra: [...c.extra, '--jobs', String(JOBS)] }];
const allCases: Case[] = [
  { name: '2002 RIB, new store, registry from its files', files: [RIB], store: 'new', extra: REGISTRY_2013 },
  { name: '2002 RIB', files: [RIB], store: 'migrated', extra: REGISTRY_2013 },
  { name: '2002 RIB, --rib-rows events', files: [RIB], store: 'migrated', extra: [...REGISTRY_2013, '--rib-rows', 'events'] },
  { name: '2014 RIB sample (35 peers)', files: [PEERS_RIB], store: 'migrated', extra: REGISTRY_2014 },
  { name: '2014 RIB sample, --rib-rows events', files: [PEERS_RIB], store: 'migrated', extra: [...REGISTRY_2014, '--rib-rows', 'events'] },
  { name: '2016 updates', files: [UPDATES], store: 'migrated', extra: REGISTRY_2013 },
  { name: 'update stream (587,815 elements)', files: [STREAM], store: 'migrated', extra: REGISTRY_2013 },
  { name: '2002 RIB into a server (the ingest process alone)', files: [RIB], store: 'server', extra: REGISTRY_2013 },
  ...andWithJobs({ name: 'update stream into a server (the ingest process alone)', files: [STREAM], store: 'server', extra: REGISTRY_2013 }),
  ...andWithJobs({ name: 'the stream three times over into a server', files: [LONG_STREAM], store: 'server', extra: REGISTRY_2013 }),
  ...andWithJobs({ name: 'both files', files: [RIB, UPDATES], store: 'migrated', extra: REGISTRY_2013 }),
  { name: 'the RIB, then the 2016 updates in 50 files', files: [RIB, ...PIECES], store: 'migrated', extra: REGISTRY_2013 },
  ...andWithJobs({ name: 'the 2016 updates in 1,000 files (--files-from)', files: [], list: SMALL_PIECES, store: 'migrated', extra: REGISTRY_2013 }),
];
/** BENCH_INGEST_CASES=text,text runs only the cases whose names hold one of them (and the comparisons all of whose cases ran). */
const only = process.env.BENCH_INGEST_CASES?.split(',');
const cases = only ? allCases.filter(({ name }) => only.some((text) => name.includes(text))) : allCases;
/** Runs of `ingest --continue` after the RIB, each given the next of the 50 pieces in groups of this many (a cron job's share). */
const CONTINUE_GROUP = 5;
const cli = portolanCli();
const runs = Number(process.env.BENCH_INGEST_RUNS ?? 3);
const migrated = join(dir, 'migrated');
timedRun(process.execPath, [...cli.args, 'index', 'show', '--db', migrated]); // creates and migrates the store (and says it holds no index)
const IANA = ['--iana-dir', sharedData('iana')];
const prepared = join(dir, 'cache');
// A lookup prepares each registry, as the first ingest on its files would.
for (const registry of [REGISTRY_2013, REGISTRY_2014]) timedRun(process.execPath, [...cli.args, 'lookup', '193.0.0.0/21', ...registry, ...IANA, '--cache-dir', prepared]);

const results = new Map(cases.map(({ name }) => [name, { ratio: [] as number[], rss: [] as number[], wall: [] as number[], rate: [] as number[], floor: [] as number[], engine: [] as number[] }]));
const cores = availableParallelism();
for (let i = 0; i < runs; i++) {
  for (const { name, files: given, list, store, extra } of cases) {
    const files = list ? readFileSync(list, 'utf8').split('\n') : given;
    // bgpdump reads the files one after the other, as the ingest does.
    const theirs = files.map(timedBgpdump).reduce((a, b) => ({ ...a, wall_s: a.wall_s + b.wall_s, cpu_s: a.cpu_s + b.cpu_s }));
    const db = join(dir, `store-${i}-${name.replace(/\W+/g, '-')}`);
    if (store === 'migrated') cpSync(migrated, db, { recursive: true });
    // A new store comes with a cache folder of its own: nothing prepared yet.
    const cacheDir = store === 'new' ? `${db}.cache` : prepared;
    const inputs = list ? ['--files-from', list] : files;
    // Into a server the store's folder only names where the routing state is saved.
    const target = store === 'server' ? ['--clickhouse', serverUrl, '--db', db] : ['--db', db];
    const summary = `${db}.json`;
    const ours = await timedRunByThread(process.execPath, [...cli.args, 'ingest', ...inputs, ...target, ...extra, ...IANA, '--cache-dir', cacheDir, '--json'], summary);
    // The ingest's own rate: elements over the time it spent reading them (start-up and the last inserts left out).
    const { elementsPerSecond } = JSON.parse(readFileSync(summary, 'utf8')) as { elementsPerSecond: number };
    rmSync(summary);
    rmSync(db, { recursive: true, force: true });
    rmSync(`${db}.cache`, { recursive: true, force: true });
    rmSync(`${db}.ingest-state`, { recursive: true, force: true });
    const r = results.get(name)!;
    const ratio = ours.wall_s / theirs.wall_s;
    r.ratio.push(ratio);
    r.rss.push(ours.peak_rss_mib);
    r.wall.push(ours.wall_s);
    r.rate.push(elementsPerSecond);
    // The least wall time the ingest's CPU allows on this machine's cores, were every core busy throughout, against bgpdump's.
    const floor = ours.cpu_s / cores / theirs.wall_s;
    r.floor.push(floor);
    r.engine.push(ours.threads.engine_s / ours.cpu_s);
    const { main_s, engine_s, node_s, other_processes_s } = ours.threads;
    report(`ingest cli vs bgpdump, ${name} (run ${i + 1})`, {
      portolan_s: ours.wall_s,
      bgpdump_s: theirs.wall_s,
      ratio,
      portolan_cpu_s: ours.cpu_s,
      cpu_floor_ratio: floor,
      cpu_main_s: main_s,
      cpu_engine_s: engine_s,
      cpu_node_threads_s: node_s,
      ...(other_processes_s >= 0.05 ? { cpu_other_processes_s: other_processes_s } : {}),
      cli_peak_rss_mib: ours.peak_rss_mib,
      elements_per_s: elementsPerSecond,
      cli: cli.label,
    });
  }
}

// A backfill kept up to date (`--continue`): the RIB, then the 50 pieces CONTINUE_GROUP at a time,
// each run a new process taking back the state the last one saved; against one ingest of them all.
const oneIngest = results.get('the RIB, then the 2016 updates in 50 files');
for (let i = 0; oneIngest && i < runs; i++) {
  const db = join(dir, `store-continue-${i}`);
  cpSync(migrated, db, { recursive: true });
  const common = ['--db', db, ...REGISTRY_2013, ...IANA, '--cache-dir', prepared, '--json'];
  const first = timedRun(process.execPath, [...cli.args, 'ingest', RIB, ...common]);
  const later = [];
  for (let k = 0; k < PIECES.length; k += CONTINUE_GROUP) later.push(timedRun(process.execPath, [...cli.args, 'ingest', '--continue', ...PIECES.slice(k, k + CONTINUE_GROUP), ...common]));
  rmSync(db, { recursive: true, force: true });
  rmSync(`${db}.ingest-state`, { recursive: true, force: true });
  const wall = first.wall_s + later.reduce((a, r) => a + r.wall_s, 0);
  const once = spread(oneIngest.wall).median;
  report(`ingest --continue: the RIB, then the 50 files in ${later.length} runs (run ${i + 1})`, {
    wall_s: wall,
    vs_one_ingest: wall / once,
    per_continued_run_s: spread(later.map((r) => r.wall_s)).median,
    peak_rss_mib_max: Math.max(first.peak_rss_mib, ...later.map((r) => r.peak_rss_mib)),
  });
}
rmSync(dir, { recursive: true, force: true });

for (const [name, r] of results) {
  const ratio = spread(r.ratio);
  const rss = spread(r.rss);
  const rate = spread(r.rate);
  report(`ingest cli vs bgpdump, ${name}, ${runs} runs`, {
    ratio_min: ratio.min,
    ratio_median: ratio.median,
    ratio_max: ratio.max,
    cpu_floor_ratio_median: spread(r.floor).median,
    engine_cpu_share_median: spread(r.engine).median,
    cli_peak_rss_mib_max: rss.max,
    elements_per_s_median: rate.median,
  });
}
// --jobs against one job on the same files, run by run (a ratio below 1: the jobs are faster).
for (const [many, r] of results) {
  const single = many.slice(0, -WITH_JOBS.length);
  if (!many.endsWith(WITH_JOBS) || !results.has(single)) continue;
  const one = results.get(single)!.wall;
  const jobs = spread(r.wall.map((w, i) => w / one[i]));
  report(`ingest --jobs ${JOBS} vs --jobs 1, ${single}, ${runs} runs`, { wall_ratio_min: jobs.min, wall_ratio_median: jobs.median, wall_ratio_max: jobs.max, cores });
}
