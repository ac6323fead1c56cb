/**
 * The JS bzip2 decoder (unbzip2-stream) as a Readable: a reader that pulls (read(), async
 * iteration) gets what a flowing one gets, a reader that stops early stops the input, and an
 * input that fails half way ends the output with that failure.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { jsBzip2, systemBzip2 } from '../../common/bzip2.js';
import { inputReadFailure } from '../../common/input.js';
import { drain, oddCopies, sample } from '../helpers/bzip2-sample.js';
import { expectSameRead, type ReadResult } from '../helpers/bytes.js';
import { makeTmpDir } from '../helpers/tmp.js';

const { serial: bin } = systemBzip2();

describe.skipIf(!bin)(`the JS bzip2 decoder read by pulling ${bin ? '' : '(skipped: no bzip2 binary to compress with)'}`, () => {
  const dir = makeTmpDir('bzip2-js');
  const plain = sample();
  const whole = execFileSync(bin!, ['-1', '-c'], { input: plain, maxBuffer: 1 << 28 });
  const cases = oddCopies(whole);

  it('the JS decoder\'s output can also be pulled (read(), async iteration: the format sniff of ingest), a cut file still yields every byte, then the error', async () => {
    /** Every byte a reader that pulls gets, and the error it ends with, reading slowly (the decoder runs ahead). */
    const pull = async (stream: Readable): Promise<ReadResult> => {
      const chunks: Buffer[] = [];
      try {
        for await (const chunk of stream) {
          chunks.push(chunk as Buffer);
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
        return { bytes: Buffer.concat(chunks), error: null };
      } catch (err) {
        return { bytes: Buffer.concat(chunks), error: (err as Error).message };
      }
    };
    for (const [name, data] of cases) {
      const file = join(dir, `pull-${name.replace(/\W+/g, '-')}.bz2`);
      writeFileSync(file, data);
      const drained = await drain(await jsBzip2(createReadStream(file)));
      expectSameRead(await pull(await jsBzip2(createReadStream(file))), drained, name);
      if (name.startsWith('cut')) expect(drained.error, name).not.toBeNull();
    }
    expect((await pull(await jsBzip2(createReadStream(join(dir, 'pull-whole.bz2'))))).bytes.equals(plain)).toBe(true);
  });

  it('the input failing half way (a dropped connection) ends the JS decoder\'s output with that failure, after what it decoded, never as a clean end', async () => {
    const raw = new Readable({ read() {} });
    raw.push(whole.subarray(0, whole.length >> 1));
    const decoded = drain(await jsBzip2(raw));
    setTimeout(() => raw.destroy(inputReadFailure('reading http://127.0.0.1/x.bz2 failed (socket hang up)')), 10);
    const { bytes, error } = await decoded;
    expect(error).toBe('reading http://127.0.0.1/x.bz2 failed (socket hang up)');
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes.equals(plain.subarray(0, bytes.length))).toBe(true);
  });

  it('a reader that stops early stops the input too (it was read and decoded to its end for nothing)', async () => {
    const file = join(dir, 'early-js.bz2');
    writeFileSync(file, Buffer.concat([whole, whole, whole]));
    const raw = createReadStream(file, { highWaterMark: 16 << 10 });
    const stream = await jsBzip2(raw);
    await new Promise((resolve) => stream.once('data', resolve));
    stream.destroy();
    await new Promise<void>((resolve) => raw.once('close', () => resolve()));
    expect(raw.destroyed).toBe(true);
    expect(raw.bytesRead).toBeLessThan(3 * whole.length);
  });

});
