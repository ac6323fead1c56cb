/**
 * Parsed delegated files keyed by the hash of their bytes: a file on both sides of a diff (a RIR
 * that published nothing new, or one archived file standing for both dates) is parsed once. The
 * parsed records are shared, read-only. Bounded: the oldest entry goes first.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseDelegatedFile, type DelegatedFile } from './delegated-parser.js';

export class ParseCache {
  private readonly entries = new Map<string, Promise<DelegatedFile>>();
  readonly counters = { parsed: 0, reused: 0 };

  /** `capacity`: files kept (a diff holds at most two sets of five). */
  constructor(private readonly capacity = 10) {}

  /** The file parsed, or the parse of a file with the same bytes (its records; `path` is the first one's). */
  get(path: string): Promise<DelegatedFile> {
    // Hashed synchronously (compressed files of a few MB): two sides asking at once share one parse.
    let key: string;
    try {
      key = createHash('sha256').update(readFileSync(path)).digest('hex');
    } catch {
      return parseDelegatedFile(path); // its own error names the file
    }
    const hit = this.entries.get(key);
    if (hit) {
      this.counters.reused++;
      return hit;
    }
    this.counters.parsed++;
    const parsed = parseDelegatedFile(path);
    this.entries.set(key, parsed);
    // A failed parse is not kept: the next attempt reads the file again.
    parsed.catch(() => this.entries.delete(key));
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return parsed;
  }
}
