/**
 * `portolan ingest FILE…`: backfill MRT (raw/.gz/.bz2) or RIS Live JSONL files into the store
 * through the same pipeline as `run`. A file already ingested completely is skipped (the ledger
 * knows it by content); an interrupted one is processed again from the start, which cannot
 * double-count because stored events carry deterministic ids (see the store's README section).
 * The routing state carries from one file to the next, so a rerun must start the next file
 * from the state an uninterrupted ingest had there: the state after each completed file is
 * saved (keyed by the chain of files before it), and a rerun that skips completed files takes
 * it back, or, without it, replays those files through the state (nothing stored).
 *
 * With `--jobs N` the prefixes are split into N shards, each read by a worker thread from every
 * file (cli/ingest/); this thread inserts their batches and keeps the ledger.
 */
import { createHash } from 'node:crypto';
import { newPipelineCounters, type PipelineCounters } from '../../analyzer/pipeline/pipeline.js';
import { registryFiles } from '../../analyzer/registry/index.js';
import { identifyFiles } from '../../analyzer/store/ledger.js';
import type { CommonOptions } from '../../common/config.js';
import { isUrl } from '../../common/url.js';
import { log } from '../../common/log.js';
import { onShutdown, shutdownNow } from '../../common/shutdown.js';
import { action } from '../action.js';
import { UsageError } from '../errors.js';
import { inputFiles, type FileListOptions } from '../file-list.js';
import { continueFrom, lastIngest } from '../ingest/continue.js';
import { FileRunner, type PlanHooks, type PlannedFile } from '../ingest/file-runner.js';
import { HeadTracker, type ChainFile } from '../ingest/head.js';
import { IngestJobs } from '../ingest/jobs.js';
import { WHOLE } from '../ingest/shard.js';
import { FilesProgress, fmtInt, ProgressLine } from '../progress.js';
import { loadAnalysis, openMigratedStore } from '../setup.js';

interface IngestOptions extends CommonOptions, FileListOptions {
  force?: boolean;
  continue?: boolean;
  collector?: string;
  json?: boolean;
  ribRows?: 'snapshot' | 'events';
  jobs?: string;
}

/** Elements between ledger checkpoints (each waits for a store flush). */
const CHECKPOINT_EVERY = 200_000;
/** Files begun in the ledger in one insert, ahead of their reading. */
const BEGIN_AHEAD = 64;

/** The folder of the state after the last completed file (beside the store, as `run`'s state file). */
const stateDirOf = (db: string): string => `${db}.ingest-state`;
/** The chain of files so far (their ledger keys in order): names the state after them; null once a file had no key (a URL not identified). */
const nextChain = (chain: string | null, key: string | undefined): string | null =>
  chain === null || key === undefined ? null : createHash('sha256').update(chain).update('\0').update(key).digest('hex').slice(0, 32);

interface FileLine {
  file: string;
  status: string;
  records: number;
  elements: number;
  errors: number;
  /** Why a failed file was not read to its end. */
  reason?: string;
}

export const ingest = action(ingestFiles);

/** `--jobs`: a positive integer. */
export function parseJobs(text: string | undefined): number {
  if (text === undefined) return 1;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`--jobs must be an integer from 1 to 64, got ${text}`);
  return n;
}

/**
 * The jobs to run with. A file read again must be cut into the batches it was cut into before,
 * so that the store drops what already landed (same dedup tokens): it is redone with the --jobs
 * it was stored under, whatever was asked. A URL is read with one job (every worker reads every
 * input: it would be downloaded once per worker).
 */
export function jobsFor(asked: number, redone: ReadonlyMap<number, string[]>, hasUrl: boolean): number {
  if (redone.size > 1) {
    const list = [...redone].map(([n, fs]) => `--jobs ${n}: ${fs.join(', ')}`).join('; ');
    throw new UsageError(`files stored before under different --jobs are read again (${list}): redo them in separate runs`);
  }
  const stored = redone.size ? [...redone.keys()][0] : undefined;
  if (hasUrl && (stored ?? 1) > 1) throw new UsageError(`a URL is read with one job, and ${redone.get(stored!)!.join(', ')} were stored with --jobs ${stored}: ingest the URL in a run of its own`);
  if (stored !== undefined && stored !== asked) {
    log.warn({ files: redone.get(stored), stored, asked }, `files read again are redone with the --jobs they were stored under (${stored}), so what already landed is not stored twice`);
    return stored;
  }
  if (hasUrl && asked > 1) {
    log.info({ jobs: asked }, 'an input is a URL: ingesting with one job');
    return 1;
  }
  return asked;
}

