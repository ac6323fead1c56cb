/**
 * The work of `ingest` on one shard of the prefixes (all of them with one job): its files in
 * order through one routing state and pipeline into a row writer; the files already ingested
 * caught up through the state without storing them again. `run` takes the plan; the ledger is
 * the caller's (hooks), since with several jobs a file is complete only once every shard is.
 */
import { join } from 'node:path';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import type { Classifier } from '../../analyzer/classify/index.js';
import { Pipeline } from '../../analyzer/pipeline/pipeline.js';
import { storeSink } from '../../analyzer/pipeline/sinks.js';
import { DEFAULT_MAX_PAIRS, partialSnapshotPrefix, PrefixState } from '../../analyzer/state/index.js';
import type { RowWriter } from '../../analyzer/store/index.js';
import { BATCH_ROWS } from '../../analyzer/store/row-writer.js';
import type { RouteEvent } from '../../collector/models/route-event.js';
import { FileSource } from '../../collector/sources/index.js';
import { isInputReadFailure } from '../../common/input.js';
import { log } from '../../common/log.js';
import { TimeSlicer } from '../../common/time-slice.js';
import { isHeadFile } from './head.js';
import { otherShardsFile, shardOf, stateFileName, type Shard } from './shard.js';

/** One file of an ingest: read, or skipped (already in the ledger as complete). `chain` names the routing state after it (null past a URL). */
export interface PlannedFile {
  file: string;
  process: boolean;
  chain: string | null;
  /** Skipped and not caught up: the state taken back holds it already (`ingest --continue`). */
  inState?: boolean;
  /** Its bytes (the ledger's size), where known: with several jobs, where batches are cut. */
  size?: number;
}

/**
 * Where `ingest --continue` starts: the last ingest's files from the earliest state a shard saved
 * (taken back, the files after it replayed); and the state is saved after the last file read, so
 * that the next run takes it back rather than replays this one's files.
 */
export interface ContinueFrom {
  files: PlannedFile[];
  /** Whether each shard must take back a state saved after one of `files` (else they are replayed from no routes). */
  fromState: boolean;
}

/** What one shard read of one file. */
export interface FileResult {
  elements: number;
  findings: number;
  /** The file's MRT records or JSONL messages (every shard counts them all). */
  records: number;
  /** Bad inputs skipped: this shard's share (those in its RIB records, and the first shard all others), so the shards' sum is the file's. */
  errors: number;
  interrupted: boolean;
  /** Why the file was not read to its end (the network, the disk): the ingest stopped there. */
  failed?: string;
}

/** A file read to its end (or interrupted). */
export interface DoneFile {
  index: number;
  result: FileResult;
}

/** A file read, and the landing of its checkpoints. */
interface ReadFile extends DoneFile {
  checkpointed: Promise<void>;
  /** The state saved after it, if one was. */
  state?: string;
}

export interface PlanHooks {
  fileStarted(index: number): Promise<void> | void;
  /** Every `every` elements, once their rows have landed, but for the RIB snapshot rows of the prefix being read (a ledger checkpoint). */
  checkpoint?: { every: number; at(index: number, elements: number, findings: number): Promise<void> };
  /**
   * Once the rows of the files read since the last cut have landed, in file order: one call for
   * them all, so that they are recorded complete at once (a completed file then always ends at a
   * cut, where a rerun starts from empty batches, as the first run did).
   */
  filesDone(files: DoneFile[]): Promise<void> | void;
  /** After each record's events. */
  progress?(index: number, events: number, findings: number): void;
}

export interface RunnerOptions {
  collector?: string;
  /** The folder of the routing state after each completed file. */
  stateDir: string;
  shard: Shard;
  /** The fewest elements read between two saves of the state (stateSaveDue; default SAVE_AT_LEAST). */
  saveAtLeast?: number;
}

/**
 * The routing state is saved after a file once the elements read since the last save are at least
 * its (prefix, origin) pairs, and a full batch (BATCH_ROWS). A save costs about a microsecond per
 * pair and reading an element 10-25 µs, so saves take a few percent of an ingest at any state
 * size; saved after every file, a state holding the 2002 RIB cost each 5-minute updates file after
 * it about 100 ms, more than reading the file. One job cuts its batches where it saves (FileRunner.run),
 * and an insert costs the embedded engine about 0.1 s of CPU whatever its size (route_events and
 * its 11 views): a small state, saved every few thousand elements, made a backfill of small files
 * mostly inserts (1,000 pieces of a 41,212-element file: 41 cuts, 7.3-7.8 s and 13 s of CPU; now
 * one, 3.4-3.9 s and 4.1-4.7 s).
 * A rerun takes back the latest state saved and replays the files after it: at most this many
 * elements.
 */
