/**
 * Snapshot file of the prefix state: gzip (level 1) of
 *   magic "PTLSTAT1" | sections… | SHA-256 of everything before it (32 bytes)
 * where each section is a u64 LE byte length followed by its bytes, in this order: meta (JSON),
 * prefixes (UTF-8, '\n'-separated), pairs per prefix (u32), then the pair columns origin (u32),
 * originSet (u32), firstSeen (f64), lastSeen (f64), count (u32), status (u16), bits (u32 × words),
 * pairs in prefix order. Typed arrays are written in the machine's byte order, recorded in meta.
 * Written to a temporary file beside the target and renamed, so a crash never leaves half a file.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { endianness } from 'node:os';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGzip, gunzip } from 'node:zlib';

const MAGIC = Buffer.from('PTLSTAT1', 'latin1');
const DIGEST_BYTES = 32;

export interface SnapshotMeta {
  version: 1;
  endianness: 'LE' | 'BE';
  words: number;
  maxPairs: number;
  sources: { peers: { collector: string; peer_ip: string; peer_asn: number }[]; sources: [number, number][] };
  originSets: number[][];
  counters: Record<string, number>;
}

/** Everything the state needs to come back: pairs listed prefix by prefix. */
export interface StateImage {
  meta: SnapshotMeta;
  prefixes: string[];
  pairsPerPrefix: Uint32Array;
  origin: Uint32Array;
  originSet: Uint32Array;
  firstSeen: Float64Array;
  lastSeen: Float64Array;
  count: Uint32Array;
  status: Uint16Array;
  bits: Uint32Array;
}

export class SnapshotError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`prefix-state snapshot ${path} is unusable: ${reason} (delete it and rebuild the state from a RIB dump)`);
    this.name = 'SnapshotError';
  }
}

function* sections(image: StateImage): Generator<Buffer> {
  const bytes = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const parts: Buffer[] = [
    Buffer.from(JSON.stringify(image.meta)),
    Buffer.from(image.prefixes.join('\n')),
    bytes(image.pairsPerPrefix),
    bytes(image.origin),
    bytes(image.originSet),
    bytes(image.firstSeen),
    bytes(image.lastSeen),
    bytes(image.count),
    bytes(image.status),
    bytes(image.bits),
  ];
  for (const p of parts) {
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(p.length));
    yield len;
    yield p;
  }
}

/** The start of the names a snapshot of `path` is written under before its rename (a write in progress, or one a crash cut). */
export const partialSnapshotPrefix = (path: string): string => `${path}.tmp-`;

export async function writeSnapshot(path: string, image: StateImage): Promise<void> {
  const tmp = `${partialSnapshotPrefix(path)}${process.pid}-${randomBytes(4).toString('hex')}`;
  const hash = createHash('sha256');
  async function* body(): AsyncGenerator<Buffer> {
    hash.update(MAGIC);
    yield MAGIC;
    for (const chunk of sections(image)) {
      hash.update(chunk);
      yield chunk;
    }
    yield hash.digest();
  }
  try {
    await pipeline(Readable.from(body()), createGzip({ level: 1 }), createWriteStream(tmp));
    const fh = await open(tmp, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

export async function readSnapshot(path: string): Promise<StateImage> {
  let raw: Buffer;
  try {
    raw = await readFile(path);
  } catch (err) {
    throw new SnapshotError(path, `cannot read it (${(err as Error).message})`);
  }
  let data: Buffer;
  try {
    data = await promisify(gunzip)(raw);
  } catch (err) {
    throw new SnapshotError(path, `not a gzip stream or truncated (${(err as Error).message})`);
  }
  if (data.length < MAGIC.length + DIGEST_BYTES || !data.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new SnapshotError(path, 'wrong magic: not a Portolan prefix-state snapshot of this version');
  }
  const body = data.subarray(0, data.length - DIGEST_BYTES);
  const digest = createHash('sha256').update(body).digest();
  if (!digest.equals(data.subarray(data.length - DIGEST_BYTES))) throw new SnapshotError(path, 'checksum mismatch');

  let offset = MAGIC.length;
  const next = (name: string): Buffer => {
    if (offset + 8 > body.length) throw new SnapshotError(path, `section ${name} missing`);
    const len = Number(body.readBigUInt64LE(offset));
    offset += 8;
    if (offset + len > body.length) throw new SnapshotError(path, `section ${name} truncated`);
    const out = body.subarray(offset, offset + len);
    offset += len;
    return out;
  };
  // Copies: typed arrays need aligned, owned memory.
  const typed = <T>(name: string, size: number, make: (b: ArrayBuffer) => T): T => {
    const b = next(name);
    if (b.length % size !== 0) throw new SnapshotError(path, `section ${name} has a partial element`);
    const copy = new ArrayBuffer(b.length);
    new Uint8Array(copy).set(b);
    return make(copy);
  };

  let meta: SnapshotMeta;
  try {
    meta = JSON.parse(next('meta').toString('utf8')) as SnapshotMeta;
  } catch (err) {
    if (err instanceof SnapshotError) throw err;
    throw new SnapshotError(path, `meta is not JSON (${(err as Error).message})`);
  }
  if (meta.version !== 1) throw new SnapshotError(path, `unsupported version ${meta.version}`);
  if (meta.endianness !== endianness()) throw new SnapshotError(path, `written on a ${meta.endianness} machine`);
  const prefixText = next('prefixes').toString('utf8');
  const image: StateImage = {
    meta,
    prefixes: prefixText.length ? prefixText.split('\n') : [],
    pairsPerPrefix: typed('pairsPerPrefix', 4, (b) => new Uint32Array(b)),
    origin: typed('origin', 4, (b) => new Uint32Array(b)),
    originSet: typed('originSet', 4, (b) => new Uint32Array(b)),
    firstSeen: typed('firstSeen', 8, (b) => new Float64Array(b)),
    lastSeen: typed('lastSeen', 8, (b) => new Float64Array(b)),
    count: typed('count', 4, (b) => new Uint32Array(b)),
    status: typed('status', 2, (b) => new Uint16Array(b)),
    bits: typed('bits', 4, (b) => new Uint32Array(b)),
  };
  if (offset !== body.length) throw new SnapshotError(path, 'trailing bytes after the last section');
  const pairs = image.origin.length;
  let total = 0;
  for (const n of image.pairsPerPrefix) total += n;
  const consistent =
    image.pairsPerPrefix.length === image.prefixes.length &&
    total === pairs &&
    [image.originSet, image.firstSeen, image.lastSeen, image.count, image.status].every((a) => a.length === pairs) &&
    image.bits.length === pairs * meta.words;
  if (!consistent) throw new SnapshotError(path, 'section sizes disagree');
  return image;
}