/**
 * The jobs of a run that continues from states saved by `stateJobs` shards: theirs (a shard takes
 * back its own state), unless files read again must be cut under others.
 */
export function continuedJobs(jobs: number, stateJobs: number | undefined, redone: boolean): number {
  if (stateJobs === undefined || stateJobs === jobs) return jobs;
  if (redone) throw new UsageError(`--continue: the last ingest saved its routing state under --jobs ${stateJobs}, and files read again were stored under --jobs ${jobs}: finish those in a run without --continue first`);
  log.warn({ jobs, stateJobs }, `--continue: run with the --jobs the last ingest saved its routing state under (${stateJobs})`);
  return stateJobs;
}

async function ingestFiles(args: string[], opts: IngestOptions): Promise<void> {
  const files = inputFiles(args, opts);
  // A registry folder that is missing or holds no RIR file fails here, before a store is created.
  registryFiles({ rirDir: opts.rirDir, ianaDir: opts.ianaDir, cacheDir: opts.cacheDir });
  const asked = parseJobs(opts.jobs);
  if (opts.continue && opts.force) throw new UsageError('--continue and --force cannot be combined: the routing state continued from holds the files --force would read again');
  const started = Date.now();
  const store = await openMigratedStore(opts);
  onShutdown('store', () => store.close());
  // No timed batch cuts: a rerun after a crash cuts the same batches (same dedup tokens), so
  // what already landed is dropped by the store and plain count() stays exact.
  const ribSnapshots = opts.ribRows !== 'events';
  const writer = store.createWriter({ flushIntervalMs: 0, ribSnapshots });
  const stateDir = stateDirOf(opts.db);

  // What to read: a file the ledger has as complete is skipped (its state caught up), unless --force.
  const lines: Array<FileLine | undefined> = files.map(() => undefined);
  const ids = await identifyFiles(files);
  const unidentified = files.find((_, i) => !ids[i]);
  if (opts.continue && unidentified) throw new UsageError(`--continue: ${unidentified} cannot be identified (its server answers no byte ranges), so the routing state after it could not be recorded for the next ingest: ingest it without --continue`);
  for (const [i, id] of ids.entries()) if (!id) log.warn({ url: files[i] }, 'the URL cannot be identified (its server answered no byte ranges, or did not answer): it is read untracked (a rerun reads it again, and the routing state is not saved after it)');
  const plan: PlannedFile[] = [];
  const resumed = files.map(() => false);
  /** Files read again (interrupted before, or --force), by the --jobs they were stored under. */
  const redone = new Map<number, string[]>();
  // --continue: the routing state where the last ingest ended; the files it holds are neither read nor replayed.
  const head = opts.continue ? await lastIngest(stateDir, store.ledger) : null;
  const inHead = new Map(head?.files.map((f) => [f.key, f]));
  let chain: string | null = head?.chain ?? '';
  /** The run's chain of files (head.ts): the head's, then the plan's but those the head's state holds. */
  const chainFiles: ChainFile[] = head?.files.map((f) => ({ ...f })) ?? [];
  const positionOf = new Map<number, number>();
  let firstRead: string | undefined;
  const entries = await store.ledger.entries(ids.flatMap((id) => (id ? [id.key] : [])));
  for (const [i, file] of files.entries()) {
    const previous = ids[i] ? entries.get(ids[i]!.key)! : null;
    const held = ids[i] ? inHead.get(ids[i]!.key) : undefined;
    const skip = held !== undefined || (previous?.status === 'completed' && !opts.force);
    if (opts.continue && skip && firstRead) throw new UsageError(`--continue: ${file} was ingested before, but ${firstRead}, listed before it, was not: the files continued with must come after those ingested`);
    if (!skip) firstRead ??= file;
    const inState = opts.continue && skip;
    if (!inState) {
      chain = nextChain(chain, ids[i]?.key);
      positionOf.set(i, chainFiles.length);
      chainFiles.push({ file, key: ids[i]?.key, chain, elements: skip ? previous!.elements : 0, findings: skip ? previous!.findings : 0 });
    }
    plan.push({ file, process: !skip, chain, ...(inState ? { inState } : {}), ...(ids[i] ? { size: ids[i]!.size } : {}) });
    resumed[i] = previous?.status === 'started' && !held;
    if (skip) {
      const elements = held?.elements ?? previous!.elements;
      log.info({ file, elements, at: previous?.updatedAt }, 'already ingested; skipped (use --force to redo)');
      lines[i] = { file, status: 'skipped (already ingested)', records: 0, elements, errors: 0 };
    } else if (previous) redone.set(previous.jobs, [...(redone.get(previous.jobs) ?? []), file]);
  }
  const jobs = continuedJobs(jobsFor(asked, redone, files.some(isUrl)), head?.fromState ? head.jobs : undefined, redone.size > 0);
  const continued = opts.continue ? continueFrom(head) : undefined;
  const headTracker = new HeadTracker(stateDir, jobs, chainFiles, head?.fromState ?? false);

  const progress = new ProgressLine();
  const processingStarted = Date.now();
  const filesProgress = new FilesProgress(files, processingStarted);
  for (const [i, line] of lines.entries()) if (line) filesProgress.fileSkipped(files[i]);
  let stopping = false;
  let finished = false;
  // Files are begun in the ledger ahead of their reading, BEGIN_AHEAD at a time: one insert per
  // group instead of one per file, which was most of what a backfill's small files cost. A crash
  // leaves a group's unread files `started`: a rerun reads them again, under the jobs recorded
  // (none of their rows landed, so any jobs would do).
  const begun: Array<Promise<unknown> | undefined> = files.map(() => undefined);
  const begin = (i: number): Promise<unknown> => {
    if (!begun[i]) {
      const group: number[] = [];
      for (let j = i; j < files.length && group.length < BEGIN_AHEAD; j++) if (plan[j].process && ids[j] && !begun[j]) group.push(j);
      const inserted = store.ledger.begin(group.map((j) => ids[j]!), jobs);
      for (const j of [i, ...group]) begun[j] = inserted;
    }
    return begun[i]!;
  };
  const hooks: PlanHooks = {
    async fileStarted(i) {
      log.info({ file: files[i], resumed: resumed[i] }, 'ingesting');
      await begin(i);
    },
    async filesDone(done) {
      // The head first: a crash before the ledger's insert leaves it ahead, which --continue mends.
      const complete = done.filter(({ result: r }) => !r.interrupted);
      for (const { index, result: r } of complete) headTracker.count(positionOf.get(index)!, r.elements, r.findings);
      if (complete.length) await headTracker.done(Math.max(...complete.map(({ index }) => positionOf.get(index)!)));
      // One ledger insert: the files a cut completes are complete together (FileRunner.run).
      await store.ledger.settle(done.flatMap(({ index, result: r }) => (ids[index] ? [{ id: ids[index]!, elements: r.elements, findings: r.findings, completed: !r.interrupted }] : [])));
      for (const { index: i, result: r } of done) {
        // Its rows have landed: the next files may have been read meanwhile (FileRunner.run).
        if (!r.interrupted) log.info({ file: files[i], elements: r.elements, findings: r.findings }, 'file ingested; its rows stored');
        lines[i] = { file: files[i], status: r.failed ? 'failed' : r.interrupted ? 'interrupted' : 'ingested', records: r.records, elements: r.elements, errors: r.errors, ...(r.failed ? { reason: r.failed } : {}) };
        if (!r.interrupted) filesProgress.fileDone(files[i]);
      }
    },
    progress: (i, events, findings) => progress.update(() => filesProgress.line(files[i], events, findings)),
  };

  let counters: () => PipelineCounters;
  let stop: () => Promise<void> | void;
  let running: Promise<unknown>;
  if (jobs === 1) {
    const analysis = await loadAnalysis(opts);
    const runner = new FileRunner(analysis.classifier, writer, { collector: opts.collector, stateDir, shard: WHOLE });
    onShutdown('pipeline', () => runner.pipeline.close());
    counters = () => runner.pipeline.counters;
    stop = () => runner.stop();
    hooks.checkpoint = { every: CHECKPOINT_EVERY, at: (i, elements, findings) => (ids[i] ? store.ledger.checkpoint(ids[i]!, elements, findings) : Promise.resolve()) };
    running = runner.run(plan, hooks, continued);
  } else {
    const analysisOptions = { rirDir: opts.rirDir, ianaDir: opts.ianaDir, cacheDir: opts.cacheDir, geo: opts.geo, rpki: opts.rpki };
    const shards = Array.from({ length: jobs }, (_, index) => ({ shard: { index, count: jobs }, plan, continued, analysis: analysisOptions, collector: opts.collector, stateDir, ribSnapshots, logLevel: opts.logLevel }));
    const workers = new IngestJobs(shards, writer, hooks);
    let summed: PipelineCounters | undefined;
    counters = () => summed ?? newPipelineCounters();
    stop = () => workers.stop();
    running = workers.run().then((c) => (summed = c));
  }

  const report = () => {
    const seconds = { total: (Date.now() - started) / 1000, processing: (Date.now() - processingStarted) / 1000 };
    printSummary(lines.filter((l): l is FileLine => l !== undefined), stopping, counters(), writer.stats(), seconds, opts.json === true);
  };
  onShutdown('ingest', async () => {
    if (finished) return;
    stopping = true;
    await stop();
    // Let the reading end, flush and checkpoint what it stored before the pipeline and store
    // close (closers run newest first; closing the store under a running insert can crash chDB).
    await running.catch(() => undefined);
    // The shutdown then closes the rest and exits; an interrupted ingest still prints its
    // summary and exits 130, as after Ctrl-C (an 'exit' listener may set the final code).
    process.once('exit', () => {
      progress.done();
      report();
      process.exitCode = 130;
    });
  });
  await running;
  if (stopping) return; // the shutdown (see the closer above) finishes an interrupted ingest
  progress.done();
  finished = true;
  await shutdownNow('ingest finished');
  report();
  const failed = lines.find((l) => l?.status === 'failed');
  if (failed) {
    process.stderr.write(`portolan ingest: ${failed.file} was not read to its end (${failed.reason}); the files before it are stored: run the same command again to resume there\n`);
    process.exitCode = 1;
  }
}

