import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { createGunzip } from 'node:zlib';
import { fileStream } from './file-stream.js';
import { fetchRetried, isUrl } from './url.js';

export type Compression = 'gzip' | 'bzip2' | 'none';

/** Detects the compression from the first bytes (magic numbers), not from the file name. */
export function detectCompression(head: Uint8Array): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 3 && head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) return 'bzip2';
  return 'none';
}

/** Marks an error of reading an input itself (the network, the disk), as opposed to what the input holds. */
const READ_FAILURE = Symbol('portolan.inputReadFailure');

/**
 * Whether `err` came from reading the input itself: a connection lost or refused, an HTTP error,
 * an I/O error. Such an input was not read to its end, and reading it again may succeed; a
 * truncated or corrupt file fails the same way every time (its decoder's error, unmarked).
 */
export function isInputReadFailure(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { [READ_FAILURE]?: boolean })[READ_FAILURE] === true;
}

/** A read failure of an input, marked as such. */
export const inputReadFailure = (message: string): Error => markReadFailure(new Error(message));

function markReadFailure<E>(err: E): E {
  if (typeof err === 'object' && err !== null) (err as { [READ_FAILURE]?: boolean })[READ_FAILURE] = true;
  return err;
}

/** The raw bytes; its errors, and a failure to open a URL, are marked as read failures. */
async function openRaw(source: string): Promise<Readable> {
  // Registered first, so every other listener sees the mark, and the input named in the message.
  const marking = (raw: Readable): Readable =>
    raw.on('error', (err: Error) => {
      if (!isInputReadFailure(err)) err.message = `reading ${source} failed (${err.message})`;
      markReadFailure(err);
    });
  if (source === '-') return marking(process.stdin);
  if (!isUrl(source)) return marking(fileStream(source, 1 << 20));
  let res: Response;
  try {
    res = await fetchRetried(source);
  } catch (err) {
    throw inputReadFailure(`GET ${source} failed: ${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}`);
  }
  if (!res.ok || !res.body) throw inputReadFailure(`GET ${source} failed: HTTP ${res.status}`);
  return marking(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>));
}

/** An input already opened: its (decompressed) bytes, and the file or URL they are of, for messages. */
export interface OpenedInput {
  file: string;
  stream: Readable;
}

/**
 * Reads chunks until `enough` says so of one (given the bytes read so far), or the stream ends,
 * and returns what was read with a stream that still yields every byte: the same stream with the
 * bytes pushed back, or a fresh one when the source already ended.
 */
export async function peek(stream: Readable, enough: (chunk: Buffer, length: number) => boolean): Promise<{ head: Buffer; stream: Readable }> {
  const chunks: Buffer[] = [];
  let length = 0;
  let done = false;
  while (!done) {
    const chunk: Buffer | null = stream.read();
    if (chunk) {
      chunks.push(chunk);
      length += chunk.length;
      done = enough(chunk, length);
      continue;
    }
    if (stream.readableEnded) break;
    await new Promise<void>((resolve) => {
      const woken = () => {
        stream.off('readable', woken).off('end', woken).off('error', woken);
        resolve();
      };
      stream.once('readable', woken).once('end', woken).once('error', woken);
    });
    if (stream.errored) throw stream.errored;
    if (stream.readableEnded) break;
  }
  // One chunk (the usual case) is the head as it is: a decompressor's chunk can be megabytes.
  const head = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, length);
  if (stream.readableEnded) return { head, stream: Readable.from(head.length ? [head] : []) };
  if (head.length) stream.unshift(head);
  return { head, stream };
}

/**
 * Opens a local file, `-` (stdin) or an http(s) URL as a stream of decompressed bytes.
 * gzip (multi-member too) and bzip2 are recognised by their magic bytes, so a file's
 * name does not need to tell (bzip2: the system's lbzip2 or bzip2 for local files and downloaded
 * URLs, else unbzip2-stream).
 * A truncated .gz/.bz2 delivers every byte that could be decoded, then fails with a stream
 * error the caller counts and reports.
 */
export async function openInput(source: string): Promise<Readable> {
  const { head, stream: raw } = await peek(await openRaw(source), (_, length) => length >= 3);
  const kind = detectCompression(head);
  if (kind === 'none') return raw;
  if (kind === 'bzip2') return decodeBzip2(source, raw);
  const decoder = createGunzip({ chunkSize: 1 << 18 });
  raw.on('error', (err) => decoder.destroy(err));
  return raw.pipe(decoder);
}

/**
 * A bzip2 input decoded by a system decoder when there is one (see common/bzip2.ts): a local file
 * as it is; a URL once downloaded to a temporary file (TMPDIR), removed when its output is read
 * or dropped, since the decoder's exact handling of a cut file needs the file's end (in JS, as
 * it arrives, a URL decoded about 2 MB of bzip2 a second); stdin, or without a system decoder,
 * in JS as the bytes arrive. A download that fails (the connection, the disk) is a read failure,
 * thrown before anything is decoded.
 */
async function decodeBzip2(source: string, raw: Readable): Promise<Readable> {
  // Loaded for bzip2 input only (it brings child_process): a gzip file's reader starts sooner.
  const { decodeLocalBzip2, downloadToTemp, jsBzip2, systemBzip2 } = await import('./bzip2.js');
  const bins = systemBzip2();
  if (source === '-' || (!bins.parallel && !bins.serial)) return jsBzip2(raw);
  if (!isUrl(source)) {
    const decoded = await decodeLocalBzip2(source, bins);
    if (!decoded) return jsBzip2(raw);
    raw.destroy();
    return decoded;
  }
  let download: Awaited<ReturnType<typeof downloadToTemp>>;
  try {
    download = await downloadToTemp(raw);
  } catch (err) {
    if (isInputReadFailure(err)) throw err;
    throw inputReadFailure(`downloading ${source} to a temporary file failed (${(err as Error).message})`);
  }
  const decoded = (await decodeLocalBzip2(download.file, bins)) ?? (await jsBzip2(fileStream(download.file, 1 << 20)));
  // Removed once read, or at exit (a command that ends as soon as its output is written).
  const remove = () => {
    download.remove();
    process.off('exit', remove);
  };
  process.on('exit', remove);
  decoded.once('close', remove);
  return decoded;
}

/** A file or URL opened, or an input opened already, with its name. */
export async function opened(source: string | OpenedInput): Promise<OpenedInput> {
  return typeof source === 'string' ? { file: source, stream: await openInput(source) } : source;
}
