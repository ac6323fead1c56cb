/**
 * The input files of `ingest`, `index build` and `index backfill`: the FILE arguments, then those
 * of `--files-from LIST` (one path or URL a line; `-` reads the list from stdin). A year of one
 * collector's 5-minute updates files is about 105,000 paths, more than a command line holds
 * (ARG_MAX, 2 MiB on Linux), and splitting them over several commands (`xargs`) would start each
 * command from an empty routing state.
 */
import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { isUrl } from '../common/url.js';
import { UsageError } from './errors.js';

export interface FileListOptions {
  filesFrom?: string;
}

/** Declares the FILE arguments (optional, since a list may give them) and `--files-from`. */
export function fileListInput(command: Command, files: string): Command {
  return command
    .argument('[file...]', `${files} (or --files-from)`)
    .option('--files-from <LIST>', 'more inputs, read from the file LIST, one a line, after any FILE arguments (blank lines and lines starting with # skipped); - reads the list from stdin');
}

/**
 * The files to read, in order: the arguments, then the list's lines. Each local one must be a file
 * (checked before anything is opened); http(s) URLs are taken as they are.
 */
export function inputFiles(args: readonly string[], opts: FileListOptions): string[] {
  const files = [...args];
  const source = opts.filesFrom === '-' ? 'stdin' : opts.filesFrom;
  if (opts.filesFrom !== undefined) {
    let text: string;
    try {
      text = readFileSync(opts.filesFrom === '-' ? 0 : opts.filesFrom, 'utf8');
    } catch (err) {
      throw new UsageError(`--files-from ${source}: cannot read the list (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    for (const line of text.split(/\r?\n/)) {
      const file = line.trim();
      if (file && !file.startsWith('#')) files.push(file);
    }
  }
  if (files.length === 0) throw new UsageError(source ? `--files-from ${source}: the list names no file, and no FILE was given` : 'no input files: give FILE… or --files-from LIST');
  for (const f of files) {
    if (isUrl(f)) continue;
    const st = statSync(f, { throwIfNoEntry: false });
    if (!st) throw new UsageError(`${f}: no such file`);
    if (st.isDirectory()) throw new UsageError(`${f}: a folder, not a file (give its files, or list them with --files-from)`);
  }
  return files;
}