/** Files the text summary lists one a line; beyond, it counts them by status and lists those to look at. */
const LISTED_FILES = 20;

/** Each file's line, or for a long list (a backfill's thousands) the count by status and the files with bad inputs, interrupted or failed. */
function fileLines(files: FileLine[]): string[] {
  const line = (f: FileLine) => `${f.file}: ${f.status}${f.reason ? ` (${f.reason})` : ''}, ${fmtInt(f.records)} records, ${fmtInt(f.elements)} elements${f.errors ? `, ${fmtInt(f.errors)} bad inputs skipped` : ''}`;
  if (files.length <= LISTED_FILES) return files.map(line);
  const byStatus = new Map<string, number>();
  for (const f of files) byStatus.set(f.status, (byStatus.get(f.status) ?? 0) + 1);
  const notable = files.filter((f) => f.errors > 0 || f.status === 'interrupted' || f.status === 'failed');
  return [
    `files: ${fmtInt(files.length)}, ${[...byStatus].map(([status, n]) => `${fmtInt(n)} ${status}`).join(', ')}; --json lists each`,
    ...notable.slice(0, LISTED_FILES).map(line),
    ...(notable.length > LISTED_FILES ? [`… and ${fmtInt(notable.length - LISTED_FILES)} more with bad inputs, interrupted or failed (--json lists each)`] : []),
  ];
}

