/**
 * `ingest --continue`: where the last ingest into the store ended (its head, head.ts), checked
 * before anything is read: the files it replays are still there, unchanged, and the ledger has the
 * head's files as complete (the head is written first, so a crash can leave the ledger behind it).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { identifyFiles, type IngestLedger } from '../../analyzer/store/ledger.js';
import { log } from '../../common/log.js';
import { isUrl } from '../../common/url.js';
import { UsageError } from '../errors.js';
import type { ContinueFrom } from './file-runner.js';
import { readHead, type IngestHead } from './head.js';
import { stateFileName } from './shard.js';

const LIST_THEM = 'run one ingest that lists all the files, in order (--files-from), then --continue';

/** The head to continue from; null for a store no file was ingested into (the run starts with no routes). */
export async function lastIngest(stateDir: string, ledger: IngestLedger): Promise<IngestHead | null> {
  const head = readHead(stateDir);
  if (!head) {
    if (await ledger.hasCompleted()) throw new UsageError(`--continue: files were ingested into this store, but where their ingest ended is not recorded (by a version before --continue, or the record could not be written): ${LIST_THEM}`);
    log.info({ stateDir }, '--continue: nothing ingested into this store yet; starting with no routes');
    return null;
  }
  if ('unusable' in head) throw new UsageError(`--continue: ${head.unusable}: ${LIST_THEM}`);

  // Each shard takes back its own state, saved after one of the head's files.
  const lost = head.fromState ? Array.from({ length: head.jobs }, (_, index) => index).find((index) => !head.files.some((f) => existsSync(join(stateDir, stateFileName(f.chain, { index, count: head.jobs }))))) : undefined;
  if (lost !== undefined) throw new UsageError(`--continue: the routing state the last ingest saved${head.jobs > 1 ? ` (shard ${lost + 1} of ${head.jobs})` : ''} is gone from ${stateDir}: ${LIST_THEM}`);
  // The files after the states are replayed: each must be what was read then.
  const replayed = head.fromState ? head.files.slice(1) : head.files;
  const gone = replayed.find((f) => !isUrl(f.file) && !existsSync(f.file));
  const ids = gone ? [] : await identifyFiles(replayed.map((f) => f.file));
  const changed = gone ?? replayed.find((f, i) => ids[i]?.key !== f.key);
  if (changed) throw new UsageError(`--continue: ${changed.file}, which the last ingest read after the routing state it saved, is ${gone ? 'gone' : 'not the file it read'}, and its routes would be missing: ${LIST_THEM}`);

  const entries = await ledger.entries(head.files.map((f) => f.key));
  const behind = head.files.filter((f) => entries.get(f.key)?.status !== 'completed');
  if (behind.length) {
    log.warn({ files: behind.map((f) => f.file) }, '--continue: the last ingest stopped after recording these files as read and before the ledger had them complete; completed now');
    await ledger.settle(behind.map((f) => ({ id: { key: f.key, path: f.file, size: entries.get(f.key)?.size ?? 0 }, elements: f.elements, findings: f.findings, completed: true })));
  }
  return head;
}

/** Where the runner starts: the head's files, from their states (or replayed from no routes). */
export const continueFrom = (head: IngestHead | null): ContinueFrom => ({
  files: (head?.files ?? []).map((f) => ({ file: f.file, process: false, chain: f.chain })),
  fromState: head?.fromState ?? false,
});
