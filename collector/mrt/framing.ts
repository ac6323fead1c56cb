/**
 * MRT framing (RFC 6396 §2): a 12-byte header (timestamp, type, subtype, length), then the
 * body; BGP4MP_ET (type 17) starts the body with 4 bytes of microseconds, counted in the
 * length. Reads a byte stream with bounded memory: the current chunk, one partial record, and
 * about 32 MiB of chunks the source has produced ahead of the reader (then it is paused).
 */
import type { Readable } from 'node:stream';
import { inputReadFailure, isInputReadFailure } from '../../common/input.js';
import type { Report } from './stats.js';

export interface MrtFrame {
  offset: number;
  seconds: number;
  microseconds: number;
  type: number;
  subtype: number;
  /** The body after the header (and after the microseconds for _ET). */
  body: Uint8Array;
}

/** Seconds since 1970, with the microseconds of BGP4MP_ET as a fraction. */
export const frameTime = (f: MrtFrame): number => (f.microseconds ? f.seconds + f.microseconds / 1e6 : f.seconds);

/** A length above this is garbage, not a record: reading on would only buffer the file. */
export const MAX_RECORD_LENGTH = 1 << 26;
const KNOWN_TYPES = new Set([5, 11, 12, 13, 16, 17, 32, 33, 48, 49]);
/**
 * Frames per batch at most. A chunk can hold megabytes (what the decompressor buffered while the
 * reader was busy): framed in one go, a RIB's chunk held the thread 55-80 ms in `run`. A batch's
 * frames live until it is handled, and each young-generation GC copies them: at 4096 the 2016
 * updates file's five GCs took 20 ms of a 290 ms `parse`, at 1024 about 12.
 */
const MAX_BATCH = 1024;

export async function* readFrames(stream: Readable, report: Report, onBytes?: (n: number) => void): AsyncGenerator<MrtFrame> {
  for await (const batch of readFrameBatches(stream, report, onBytes)) yield* batch;
}

/**
 * The frames of each input chunk as one array: a caller that handles them in a loop pays one
 * await per chunk instead of one per record (a RIB has hundreds of thousands of records).
 *
 * Frames are views into the chunks, not copies. A record cut by chunk boundaries is copied
 * alone, once, when the chunks held for it complete it.
 */
