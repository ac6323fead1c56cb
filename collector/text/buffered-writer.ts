/**
 * Buffered output to a stream: batches chunks of text bytes into large writes, waits for
 * 'drain' when the stream is full, and stops quietly when the reader goes away (EPIPE,
 * e.g. `| head`).
 */
import type { Writable } from 'node:stream';

export class BufferedWriter {
  private parts: Uint8Array[] = [];
  private size = 0;
  private closed = false;
  private failure: Error | undefined;

  constructor(
    private readonly out: Writable,
    private readonly limit = 1 << 16,
  ) {
    out.on('error', (err: NodeJS.ErrnoException) => {
      this.closed = true;
      if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') this.failure = err;
    });
  }

  /** False once the reader has gone: the producer should stop. */
  get open(): boolean {
    return !this.closed;
  }

  /** Queues `chunk`, which the caller no longer writes to. */
  async write(chunk: Uint8Array): Promise<void> {
    if (this.closed || chunk.length === 0) return;
    this.parts.push(chunk);
    this.size += chunk.length;
    if (this.size >= this.limit) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.closed || this.parts.length === 0) return;
    const chunk = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts);
    this.parts = [];
    this.size = 0;
    if (!this.out.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.out.off('drain', done).off('error', done).off('close', done);
          resolve();
        };
        this.out.on('drain', done).on('error', done).on('close', done);
      });
    }
  }

  /** Flushes and reports a write error other than a closed pipe. */
  async end(): Promise<void> {
    await this.flush();
    if (this.failure) throw this.failure;
  }
}