export const stateSaveDue = (elementsSinceSave: number, pairs: number, atLeast: number): boolean => elementsSinceSave >= Math.max(pairs, atLeast);

/** stateSaveDue's floor: BATCH_ROWS, or PORTOLAN_STATE_SAVE_AT_LEAST (the CLI's tests save after small files). */
const SAVE_AT_LEAST = ((): number => {
  const n = process.env.PORTOLAN_STATE_SAVE_AT_LEAST ? Number(process.env.PORTOLAN_STATE_SAVE_AT_LEAST) : NaN;
  return Number.isInteger(n) && n >= 0 ? n : BATCH_ROWS;
})();

/**
 * With several jobs, every shard cuts its batches after the same files, so that a file is complete
 * once each has cut after it: after the file that brings the input read since the last cut (the
 * files' sizes, the same for every shard) to this, after the last file, and after any file of
 * unknown size. Cut after every file instead, a backfill of 1,000 small files made 1,000 inserts
 * per table and shard. (One job cuts where it saves its state, as a rerun takes it back there.)
 */
export const SHARED_CUT_BYTES = 32 * 1024 * 1024;

export class FileRunner {
  private state: PrefixState;
  pipeline: Pipeline;
  private current: FileSource | undefined;
  private stopping = false;
  /** Elements read since the routing state was last saved (or taken back, or the run began). */
  private sinceSave = 0;
  /** Whether a prefix is this shard's (undefined with one job: all are). */
  private readonly inShard: ((prefix: string) => boolean) | undefined;

  constructor(
    private readonly classifier: Classifier,
    private readonly writer: RowWriter,
    private readonly opts: RunnerOptions,
  ) {
    const { index, count } = opts.shard;
    this.inShard = count === 1 ? undefined : (prefix) => shardOf(prefix, count) === index;
    this.state = this.newState();
    this.pipeline = new Pipeline(classifier, this.state, [storeSink(writer)]);
  }

  get stopped(): boolean {
    return this.stopping;
  }

  /** Stops reading; the file being read ends as interrupted. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.current?.close();
  }

  /** A shard's share of the state's pair cap: the shards together hold what one state would. */
  private newState(): PrefixState {
    return new PrefixState({ maxPairs: Math.ceil(DEFAULT_MAX_PAIRS / this.opts.shard.count) });
  }

  private mine(event: RouteEvent): boolean {
    // An event without a prefix text is the first shard's (the state counts and logs it once).
    return !this.inShard || (typeof event.prefix === 'string' ? this.inShard(event.prefix) : this.opts.shard.index === 0);
  }

