/**
 * `--record FILE.jsonl`: appends every received RIS Live frame, one per line, exactly as
 * received; the file source and the replay server read such files back.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { log } from '../../common/log.js';

export class JsonlRecorder {
  private readonly out: WriteStream;
  private failed = false;
  lines = 0;

  constructor(readonly path: string) {
    this.out = createWriteStream(path, { flags: 'a' });
    this.out.on('error', (err) => {
      // A full disk must not stop the live feed: stop recording, say so once.
      if (!this.failed) log.error({ file: path, err: err.message, lines: this.lines }, 'recording failed; no further frames are recorded');
      this.failed = true;
    });
  }

  /** Writes one frame (a JSON text without newlines). */
  write(frame: string): void {
    if (this.failed) return;
    this.lines++;
    this.out.write(frame.endsWith('\n') ? frame : frame + '\n');
  }

  /** Flushes and closes the file. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.out.closed || this.out.destroyed) return resolve();
      this.out.end(() => resolve());
    });
  }
}
