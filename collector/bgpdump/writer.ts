/**
 * Buffered text output to a stream: batches small strings into large writes, waits for
 * 'drain' when the stream is full, and stops quietly when the reader goes away (EPIPE,
 * e.g. `| head`).
 */
import type { Writable } from 'node:stream';

export class BufferedWriter {
  private parts: string[] = [];
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

  async write(text: string): Promise<void> {
    if (this.closed || text.length === 0) return;
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= this.limit) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.closed || this.parts.length === 0) return;
    const chunk = this.parts.join('');
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