  /**
   * Runs the plan: the skipped files caught up before the next file read; each file read, and the
   * state after it saved when due (stateSaveDue). Batches are cut when full, at checkpoints, at
   * those saves (several jobs: after SHARED_CUT_BYTES of input instead) and after the last file,
   * not at every file's end: a file's tail shares its batch with the next file's rows, so a
   * backfill of thousands of small files makes as many inserts as one file of their size. A file
   * is done (hooks.filesDone, the ledger) once the cut after it has landed, in file order; the next
   * files are read meanwhile.
   *
   * A rerun is exact because a completed file always ends at a cut: it takes back the latest state
   * saved after a completed file (one job: saved at that cut) and replays the completed files
   * after it, and its first file starts from empty batches, as the first run's did after the cut.
   */
  async run(plan: PlannedFile[], hooks: PlanHooks, continued?: ContinueFrom): Promise<void> {
    let skipped: PlannedFile[] = [...(continued?.files ?? [])];
    let processedAny = false;
    const lastRead = plan.findLastIndex((f) => f.process);
    const shared = this.opts.shard.count > 1;
    /** Input bytes read since the last cut (several jobs: where the shards cut). */
    let bytesSinceCut = 0;
    let done: Promise<void> = Promise.resolve();
    /** A file's landing or its hook failed: no further file is read (the error is thrown below). */
    let failed = false;
    /** The states saved, oldest first: once a file is done, those before its own go. */
    const saved: string[] = [];
    /** Files read since the last cut: done once the next cut has landed. */
    let uncut: ReadFile[] = [];
    /** Cuts every batch; the files read since the last cut are done once it lands (interrupted ones as such). */
    const cut = () => {
      const files = uncut;
      const state = files.findLast((f) => f.state)?.state;
      uncut = [];
      // Stopped: the rows not cut are dropped (a rerun cuts them elsewhere: cut here, they would
      // land twice), and the files since the last cut are interrupted with them.
      const interrupted = this.stopping;
      if (interrupted) this.writer.discard();
      const landed = Promise.all([this.writer.flush(), ...files.map((f) => f.checkpointed)]);
      done = Promise.all([done, landed]).then(async () => {
        await hooks.filesDone(files.map((f) => ({ index: f.index, result: { ...f.result, interrupted: f.result.interrupted || interrupted } })));
        // Not once stopped: the files done may not all be recorded (the head, the ledger), and
        // the states before them are what a rerun takes back.
        if (state && !this.stopping) this.pruneStates(saved.slice(saved.indexOf(state)));
      });
      done.catch(() => (failed = true)); // awaited below; not an unhandled rejection meanwhile
    };
    try {
      for (const [i, item] of plan.entries()) {
        if (this.stopping || failed) break;
        if (item.inState) continue;
        if (!item.process) {
          skipped.push(item);
          continue;
        }
        if (skipped.length) {
          await this.catchUp(skipped, processedAny, !processedAny && continued?.fromState === true);
          skipped = [];
          if (this.stopping) break;
        }
        processedAny = true;
        await hooks.fileStarted(i);
        const file = await this.read(i, item.file, hooks);
        uncut.push(file);
        if (this.stopping) break;
        // Saved before the next file changes the state; the one saved before it is kept until this
        // file is done, so a rerun after a crash in between still takes back a state it can use.
        // Listed before it is written: a file done meanwhile prunes the states, and must keep this one.
        // The sum is reset even when the save fails, so the cuts stay where a rerun makes them.
        this.sinceSave += file.result.elements;
        const due = item.chain !== null && ((i < plan.length - 1 && stateSaveDue(this.sinceSave, this.state.size().pairs, this.opts.saveAtLeast ?? SAVE_AT_LEAST)) || (continued !== undefined && i === lastRead));
        if (due) {
          file.state = stateFileName(item.chain!, this.opts.shard);
          saved.push(file.state);
          await this.saveState(file.state);
          this.sinceSave = 0;
        }
        // One job cuts where it saves; several cut after the same files, whatever each saves.
        bytesSinceCut += item.size ?? SHARED_CUT_BYTES;
        if (shared ? bytesSinceCut >= SHARED_CUT_BYTES || i === lastRead : due) {
          cut();
          bytesSinceCut = 0;
        }
      }
      if (uncut.length && !failed) cut();
    } catch (err) {
      await done.catch(() => undefined);
      throw err;
    }
    await done;
  }

  /** Reads one file into the pipeline; resolves once it is read, its rows in the batches (not cut). */
  private async read(index: number, file: string, hooks: PlanHooks): Promise<ReadFile> {
    const source = (this.current = this.source([file]));
    if (this.stopping) await source.close(); // a stop while the file waited for its start: read nothing
    const pipeline = this.pipeline;
    const findingsAtStart = pipeline.counters.findings;
    let elements = 0;
    // Breaks every 10 ms of work, so the writer's inserts and a shutdown signal get their turn.
    const slicer = new TimeSlicer();
    // Checkpoints in order, each written once the rows before it have landed; reading goes on
    // meanwhile (waiting for the store at each one left the main thread idle about a second).
    let checkpointed: Promise<void> = Promise.resolve();
    const checkpoint = hooks.checkpoint;
    let failed: string | undefined;
    try {
      // A peer down withdraws the routes this shard's state holds: every shard takes it.
      for await (const batch of source.eventBatches({ peerDown: (down) => pipeline.peerDown(down, slicer) })) {
        for (const event of batch) {
          if (!this.mine(event)) continue;
          // Awaited only when the writer asks to wait (a full queue) or a break is due: no microtask per event.
          const wait = pipeline.processSliced(event, slicer);
          if (wait) await wait;
          elements++;
          if (checkpoint && elements % checkpoint.every === 0) {
            const [landed, at, findings] = [this.writer.flushComplete(), elements, pipeline.counters.findings - findingsAtStart];
            checkpointed = checkpointed.then(() => landed).then(() => checkpoint.at(index, at, findings));
            checkpointed.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
          }
        }
        hooks.progress?.(index, pipeline.counters.events, pipeline.counters.findings);
      }
    } catch (err) {
      // The network or the disk, not the file: the ingest stops here as if interrupted, so a rerun
      // reads this file again from the state before it (files after it would be read from a state
      // missing its end).
      if (!isInputReadFailure(err)) throw err;
      failed = (err as Error).message;
      log.error({ file, elements, err: failed }, 'input not read to its end: the ingest stops at this file; run it again to resume here');
      this.stopping = true;
    }
    if (this.stopping) {
      // The rerun reads the files since the last cut again and cuts their batches where this run
      // did, so the store drops those that landed; a batch cut here would land twice.
      const rows = this.writer.discard();
      log.info({ file, elements, rows }, 'interrupted: rows after the last full batch not stored; the rerun stores them');
    } else this.writer.endInput();
    const stats = source.stats();
    const ribErrors = (stats.detail?.ribErrors as number | undefined) ?? 0;
    const errors = ribErrors + (this.opts.shard.index === 0 ? stats.errors - ribErrors : 0);
    return { index, result: { elements, findings: pipeline.counters.findings - findingsAtStart, records: stats.messages, errors, interrupted: this.stopping, ...(failed ? { failed } : {}) }, checkpointed };
  }

