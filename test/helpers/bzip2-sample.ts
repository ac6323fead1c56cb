/** What the bzip2 tests share: a sample that compresses into several blocks, its odd copies, and a reader of every byte. */
import type { Readable } from 'node:stream';
import type { ReadResult } from './bytes.js';

/** Every byte a stream delivers, and the message of the error it ends with (null: it ended). */
export function drain(stream: Readable): Promise<ReadResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve({ bytes: Buffer.concat(chunks), error: null }));
    stream.on('error', (err: Error) => resolve({ bytes: Buffer.concat(chunks), error: err.message }));
  });
}

/** Text that compresses into several 100 kB bzip2 blocks (bzip2 -1), the same on every run. */
export function sample(): Buffer {
  let x = 12345;
  const lines: string[] = [];
  for (let i = 0; i < 40_000; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    lines.push(`BGP4MP|${1_700_000_000 + i}|A|192.0.2.${x % 256}|${x % 65536}|10.${(x >>> 8) % 256}.0.0/16|${x % 7018} ${x % 3356}|IGP`);
  }
  return Buffer.from(lines.join('\n'));
}

/** A whole bzip2 file and its copies cut short, with bytes after it, and doubled. */
export function oddCopies(whole: Buffer): Array<[string, Buffer]> {
  return [
    ['whole', whole],
    ['cut in the first block', whole.subarray(0, 40)],
    ['cut in the middle', whole.subarray(0, whole.length >> 1)],
    ['cut 1 byte short', whole.subarray(0, whole.length - 1)],
    ['trailing garbage', Buffer.concat([whole, Buffer.from('not bzip2 at all')])],
    ['two streams', Buffer.concat([whole, whole])],
    ['garbage between two streams', Buffer.concat([whole, Buffer.from('not bzip2'), whole])],
  ];
}