export async function* readFrameBatches(stream: Readable, report: Report, onBytes?: (n: number) => void): AsyncGenerator<MrtFrame[]> {
  let buf: Uint8Array = new Uint8Array(0);
  let pos = 0;
  let base = 0; // stream offset of buf[0]
  // When buf is a record copied across a chunk boundary: the rest of the chunk that completed it.
  let after: Uint8Array | undefined;
  let failed: Error | undefined;
  const chunks = new ChunkQueue(stream, (err) => (failed ??= err));
  let ended = false;
  let skipping = false;
  // Chunks held back while the record at `pos` is incomplete and they cannot complete it: joined
  // once when they can (or at the end), so a long record costs one copy, not one per chunk.
  let held: Uint8Array[] = [];
  let heldBytes = 0;
  let missing = 0; // bytes the record at `pos` still lacks, when its header is complete
  /** Byte `i` of the unread tail followed by the held chunks. */
  const heldByte = (i: number): number => {
    const rest = buf.length - pos;
    if (i < rest) return buf[pos + i];
    i -= rest;
    for (const c of held) {
      if (i < c.length) return c[i];
      i -= c.length;
    }
    return 0;
  };
  /**
   * Joins the unread tail with the held chunks, copying each byte about once. When they complete
   * the record cut at `pos` and it ends in the last chunk, that record alone is copied and the
   * rest of the chunk is read next (`after`); otherwise (a header still cut, a length the loop
   * refuses, the input's end) everything is merged.
   */
  const append = () => {
    const rest = buf.length - pos;
    const last = held[held.length - 1];
    if (rest === 0 && held.length === 1) {
      base += buf.length;
      buf = last;
    } else {
      const total = rest + heldBytes;
      let size = total;
      if (total >= 12) {
        const length = ((heldByte(8) << 24) | (heldByte(9) << 16) | (heldByte(10) << 8) | heldByte(11)) >>> 0;
        if (length <= MAX_RECORD_LENGTH && 12 + length <= total && total - (12 + length) <= last.length) size = 12 + length;
      }
      const merged = new Uint8Array(size);
      merged.set(buf.subarray(pos));
      let at = rest;
      for (const c of held) {
        const n = Math.min(c.length, size - at);
        merged.set(n === c.length ? c : c.subarray(0, n), at);
        at += n;
      }
      if (size < total) after = last.subarray(last.length - (total - size));
      base += pos;
      buf = merged;
    }
    pos = 0;
    held = [];
    heldBytes = 0;
    missing = 0;
  };
  /** Frames what is complete in the buffer into `batch`, up to MAX_BATCH. */
  const frameBuffer = (batch: MrtFrame[]) => {
    while (!skipping && buf.length - pos >= 12 && batch.length < MAX_BATCH) {
      const h = pos;
      const seconds = ((buf[h] << 24) | (buf[h + 1] << 16) | (buf[h + 2] << 8) | buf[h + 3]) >>> 0;
      const type = (buf[h + 4] << 8) | buf[h + 5];
      const subtype = (buf[h + 6] << 8) | buf[h + 7];
      const length = ((buf[h + 8] << 24) | (buf[h + 9] << 16) | (buf[h + 10] << 8) | buf[h + 11]) >>> 0;
      if (length > MAX_RECORD_LENGTH) {
        report('bad-length', base + h, `record length ${length} (type ${type}) is not plausible: the rest of the input cannot be framed and is skipped`);
        skipping = true;
        break;
      }
      if (buf.length - pos < 12 + length) {
        missing = 12 + length - (buf.length - pos);
        break;
      }
      pos += 12 + length;
      if (!KNOWN_TYPES.has(type)) {
        report('unknown-type', base + h, `unknown MRT type ${type} subtype ${subtype} (length ${length}): record skipped`);
        continue;
      }
      let body = buf.subarray(h + 12, h + 12 + length);
      let microseconds = 0;
      if (type === 17) {
        if (length < 4) {
          report('bad-length', base + h, `BGP4MP_ET record of length ${length} has no microseconds: skipped`);
          continue;
        }
        microseconds = ((body[0] << 24) | (body[1] << 16) | (body[2] << 8) | body[3]) >>> 0;
        body = body.subarray(4);
      }
      batch.push({ offset: base + h, seconds, microseconds, type, subtype, body });
    }
  };
  try {
    while (true) {
      const batch: MrtFrame[] = [];
      frameBuffer(batch);
      if (after && pos === buf.length) {
        // The copied record is framed: on with the chunk that completed it, in the same batch.
        base += buf.length;
        buf = after;
        pos = 0;
        after = undefined;
        frameBuffer(batch);
      }
      if (batch.length) yield batch;
      if (batch.length === MAX_BATCH) continue; // more frames may be complete in the buffer
      if (ended) break;
      const chunk = await chunks.next();
      if (!chunk) {
        ended = true;
        continue;
      }
      onBytes?.(chunk.length);
      if (skipping) {
        base += chunk.length;
        continue;
      }
      held.push(chunk);
      heldBytes += chunk.length;
      if (heldBytes >= missing) append();
    }
    if (held.length) append();
    const left = skipping ? 0 : buf.length - pos;
    // The network or the disk failed, not the file: its end was never read, so the reader is told
    // (after the complete records), where a file cut short ends with a warning.
    if (failed && isInputReadFailure(failed)) throw inputReadFailure(`${failed.message} after ${base + buf.length} bytes of its content: its end is missing`);
    if (failed) report('truncated', base + buf.length, `input ended early (${failed.message}); ${left} byte(s) of a partial record dropped`);
    else if (left > 0) report('truncated', base + pos, `input ends inside a record: ${left} trailing byte(s) dropped`);
  } finally {
    chunks.close();
  }
}

/**
 * A byte stream's chunks, as they come. It takes them by 'data' events: a decompressor that
 * fails at a truncated end (gzip, bzip2) may drop output it still buffers when it errors, so
 * flowing its data out as soon as it is produced keeps every decodable byte. The source is
 * paused only when far ahead of the reader, which bounds memory. Unlike a PassThrough's
 * iterator, it never joins the chunks waiting into one (a copy of every byte).
 */
class ChunkQueue {
  private static readonly PAUSE_ABOVE = 1 << 25;
  private readonly queue: Buffer[] = [];
  private bytes = 0;
  private done = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly stream: Readable,
    onError: (err: Error) => void,
  ) {
    stream.on('data', (chunk: Buffer) => {
      this.queue.push(chunk);
      this.bytes += chunk.length;
      if (this.bytes > ChunkQueue.PAUSE_ABOVE) stream.pause();
      this.wakeReader();
    });
    // 'close' too: a source destroyed without an error ends neither way.
    stream.on('end', () => this.finish()).on('close', () => this.finish());
    stream.on('error', (err: Error) => {
      onError(err);
      this.finish();
    });
  }

  /**
   * The next chunk, or null once the source has ended or failed and every chunk is taken. A plain
   * Uint8Array over the Buffer's bytes: the frames are views into it, and a Buffer's views are
   * Buffers, built by a JavaScript constructor (about 3% of a `parse`).
   */
  async next(): Promise<Uint8Array | null> {
    while (!this.queue.length) {
      if (this.done) return null;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    const chunk = this.queue.shift() as Buffer;
    this.bytes -= chunk.length;
    if (this.bytes <= ChunkQueue.PAUSE_ABOVE / 2 && this.stream.isPaused() && !this.done) this.stream.resume();
    return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }

  /** Stops the source (a reader that stops early). */
  close(): void {
    this.stream.destroy();
  }

  private finish(): void {
    this.done = true;
    this.wakeReader();
  }

  private wakeReader(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