function printSummary(
  files: FileLine[],
  interrupted: boolean,
  c: PipelineCounters,
  writer: { inserted: number; spooledRows: number; spoolDepthRows: number },
  seconds: { total: number; processing: number },
  json: boolean,
): void {
  const records = files.reduce((a, f) => a + f.records, 0);
  const result = {
    files,
    records,
    elements: c.events,
    announcements: c.announcements,
    withdrawals: c.withdrawals,
    peerDownWithdrawals: c.peerDownWithdrawals,
    failed: c.failed,
    findings: c.findings,
    findingsByKind: c.findingsByKind,
    lifecycle: c.lifecycle,
    stored: writer.inserted,
    spooled: writer.spoolDepthRows,
    elapsedSeconds: Number(seconds.total.toFixed(3)),
    processingSeconds: Number(seconds.processing.toFixed(3)),
    elementsPerSecond: Math.round(c.events / Math.max(seconds.processing, 1e-6)),
    interrupted,
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const lines = [
    ...fileLines(files),
    `elements: ${fmtInt(c.events)} (${fmtInt(c.announcements)} announcements, ${fmtInt(c.withdrawals)} withdrawals${c.failed ? `, ${fmtInt(c.failed)} failed` : ''})`,
    ...(c.peerDownWithdrawals ? [`peer sessions down: ${fmtInt(c.peerDownWithdrawals)} routes withdrawn with them (stored as withdrawals)`] : []),
    `findings: ${fmtInt(c.findings)} announcements with a mismatch`,
    ...Object.entries(c.findingsByKind)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `  ${k.padEnd(26)} ${fmtInt(n)}`),
    `stored: ${fmtInt(writer.inserted)} rows${writer.spoolDepthRows ? `, ${fmtInt(writer.spoolDepthRows)} rows waiting in the spool for the store` : ''}`,
    `elapsed: ${seconds.total.toFixed(1)} s (loading included), ${fmtInt(result.elementsPerSecond)} elements/s while processing`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
