/**
 * `portolan ingest FILE…`: backfill MRT (raw/.gz/.bz2) or RIS Live JSONL files into the store
 * through the same pipeline as `run`. A file already ingested completely is skipped (the ledger
 * knows it by content); an interrupted one is processed again from the start, which cannot
 * double-count because stored events carry deterministic ids (see the store's README section).
 * The routing state carries from one file to the next, so a rerun must start the next file
 * from the state an uninterrupted ingest had there: the state after each completed file is
 * saved (keyed by the chain of files before it), and a rerun that skips completed files takes
 * it back, or, without it, replays those files through the state (nothing stored).
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Pipeline } from '../../analyzer/pipeline/pipeline.js';
import { storeSink } from '../../analyzer/pipeline/sinks.js';
import { PrefixState } from '../../analyzer/state/index.js';
import { identifyFile } from '../../analyzer/store/ledger.js';
import { FileSource } from '../../collector/sources/index.js';
import type { CommonOptions } from '../../common/config.js';
import { log } from '../../common/log.js';
import { onShutdown, shutdownNow } from '../../common/shutdown.js';
import { action } from '../action.js';
import { UsageError } from '../errors.js';
import { FilesProgress, fmtInt, ProgressLine } from '../progress.js';
import { loadAnalysis, openMigratedStore } from '../setup.js';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { TimeSlicer } from '../../common/time-slice.js';

interface IngestOptions extends CommonOptions {
  force?: boolean;
  collector?: string;
  json?: boolean;
  ribRows?: 'snapshot' | 'events';
}

/** Elements between ledger checkpoints (each waits for a store flush). */
const CHECKPOINT_EVERY = 200_000;

/** The folder of the state after the last completed file (beside the store, as `run`'s state file). */
const stateDirOf = (db: string): string => `${db}.ingest-state`;
/** The chain of files so far (their ledger keys in order): names the state after them; null once a file had no key (a URL). */
const nextChain = (chain: string | null, key: string | undefined): string | null =>
  chain === null || key === undefined ? null : createHash('sha256').update(chain).update('\0').update(key).digest('hex').slice(0, 32);


export const ingest = action(ingestFiles);

