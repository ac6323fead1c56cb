/** Reads the two sides of a registry diff: a dated snapshot of the archive, or a folder of files. */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { log } from '../../common/log.js';
import { RIRS, type Rir } from '../models/registry.js';
import { snapshotAt } from './archive.js';
import { headerDate } from './delegated-parser.js';
import type { DiffFile, DiffSide } from './diff.js';
import { findRegistryFiles, noRirFilesMessage } from './file-locations.js';
import { ParseCache } from './parse-cache.js';
import { parseTransferLogFile, type TransferLogRange } from './transfer-log.js';

/**
 * One side from its files. Give both sides one `cache` so a file on both (same bytes) is parsed
 * once; each call without one parses everything.
 */
export async function loadDiffFiles(label: string, rirPaths: string[], transferPaths: string[] = [], cache = new ParseCache()): Promise<DiffSide> {
  const files: DiffFile[] = await Promise.all(
    rirPaths.map(async (path) => {
      const f = await cache.get(path);
      const rir = (RIRS as readonly string[]).includes(f.header.registry) ? (f.header.registry as Rir) : f.records[0]?.rir;
      if (!rir) throw new Error(`${path}: no RIR in its version line and no records`);
      return { rir, date: headerDate(f.header), path, records: f.records, extended: f.extended };
    }),
  );
  const transfers: TransferLogRange[] = [];
  for (const p of transferPaths) {
    try {
      for (const t of await parseTransferLogFile(p)) transfers.push(t);
    } catch (err) {
      log.warn({ file: p, err: (err as Error).message }, 'transfer log not loaded');
    }
  }
  return { label, files, transfers };
}

/** Every RIR's best file (extended over standard) and the transfer logs of a folder. */
export async function loadDiffFolder(dir: string, cache?: ParseCache): Promise<DiffSide> {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new Error(`${dir} is not a folder`);
  const found = findRegistryFiles(abs);
  if (!found.rir.length) throw new Error(noRirFilesMessage(dir));
  return loadDiffFiles(dir, found.rir.map((f) => f.path), found.transfers, cache);
}

/** The archive as of a date: each RIR's newest archived file on or before it. */
export async function loadDiffSnapshot(archive: string, date: string, cache?: ParseCache): Promise<DiffSide> {
  const snap = snapshotAt(archive, date);
  return loadDiffFiles(date, snap.rir.map((f) => f.path), snap.transfers, cache);
}
