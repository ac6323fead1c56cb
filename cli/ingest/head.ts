/**
 * Where the last ingest into a store ended, for `ingest --continue`. An ingest's routing state is
 * that of a chain of files (their ledger keys, in order), and each shard saves it after some of
 * them. The head names that chain and lists its files from the earliest state a shard takes back
 * to the last completed one (a shard replays those after its own state), so a later ingest can
 * start where this one ended without being given its files again.
 *
 * The head is written before the ledger marks the files complete: a crash in between leaves the
 * head ahead of the ledger, never behind it, and `--continue` takes the head's files as ingested
 * whatever the ledger says (and completes their ledger rows).
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../common/atomic-file.js';
import { log } from '../../common/log.js';
import { stateFileName } from './shard.js';

/** The head's file in the state folder (beside the saved states, which are named by chains). */
export const HEAD_FILE = 'head.json';

/** Whether a file in the state folder is the head (or its write under way), which removing old states leaves. */
export const isHeadFile = (name: string): boolean => name === HEAD_FILE || name.startsWith(`${HEAD_FILE}.`);

/** A file of the chain, as the head lists it. */
export interface HeadFile {
  file: string;
  key: string;
  /** The chain up to and with this file: names the states saved after it. */
  chain: string;
  /** What the ledger records for it, should the head be ahead of the ledger. */
  elements: number;
  findings: number;
}

export interface IngestHead {
  /** The chain of the last completed file ('' : none). */
  chain: string;
  /** The --jobs whose shards saved the states (a shard's state is named by it). */
  jobs: number;
  /** Whether every shard saved its state after one of `files` (taken back); else they are replayed from no routes. */
  fromState: boolean;
  files: HeadFile[];
  /** When written (ISO 8601). */
  at: string;
}

/** A head, or why there is none to continue from. */
export type HeadRecord = IngestHead | { unusable: string; at: string };

/** The head in `stateDir`; null where no ingest recorded one. */
export function readHead(stateDir: string): HeadRecord | null {
  const path = join(stateDir, HEAD_FILE);
  if (!existsSync(path)) return null;
  try {
    const head = JSON.parse(readFileSync(path, 'utf8')) as HeadRecord;
    if ('unusable' in head || (typeof head.chain === 'string' && Number.isInteger(head.jobs) && Array.isArray(head.files))) return head;
    return { unusable: `${path} is not a head this version writes`, at: '' };
  } catch (err) {
    return { unusable: `${path} cannot be read (${err instanceof Error ? err.message : String(err)})`, at: '' };
  }
}

/** A file of the chain as the tracker is given it: no key (a URL not identified) breaks the chain. */
export interface ChainFile {
  file: string;
  key: string | undefined;
  chain: string | null;
  /** What the ledger has (or will have) for it. */
  elements: number;
  findings: number;
}

/**
 * Follows the chain as its files complete and writes the head each time: the files back to the
 * latest state every shard saved. The chain is the files the run started from (the previous
 * head's, or those a rerun skips) followed by those it reads; `done(position)` says that every
 * file up to `position` is complete and its states, if any, saved.
 */
export class HeadTracker {
  /** Per shard, the position of the latest file it saved its state after (-1: none yet). */
  private readonly latest: number[];
  private scanned = -1;
  /** The first file scanned that breaks the chain (no key), if any. */
  private broken: ChainFile | undefined;
  private readonly chain: ChainFile[];

  constructor(
    private readonly stateDir: string,
    private readonly jobs: number,
    chain: readonly ChainFile[],
    /** Whether the files before `chain[0]` hold routes (the run started from a saved state). */
    private readonly startedFromState: boolean,
  ) {
    this.chain = chain.map((f) => ({ ...f }));
    this.latest = Array.from({ length: jobs }, () => -1);
  }

  /** What the ledger will record for the file at `position`. */
  count(position: number, elements: number, findings: number): void {
    Object.assign(this.chain[position], { elements, findings });
  }

  /** The files up to `position` are complete: the head moves there. */
  async done(position: number): Promise<void> {
    for (let p = this.scanned + 1; p <= position; p++) {
      const f = this.chain[p];
      if (!f.chain || f.key === undefined) {
        this.broken ??= f;
        continue;
      }
      for (let index = 0; index < this.jobs; index++) if (existsSync(join(this.stateDir, stateFileName(f.chain, { index, count: this.jobs })))) this.latest[index] = p;
    }
    this.scanned = Math.max(this.scanned, position);
    const path = join(this.stateDir, HEAD_FILE);
    try {
      mkdirSync(this.stateDir, { recursive: true });
      await writeFileAtomic(path, JSON.stringify(this.head(position)));
    } catch (err) {
      // Best effort, as the states: without a head, --continue refuses rather than start from an older one.
      log.error({ file: path, err: err instanceof Error ? err.message : String(err) }, 'where this ingest got to not recorded: a later --continue will ask for the files to be listed');
      try {
        rmSync(path, { force: true });
      } catch {
        log.error({ file: path }, 'an older record of where an ingest ended cannot be removed: do not use --continue on this store before an ingest that lists all its files');
      }
    }
  }

  private head(position: number): HeadRecord {
    const at = new Date().toISOString();
    const broken = this.broken;
    if (broken) return { unusable: `the last ingest read ${broken.file}, which could not be identified (a URL whose server answers no byte ranges): its routing state after it is not recorded`, at };
    const first = Math.min(...this.latest);
    // A run that started from a saved state and lost it: replaying from no routes would be wrong.
    if (first < 0 && this.startedFromState) return { unusable: 'the routing states the last ingest saved are gone', at };
    const files = this.chain.slice(Math.max(first, 0), position + 1).map((f) => ({ file: f.file, key: f.key!, chain: f.chain!, elements: f.elements, findings: f.findings }));
    return { chain: this.chain[position].chain!, jobs: this.jobs, fromState: first >= 0, files, at };
  }
}
