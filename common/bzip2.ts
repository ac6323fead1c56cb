/**
 * bzip2 decoding of local files by a system decoder, with an exact fallback: when it fails or says
 * anything (a truncated or damaged file), the file is decoded again by unbzip2-stream and its
 * output continues where the system decoder's stopped. `bzip2 -dc` (libbz2, several times the
 * pure-JS unbzip2-stream) drops up to one 5000-byte output buffer at a truncated end while
 * unbzip2-stream (and bgpdump's libbz2 reads) keep every complete block, so a truncated file
 * yields exactly the bytes, then the error, it yielded before. A file that does not end with
 * the end-of-stream marker (cut short) is split at its last block (bzip2-blocks.ts): the
 * complete blocks go through the system decoder as a whole stream, the cut one through
 * unbzip2-stream; a file that cannot be split so goes to unbzip2-stream directly. A damaged
 * block in a whole-looking file: bzip2, like libbz2 in bgpdump, passes on that block before its
 * CRC fails, where unbzip2-stream stopped before it; the error that follows is the same.
 *
 * `lbzip2`, where installed, decodes a stream's blocks on every core (about twice bzip2's speed
 * on two cores), with the same bytes and errors but for one case: bytes after a stream's end
 * that do not start another stream, which it ignores without a word where bzip2 warns (and the
 * JS decoder fails). So it takes only files whose one end-of-stream marker is their end (a scan
 * at about 0.5 ms a MB) and the rebuilt stream of a cut file; other files go to bzip2.
 */