async function ingestFiles(files: string[], opts: IngestOptions): Promise<void> {
  for (const f of files) if (!/^https?:\/\//.test(f) && !existsSync(f)) throw new UsageError(`${f}: no such file`);
  const started = Date.now();
  const analysis = await loadAnalysis(opts);
  const store = await openMigratedStore(opts);
  onShutdown('store', () => store.close());
  // No timed batch cuts: a rerun after a crash cuts the same batches (same dedup tokens), so
  // what already landed is dropped by the store and plain count() stays exact.
  const writer = store.createWriter({ flushIntervalMs: 0, ribSnapshots: opts.ribRows !== 'events' });
  let state = new PrefixState();
  let pipeline = new Pipeline(analysis.classifier, state, [storeSink(writer)]);
  onShutdown('pipeline', () => pipeline.close());
  const stateDir = stateDirOf(opts.db);
  /** The state after the files skipped since the last one processed: taken back from its file, else replayed. */
  const catchUp = async (skipped: string[], chain: string | null, processedAny: boolean): Promise<void> => {
    const saved = chain ? join(stateDir, chain) : null;
    if (!processedAny && saved && existsSync(saved)) {
      try {
        state = await PrefixState.restore(saved);
        pipeline = new Pipeline(analysis.classifier, state, [storeSink(writer)]);
        log.info({ files: skipped.length, ...state.size() }, 'routing state after the completed files taken back');
        return;
      } catch (err) {
        log.warn({ file: saved, err: err instanceof Error ? err.message : String(err) }, 'saved routing state not usable; replaying the completed files instead');
      }
    }
    // Through the same classifier and state, into no sink: the state as an uninterrupted ingest left it.
    const replay = new Pipeline(analysis.classifier, state, []);
    const slicer = new TimeSlicer();
    for await (const batch of new FileSource(skipped, { collector: opts.collector }).eventBatches()) {
      if (stopping) return;
      for (const event of batch) {
        const wait = replay.processSliced(event, slicer);
        if (wait) await wait;
      }
    }
    log.info({ files: skipped.length, events: replay.counters.events }, 'completed files replayed into the routing state (not stored again)');
  };
  /** Saves the state after a completed file under its chain, replacing the one before (best effort: a rerun can replay). */
  const saveState = async (chain: string | null): Promise<void> => {
    if (!chain) return;
    try {
      mkdirSync(stateDir, { recursive: true });
      await state.snapshot(join(stateDir, chain));
      for (const f of readdirSync(stateDir)) if (f !== chain) rmSync(join(stateDir, f), { force: true });
    } catch (err) {
      log.warn({ dir: stateDir, err: err instanceof Error ? err.message : String(err) }, 'routing state after the file not saved; a rerun would replay the file instead');
    }
  };

  const progress = new ProgressLine();
  const processingStarted = Date.now();
  const filesProgress = new FilesProgress(files, processingStarted);
  const summary = { files: [] as Array<{ file: string; status: string; records: number; elements: number; errors: number }>, interrupted: false };
  let current: FileSource | undefined;
  let stopping = false;
  let finished = false;
  let running: Promise<void> = Promise.resolve();
  const report = () => {
    const seconds = { total: (Date.now() - started) / 1000, processing: (Date.now() - processingStarted) / 1000 };
    printSummary(summary, pipeline, writer.stats(), seconds, opts.json === true);
  };
  onShutdown('ingest', async () => {
    if (finished) return;
    stopping = true;
    summary.interrupted = true;
    await current?.close();
    // Let the loop flush and checkpoint what it stored before the pipeline and store close
    // (closers run newest first; closing the store under a running insert can crash chDB).
    await running.catch(() => undefined);
    // The shutdown then closes the rest and exits; an interrupted ingest still prints its
    // summary and exits 130, as after Ctrl-C (an 'exit' listener may set the final code).
    process.once('exit', () => {
      progress.done();
      report();
      process.exitCode = 130;
    });
  });

  // The files, one after another; a shutdown closer waits for this to end.
  running = (async () => {
    let chain: string | null = '';
    let skipped: string[] = [];
    let processedAny = false;
    for (const [i, file] of files.entries()) {
      if (stopping) break;
      const id = /^https?:\/\//.test(file) ? null : await identifyFile(file);
      const previous = id ? await store.ledger.get(id.key) : null;
      if (previous?.status === 'completed' && !opts.force) {
        log.info({ file, elements: previous.elements, at: previous.updatedAt }, 'already ingested; skipped (use --force to redo)');
        summary.files.push({ file, status: 'skipped (already ingested)', records: 0, elements: previous.elements, errors: 0 });
        filesProgress.fileSkipped(file);
        chain = nextChain(chain, id?.key);
        skipped.push(file);
        continue;
      }
      if (skipped.length) {
        await catchUp(skipped, chain, processedAny);
        skipped = [];
        if (stopping) break;
      }
      processedAny = true;
      if (id) await store.ledger.begin(id);
      log.info({ file, resumed: previous?.status === 'started' }, 'ingesting');
      const source = (current = new FileSource([file], { collector: opts.collector }));
      let elements = 0;
      let findingsAtStart = pipeline.counters.findings;
      // Breaks every 10 ms of work, so the writer's inserts and a shutdown signal get their turn.
      const slicer = new TimeSlicer();
      // Checkpoints in order, each written once the rows before it have landed; reading goes on
      // meanwhile (waiting for the store at each one left the main thread idle about a second).
      let checkpointed: Promise<void> = Promise.resolve();
      for await (const batch of source.eventBatches()) {
        for (const event of batch) {
          // Awaited only when the writer asks to wait (a full queue) or a break is due: no microtask per event.
          const wait = pipeline.processSliced(event, slicer);
          if (wait) await wait;
          elements++;
          if (elements % CHECKPOINT_EVERY === 0 && id) {
            const [landed, at, findings] = [writer.flush(), elements, pipeline.counters.findings - findingsAtStart];
            checkpointed = checkpointed.then(() => landed).then(() => store.ledger.checkpoint(id, at, findings));
            checkpointed.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
          }
        }
        progress.update(() => filesProgress.line(file, pipeline.counters.events, pipeline.counters.findings));
      }
      const read = Date.now();
      await pipeline.flush();
      await checkpointed;
      // The tail: the rows still queued for the store when reading ended (chDB's inserts, the views' work).
      log.debug({ file, elements, ms: Date.now() - read }, 'file read; its last rows stored');
      const stats = source.stats();
      if (id) {
        const findings = pipeline.counters.findings - findingsAtStart;
        if (stopping) await store.ledger.checkpoint(id, elements, findings);
        else await store.ledger.complete(id, elements, findings);
      }
      chain = nextChain(chain, id?.key);
      if (!stopping && i < files.length - 1) await saveState(chain);
      summary.files.push({ file, status: stopping ? 'interrupted' : 'ingested', records: stats.messages, elements, errors: stats.errors });
      if (!stopping) filesProgress.fileDone(file);
      findingsAtStart = pipeline.counters.findings;
    }
  })();
  await running;
  if (stopping) return; // the shutdown (see the closer above) finishes an interrupted ingest
  progress.done();
  finished = true;
  await shutdownNow('ingest finished');
  report();
}

function printSummary(
  summary: { files: Array<{ file: string; status: string; records: number; elements: number; errors: number }>; interrupted: boolean },
  pipeline: Pipeline,
  writer: { inserted: number; spooledRows: number; spoolDepthRows: number },
  seconds: { total: number; processing: number },
  json: boolean,
): void {
  const c = pipeline.counters;
  const records = summary.files.reduce((a, f) => a + f.records, 0);
  const result = {
    files: summary.files,
    records,
    elements: c.events,
    announcements: c.announcements,
    withdrawals: c.withdrawals,
    failed: c.failed,
    findings: c.findings,
    findingsByKind: c.findingsByKind,
    lifecycle: c.lifecycle,
    stored: writer.inserted,
    spooled: writer.spoolDepthRows,
    elapsedSeconds: Number(seconds.total.toFixed(3)),
    processingSeconds: Number(seconds.processing.toFixed(3)),
    elementsPerSecond: Math.round(c.events / Math.max(seconds.processing, 1e-6)),
    interrupted: summary.interrupted,
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const lines = [
    ...summary.files.map((f) => `${f.file}: ${f.status}, ${fmtInt(f.records)} records, ${fmtInt(f.elements)} elements${f.errors ? `, ${fmtInt(f.errors)} bad inputs skipped` : ''}`),
    `elements: ${fmtInt(c.events)} (${fmtInt(c.announcements)} announcements, ${fmtInt(c.withdrawals)} withdrawals${c.failed ? `, ${fmtInt(c.failed)} failed` : ''})`,
    `findings: ${fmtInt(c.findings)} announcements with a mismatch`,
    ...Object.entries(c.findingsByKind)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `  ${k.padEnd(26)} ${fmtInt(n)}`),
    `stored: ${fmtInt(writer.inserted)} rows${writer.spoolDepthRows ? `, ${fmtInt(writer.spoolDepthRows)} rows waiting in the spool for the store` : ''}`,
    `elapsed: ${seconds.total.toFixed(1)} s (loading included), ${fmtInt(result.elementsPerSecond)} elements/s while processing`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