  /** The files' events; a shard's reader decodes only its own RIB records (a RIB record holds one prefix). */
  private source(files: string[]): FileSource {
    return new FileSource(files, { collector: this.opts.collector, ribPrefixes: this.inShard });
  }

  /**
   * The state after the files skipped since the last one read. At the start of a run: the latest
   * state saved after one of them taken back, and the files after that one replayed (all of them
   * when none was saved, unless one must be: `mustRestore`); after a file read, they are replayed
   * into the state it left.
   */
  private async catchUp(skipped: PlannedFile[], processedAny: boolean, mustRestore: boolean): Promise<void> {
    let from = 0;
    for (let j = skipped.length - 1; j >= 0 && !processedAny; j--) {
      const saved = skipped[j].chain ? join(this.opts.stateDir, stateFileName(skipped[j].chain!, this.opts.shard)) : null;
      if (!saved || !existsSync(saved)) continue;
      try {
        this.state = await PrefixState.restore(saved);
        this.pipeline = new Pipeline(this.classifier, this.state, [storeSink(this.writer)]);
        log.info({ files: j + 1, ...this.state.size() }, 'routing state after the completed files taken back');
        from = j + 1;
        break;
      } catch (err) {
        log.warn({ file: saved, err: err instanceof Error ? err.message : String(err) }, 'saved routing state not usable; an earlier one taken back, or the completed files replayed, instead');
      }
    }
    if (mustRestore && from === 0) throw new Error(`no routing state the last ingest saved (in ${this.opts.stateDir}) could be taken back: --continue cannot start where it ended`);
    if (from === skipped.length) return;
    // Through the same classifier and state, into no sink: the state as an uninterrupted ingest left it.
    const files = skipped.slice(from).map((f) => f.file);
    const replay = new Pipeline(this.classifier, this.state, []);
    const slicer = new TimeSlicer();
    const source = (this.current = this.source(files));
    for await (const batch of source.eventBatches({ peerDown: (down) => replay.peerDown(down, slicer) })) {
      if (this.stopping) return;
      for (const event of batch) {
        if (!this.mine(event)) continue;
        const wait = replay.processSliced(event, slicer);
        if (wait) await wait;
      }
    }
    // At the start, the last completed file ended at a cut, where the count restarts (a save, due
    // there, may have failed): a rerun then cuts where the first run did.
    this.sinceSave = processedAny ? this.sinceSave + replay.counters.events : 0;
    log.info({ files: files.length, events: replay.counters.events }, 'completed files replayed into the routing state (not stored again)');
  }

  /** Saves the state after a file read as `name` (best effort: a rerun can replay). */
  private async saveState(name: string): Promise<void> {
    const dir = this.opts.stateDir;
    try {
      mkdirSync(dir, { recursive: true });
      await this.state.snapshot(join(dir, name));
    } catch (err) {
      log.warn({ dir, err: err instanceof Error ? err.message : String(err) }, 'routing state after the file not saved; a rerun would replay the file instead');
    }
  }

  /** Removes this shard's saved states (and partial writes) but those in `keep`: the state after the last completed file, and any newer, written or being written. */
  private pruneStates(keep: string[]): void {
    const dir = this.opts.stateDir;
    try {
      for (const f of readdirSync(dir)) if (!isHeadFile(f) && !keep.some((k) => f === k || f.startsWith(partialSnapshotPrefix(k))) && !otherShardsFile(f, this.opts.shard)) rmSync(join(dir, f), { force: true });
    } catch (err) {
      log.warn({ dir, err: err instanceof Error ? err.message : String(err) }, 'older routing states not removed');
    }
  }
}
