import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { humanDuration } from '../common/duration.js';
/** A one-line progress display on a TTY (stderr), redrawn at most a few times a second; silent otherwise. */
export class ProgressLine {
  private last = 0;
  private shown = false;
  private readonly enabled: boolean;

  constructor(enabled = process.stderr.isTTY === true) {
    this.enabled = enabled;
  }

  update(text: () => string, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.last < 250) return;
    this.last = now;
    const columns = process.stderr.columns || 100;
    process.stderr.write(`\r${text().slice(0, columns - 1).padEnd(columns - 1)}`);
    this.shown = true;
  }

  done(): void {
    if (this.shown) process.stderr.write('\n');
    this.shown = false;
  }
}

export const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');

/**
 * Progress over a list of files: files done, elements and elements/s so far, and an ETA from
 * the input bytes of the files done (by file size; unknown for URLs, whose size is not read).
 */
export class FilesProgress {
  private readonly sizes = new Map<string, number>();
  private totalBytes: number;
  /** Files still to read whose size is not known (URLs): no ETA while there are any. */
  private unsized: number;
  private bytesDone = 0;
  private filesDone = 0;

  constructor(
    private readonly files: readonly string[],
    private readonly started = Date.now(),
  ) {
    for (const f of files) {
      try {
        if (!/^https?:\/\//.test(f)) this.sizes.set(f, statSync(f).size);
      } catch {
        // unreadable here: the read itself will say why
      }
    }
    this.totalBytes = [...this.sizes.values()].reduce((a, b) => a + b, 0);
    this.unsized = files.filter((f) => !this.sizes.has(f)).length;
  }

  fileDone(file: string): void {
    this.filesDone++;
    this.bytesDone += this.sizes.get(file) ?? 0;
  }

  /** A file not read (already ingested): done, and left out of the byte rate. */
  fileSkipped(file: string): void {
    this.filesDone++;
    const size = this.sizes.get(file);
    if (size === undefined) this.unsized--;
    else this.totalBytes -= size;
  }

  /** Seconds left at the byte rate of the files done so far; null before the first or without sizes. */
  etaSeconds(now = Date.now()): number | null {
    if (!this.bytesDone || this.unsized > 0) return null;
    return ((this.totalBytes - this.bytesDone) * (now - this.started)) / this.bytesDone / 1000;
  }

  line(file: string, elements: number, findings: number, now = Date.now()): string {
    const s = Math.max((now - this.started) / 1000, 1e-3);
    const eta = this.etaSeconds(now);
    return `[${this.filesDone}/${this.files.length} files done] ${basename(file)}: ${fmtInt(elements)} elements, ${fmtInt(elements / s)}/s, ${fmtInt(findings)} findings${eta === null ? '' : `, ETA ${humanDuration(eta)}`}`;
  }
}