import { spawn } from 'node:child_process';
import { accessSync, closeSync, constants, createReadStream, createWriteStream, fstatSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { mkdtemp, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { END_MAGIC, splitAtLastBlock, streamEndPositions, type CutBzip2 } from './bzip2-blocks.js';

/** The system decoders found: `serial` says when data follows a stream's end, `parallel` (lbzip2) does not. */
export interface SystemBzip2 {
  serial: string | null;
  parallel: string | null;
}

const SERIAL_CANDIDATES = ['/usr/bin/bzip2', '/bin/bzip2', '/usr/local/bin/bzip2'];
const PARALLEL_CANDIDATES = ['/usr/bin/lbzip2', '/bin/lbzip2', '/usr/local/bin/lbzip2'];

let found: SystemBzip2 | undefined;

/**
 * The system decoders. PORTOLAN_BZIP2=js forces the JS decoder; a path picks that one binary
 * (taken as lbzip2 when its name says so).
 */
export function systemBzip2(): SystemBzip2 {
  const forced = process.env.PORTOLAN_BZIP2;
  if (forced === 'js') return { serial: null, parallel: null };
  if (forced) return basename(forced).includes('lbzip2') ? { serial: null, parallel: forced } : { serial: forced, parallel: null };
  found ??= { serial: firstExecutable(SERIAL_CANDIDATES), parallel: firstExecutable(PARALLEL_CANDIDATES) };
  return found;
}

function firstExecutable(paths: string[]): string | null {
  return (
    paths.find((p) => {
      try {
        accessSync(p, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    }) ?? null
  );
}

/**
 * The decoded bytes of a local .bz2 file through the system decoders (see above), or null when
 * none can take it and the caller decodes it in JS.
 */
export async function decodeLocalBzip2(file: string, bins: SystemBzip2): Promise<Readable | null> {
  if (!endsWithStreamEnd(file)) {
    // The rebuilt stream of a cut file holds one end-of-stream marker, its own.
    const bin = bins.parallel ?? bins.serial;
    return bin ? decodeCutBzip2File(file, bin) : null;
  }
  const bin = bins.parallel && (await streamEndsIn(file)) === 1 ? bins.parallel : bins.serial;
  return bin ? decodeBzip2File(file, bin) : null;
}

/**
 * A stream's bytes (a URL's bzip2) in a temporary file under TMPDIR, and how to remove it: a URL is
 * decoded as a local file once downloaded. Nothing is left when the stream or the write fails.
 */
export async function downloadToTemp(raw: Readable): Promise<{ file: string; remove: () => void }> {
  const dir = await mkdtemp(join(tmpdir(), 'portolan-download-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  const file = join(dir, 'input.bz2');
  try {
    await pipeline(raw, createWriteStream(file));
  } catch (err) {
    remove();
    throw err;
  }
  return { file, remove };
}

/**
 * How many end-of-stream markers a file holds (a chance match inside compressed data counts too:
 * it only sends the file to bzip2), read `chunkBytes` at a time.
 */
export async function streamEndsIn(file: string, chunkBytes = 8 << 20): Promise<number> {
  // A marker spans at most 7 bytes: each read keeps the previous one's last 6 in front of it.
  const KEEP = 6;
  const buf = Buffer.allocUnsafe(KEEP + chunkBytes);
  const seen = new Set<number>();
  const fd = await open(file, 'r');
  try {
    let kept = 0;
    for (let offset = 0; ; ) {
      const { bytesRead } = await fd.read(buf, kept, chunkBytes, offset);
      if (bytesRead === 0) break;
      const filled = kept + bytesRead;
      const first = offset - kept; // the file's byte at buf[0]
      for (const bit of streamEndPositions(buf.subarray(0, filled))) seen.add(first * 8 + bit);
      offset += bytesRead;
      const next = Math.min(KEEP, filled);
      buf.copy(buf, 0, filled - next, filled);
      kept = next;
    }
  } finally {
    await fd.close();
  }
  return seen.size;
}

/**
 * Whether a .bz2 file ends with the end-of-stream marker (48 bits, then a 32-bit CRC, then 0-7
 * padding bits): a file cut short does not, and is split at its last block rather than decoded
 * twice (the system decoder, then the fallback).
 */
export function endsWithStreamEnd(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size < 14) return false;
    const tail = Buffer.alloc(11);
    readSync(fd, tail, 0, 11, size - 11);
    const bits = BigInt(`0x${tail.toString('hex')}`);
    for (let pad = 0n; pad < 8n; pad++) if (((bits >> (32n + pad)) & 0xffffffffffffn) === END_MAGIC) return true;
    return false;
  } finally {
    closeSync(fd);
  }
}

/**
 * A stream of the JS decoder's output of a byte stream (errors at a truncated end). The decoder is
 * an old-style stream (no read(), not async iterable: a reader that pulls, as the format sniff of
 * `ingest` does, failed on it), so its output is handed on through a Readable of its own, with
 * backpressure. An error (the decoder's, or the input's) is passed on once every byte decoded
 * before it has been read (failAfterRead), so a truncated file yields every byte that could be
 * decoded.
 */
export async function jsBzip2(raw: Readable): Promise<Readable> {
  const { default: unbzip2 } = await import('unbzip2-stream');
  const decoder = unbzip2() as unknown as NodeJS.ReadWriteStream;
  let inputEnded = false;
  let failed: Error | null = null;
  const out = new Readable({
    highWaterMark: 1 << 20,
    read: () => decoder.resume(),
    // A reader that stops early stops the input too: it was read and decoded to its end for nothing.
    destroy(err, done) {
      raw.unpipe(decoder as unknown as NodeJS.WritableStream);
      raw.destroy();
      done(err);
    },
  });
  const fail = (err: Error) => {
    if (failed) return;
    failed = err;
    raw.unpipe(decoder as unknown as NodeJS.WritableStream);
    // What it decoded before failing, held while paused, comes out now (nothing is written after).
    decoder.resume();
    failAfterRead(out, err);
  };
  // Registered before the pipe's own listener: the decoder's error is thrown while the end is handed on.
  raw.once('end', () => (inputEnded = true));
  raw.on('error', fail);
  decoder.on('data', (chunk: Buffer) => {
    if (!out.push(chunk) && !failed) decoder.pause();
  });
  decoder.on('end', () => {
    if (!failed) out.push(null);
  });
  decoder.on('error', (err: Error) => {
    err.message = explainDecoderError(err.message, inputEnded);
    fail(err);
  });
  raw.pipe(decoder as unknown as NodeJS.WritableStream);
  return out;
}

/**
 * Destroys `out` with `err` once every byte it holds has been read: a Readable destroyed with data
 * in its buffer drops that data. Polled (read() is not asked again while a read is pending) every
 * 10 ms, unref'd: a stream its reader abandoned neither spins the event loop nor keeps it alive.
 */
function failAfterRead(out: Readable, err: Error): void {
  if (out.destroyed) return;
  if (out.readableLength === 0) out.destroy(err);
  else setTimeout(() => failAfterRead(out, err), 10).unref();
}

/**
 * unbzip2-stream's errors do not say what is wrong ("Boom.", "moo i'm a cow", a TypeError when the
 * data stops inside a block). Blocks are decoded while input arrives only once a whole block's
 * worth is buffered, so an error after the input ended is a cut or damaged last block; before, a
 * damaged block.
 */
function explainDecoderError(message: string, inputEnded: boolean): string {
  const what = inputEnded ? 'the bzip2 data stops inside a block (the file is cut short, or its last block is damaged)' : 'the bzip2 data is damaged';
  return `${what}; decoder: ${message}`;
}

/** The decoded bytes of a local .bz2 file through `bin` (a system decoder), with the exact fallback. */
export function decodeBzip2File(file: string, bin: string): Readable {
  return throughSystemBzip2(file, bin, null);
}

/**
 * A local .bz2 file cut short (it does not end with the end-of-stream marker): its complete
 * blocks through `bin`, rebuilt into a whole stream (common/bzip2-blocks.ts), then the cut block
 * through the JS decoder, which fails on it as on the whole file. Null when the file cannot be
 * split so (no complete block, an end-of-stream marker anywhere, over 1 GiB): the caller
 * decodes it in JS. Bytes and error are those of unbzip2-stream on the file (tests). The file
 * is read and split synchronously: 10-20 ms a MiB here, against about 1.5 s a MiB in JS.
 */
export function decodeCutBzip2File(file: string, bin: string): Readable | null {
  if (statSync(file).size > MAX_SPLIT_BYTES) return null;
  const cut = splitAtLastBlock(readFileSync(file));
  return cut ? throughSystemBzip2(file, bin, cut) : null;
}

/** A cut file is read whole into memory to be split; larger ones go to the JS decoder as a stream. */
const MAX_SPLIT_BYTES = 1 << 30;

/**
 * `bin -dc` over the file, or over the rebuilt complete blocks of a cut file (then the JS decoder
 * over its cut end). When bzip2 fails or says anything, the file is decoded again by
 * unbzip2-stream and its output continues where bzip2's stopped.
 */
function throughSystemBzip2(file: string, bin: string, cut: CutBzip2 | null): Readable {
  let emitted = 0;
  let source: Readable | undefined;
  const out = new Readable({
    highWaterMark: 1 << 20,
    read: () => source?.resume(),
    destroy: (err, done) => {
      child.kill();
      source?.destroy();
      done(err);
    },
  });
  const forward = (from: Readable, skip: number) => {
    source = from;
    from.on('data', (chunk: Buffer) => {
      if (skip >= chunk.length) {
        skip -= chunk.length;
        return;
      }
      const part = skip ? chunk.subarray(skip) : chunk;
      skip = 0;
      emitted += part.length;
      if (!out.push(part)) from.pause();
    });
  };
  const fail = (err: Error) => failAfterRead(out, err);
  /** The JS decoder's output of `raw`, from byte `skip` on, until it ends or fails. */
  const continueInJs = (raw: Readable, skip: number) => {
    void jsBzip2(raw).then((js) => {
      if (out.destroyed) return js.destroy();
      forward(js, skip);
      js.on('end', () => out.push(null));
      js.on('error', fail);
    }, fail);
  };
  const child = cut ? spawn(bin, ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] }) : spawn(bin, ['-dc', '--', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  if (cut) {
    child.stdin!.on('error', () => undefined); // bzip2 gone early: its exit code tells
    child.stdin!.end(cut.complete);
  }
  let stderr = '';
  let spawnFailed = false;
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.on('error', () => (spawnFailed = true));
  forward(child.stdout, 0);
  child.on('close', (code) => {
    if (out.destroyed) return;
    if (code === 0 && !spawnFailed && stderr.trim() === '') {
      // A cut file's cut block: whatever the JS decoder makes of it, then its error.
      if (cut) continueInJs(Readable.from([cut.rest], { objectMode: false }), 0);
      else out.push(null);
      return;
    }
    // Decode again in JS and go on after what bzip2 delivered.
    continueInJs(createReadStream(file, { highWaterMark: 1 << 20 }), emitted);
  });
  return out;
}
