/** What an ingest worker (worker.ts) and the thread that owns the store (jobs.ts) tell each other. */
import type { PipelineCounters } from '../../analyzer/pipeline/pipeline.js';
import type { Batch } from '../../analyzer/store/index.js';
import type { CommonOptions } from '../../common/config.js';
import type { ContinueFrom, FileResult, PlannedFile } from './file-runner.js';
import type { Shard } from './shard.js';

/** The job a worker starts with (its workerData). */
export interface WorkerJob {
  shard: Shard;
  plan: PlannedFile[];
  /** `ingest --continue`: where the last ingest ended. */
  continued?: ContinueFrom;
  analysis: Pick<CommonOptions, 'rirDir' | 'ianaDir' | 'cacheDir' | 'geo' | 'rpki'>;
  collector?: string;
  stateDir: string;
  ribSnapshots: boolean;
  logLevel?: string;
}

/** A batch on its way to the inserting thread: its bytes moved, not copied, where they own their memory. */
export interface BatchMessage {
  type: 'batch';
  id: number;
  batch: Batch;
}

/** The inserting thread says a batch is in the store (or its spool). */
export interface LandedMessage {
  type: 'landed';
  id: number;
}

/** The inserting thread says a file's ledger row is in: the worker may read it (its rows may then land). */
export interface BegunMessage {
  type: 'begun';
  index: number;
}

/** The inserting thread has recorded a file every shard is done with (the head, the ledger): its shards may remove older states. */
export interface RecordedMessage {
  type: 'recorded';
  index: number;
}

export type ToWorker = LandedMessage | BegunMessage | RecordedMessage | { type: 'stop' };

export type FromWorker =
  | BatchMessage
  | { type: 'file-started'; index: number }
  | { type: 'file-done'; index: number; result: FileResult }
  | { type: 'progress'; index: number; events: number; findings: number }
  | { type: 'done'; counters: PipelineCounters }
  | { type: 'failed'; error: string };
