/**
 * The system decoders give the same bytes, and the same error, as unbzip2-stream: on whole files,
 * on files cut at several points (bzip2 itself drops the end of its last output buffer there: the
 * fallback must restore it), with trailing garbage, and when the binary is missing. A file cut
 * short has its complete blocks rebuilt into a whole stream for the system decoder and only its
 * cut block decoded in JS: the same bytes and error again. lbzip2 (every core) is given only the
 * files it decodes exactly: those whose one end-of-stream marker is their end, and cut files.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeBzip2File, decodeCutBzip2File, decodeLocalBzip2, endsWithStreamEnd, jsBzip2, streamEndsIn, systemBzip2, type SystemBzip2 } from '../../common/bzip2.js';
import { splitAtLastBlock } from '../../common/bzip2-blocks.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../helpers/shared-data.js';
import { isInputReadFailure, openInput } from '../../common/input.js';
import { fileServer } from '../helpers/http.js';
import { drain, oddCopies, sample } from '../helpers/bzip2-sample.js';
import { expectSameRead } from '../helpers/bytes.js';
import { makeTmpDir } from '../helpers/tmp.js';

const { serial: bin, parallel } = systemBzip2();

describe.skipIf(!bin)(`system bzip2 with the exact unbzip2-stream fallback ${bin ? '' : '(skipped: no bzip2 binary)'}`, () => {
  const dir = makeTmpDir('bzip2');
  const plain = sample();
  const whole = execFileSync(bin!, ['-1', '-c'], { input: plain, maxBuffer: 1 << 28 });
  const cases = oddCopies(whole);
  const damaged = Buffer.concat([whole.subarray(0, whole.length >> 1), Buffer.from([whole[whole.length >> 1] ^ 0x55]), whole.subarray((whole.length >> 1) + 1)]);

  it('has more than two blocks to cut between', () => {
    expect(plain.length).toBeGreaterThan(300_000);
  });

  it.each(cases)('%s: same bytes and same error as unbzip2-stream', async (name, data) => {
    const file = join(dir, `${name.replace(/\W+/g, '-')}.bz2`);
    writeFileSync(file, data);
    const js = await drain(await jsBzip2(createReadStream(file)));
    const sys = await drain(decodeBzip2File(file, bin!));
    expect(sys.bytes.length).toBe(js.bytes.length);
    expect(sys.bytes.equals(js.bytes)).toBe(true);
    expect(sys.error).toBe(js.error);
    if (name === 'whole') expect(sys.bytes.equals(plain)).toBe(true);
    if (name.startsWith('cut in the middle')) {
      // Complete blocks come out, then the error: the reader counts a truncated input.
      expect(sys.bytes.length).toBeGreaterThan(0);
      expect(sys.error).not.toBeNull();
      // bzip2 alone gives less here: the fallback is what restores the rest.
      const alone = spawnSync(bin!, ['-dc', file], { maxBuffer: 1 << 28 });
      expect(alone.status).not.toBe(0);
      expect(alone.stdout.length).toBeLessThan(js.bytes.length);
    }
  });

  it.each(cases)('%s, read as a file cut short: the complete blocks through bzip2, the cut one in JS, same bytes and error', async (name, data) => {
    const file = join(dir, `cut-path-${name.replace(/\W+/g, '-')}.bz2`);
    writeFileSync(file, data);
    const split = decodeCutBzip2File(file, bin!);
    // Split only where a block is cut after at least one complete block, in a single stream.
    expect(split !== null).toBe(name === 'cut in the middle');
    if (!split) return;
    const [sys, js] = [await drain(split), await drain(await jsBzip2(createReadStream(file)))];
    expect(sys.bytes.equals(js.bytes)).toBe(true);
    expect(sys.error).toBe(js.error);
    expect(sys.error).not.toBeNull();
  });

  it('splits at the last block: the complete ones form a whole stream, decoded by bzip2 alone', () => {
    for (const at of [0.3, 0.55, 0.8, 0.99]) {
      const cut = splitAtLastBlock(whole.subarray(0, Math.floor(whole.length * at)))!;
      expect(cut).not.toBeNull();
      const r = spawnSync(bin!, ['-dc'], { input: cut.complete, maxBuffer: 1 << 28 });
      expect(r.status, r.stderr.toString()).toBe(0);
      expect(r.stderr.length).toBe(0);
      // Whole blocks of bzip2 -1 (100 kB each, minus run-length savings), the text's start.
      expect(r.stdout.equals(plain.subarray(0, r.stdout.length))).toBe(true);
      expect(r.stdout.length).toBeGreaterThan(0);
      expect(cut.blocks).toBeGreaterThan(0);
      expect(cut.rest.subarray(0, 4).equals(whole.subarray(0, 4))).toBe(true);
    }
    expect(splitAtLastBlock(Buffer.from('BZh9 not really'))).toBeNull();
    expect(splitAtLastBlock(Buffer.concat([whole, whole.subarray(0, whole.length >> 1)]))).toBeNull(); // a second stream cut short
  });

  it('never throws on bytes that only look like bzip2 (seeded random, magics planted at random bit offsets)', () => {
    let x = 7;
    const rand = (n: number) => ((x = (x * 1103515245 + 12345) >>> 0) % n);
    for (let round = 0; round < 200; round++) {
      const data = Buffer.from(whole.subarray(0, 4 + rand(3000)));
      for (let i = 4; i < data.length; i++) if (rand(4) === 0) data[i] = rand(256);
      // A block magic at a random position (whole bytes here; the search itself is bit-level).
      if (data.length > 20) Buffer.from('314159265359', 'hex').copy(data, 4 + rand(data.length - 10));
      const cut = splitAtLastBlock(data);
      if (cut) expect(cut.complete.subarray(0, 4).equals(data.subarray(0, 4))).toBe(true);
    }
  });

  it('says what is wrong, not what the JS decoder says: data that stops inside a block, or a damaged block', async () => {
    const read = async (name: string, data: Buffer) => {
      const file = join(dir, name);
      writeFileSync(file, data);
      return (await drain(await jsBzip2(createReadStream(file)))).error;
    };
    // unbzip2-stream fails on these with a TypeError and with "Error in bzip2: crc32 do not match" or a joke.
    expect(await read('explain-cut.bz2', whole.subarray(0, whole.length >> 1))).toMatch(/^the bzip2 data stops inside a block \(the file is cut short, or its last block is damaged\); decoder: ./);
    expect(await read('explain-damaged.bz2', damaged)).toMatch(/^the bzip2 data is damaged; decoder: ./);
    expect(await read('explain-whole.bz2', whole)).toBeNull();
  });

  it('a damaged complete block in a file cut short: bzip2 fails on it and the JS fallback gives the same error', async () => {
    const file = join(dir, 'cut-damaged.bz2');
    writeFileSync(file, damaged.subarray(0, damaged.length - 2000));
    const js = await drain(await jsBzip2(createReadStream(file)));
    const sys = await drain(decodeCutBzip2File(file, bin!)!);
    expect(js.error).not.toBeNull();
    expect(sys.error).toBe(js.error);
    expect(sys.bytes.subarray(0, js.bytes.length).equals(js.bytes)).toBe(true);
  });

  it.skipIf(!hasSharedData)(`real RIBs cut after their first MiB: same bytes and error as unbzip2-stream, through bzip2 and lbzip2 (${sharedDataSkipReason})`, async () => {
    for (const name of ['rib.20080501.0644_firstMB.bz2', 'rib.20140523.0600_firstMB.bz2']) {
      const file = sharedData('mrt', 'pyasn-data', name);
      const js = await drain(await jsBzip2(createReadStream(file)));
      for (const decoder of [bin!, parallel].filter((b) => b !== null)) {
        const split = decodeCutBzip2File(file, decoder);
        expect(split).not.toBeNull();
        const sys = await drain(split!);
        expect(sys.bytes.length).toBe(js.bytes.length);
        expect(sys.bytes.equals(js.bytes)).toBe(true);
        expect(sys.error).toBe(js.error);
        expect(sys.error).not.toBeNull();
      }
    }
  });

  it('a damaged block: every block before it, then the same error (bzip2, like libbz2 in bgpdump, also passes on the damaged block it could not verify)', async () => {
    const file = join(dir, 'damaged.bz2');
    writeFileSync(file, damaged);
    const js = await drain(await jsBzip2(createReadStream(file)));
    const sys = await drain(decodeBzip2File(file, bin!));
    expect(js.error).not.toBeNull();
    expect(sys.error).toBe(js.error);
    expect(sys.bytes.subarray(0, js.bytes.length).equals(js.bytes)).toBe(true);
    expect(js.bytes.equals(plain.subarray(0, js.bytes.length))).toBe(true);
  });

  it('tells a file that ends with the end-of-stream marker from one cut short', () => {
    const file = (name: string, data: Buffer) => (writeFileSync(join(dir, name), data), join(dir, name));
    expect(endsWithStreamEnd(file('eos-whole.bz2', whole))).toBe(true);
    expect(endsWithStreamEnd(file('eos-two.bz2', Buffer.concat([whole, whole])))).toBe(true);
    expect(endsWithStreamEnd(file('eos-cut.bz2', whole.subarray(0, whole.length - 1)))).toBe(false);
    expect(endsWithStreamEnd(file('eos-garbage.bz2', Buffer.concat([whole, Buffer.from('xx')])))).toBe(false);
    expect(endsWithStreamEnd(file('eos-tiny.bz2', Buffer.from('BZh9')))).toBe(false);
  });

  it('falls back to unbzip2-stream when the binary cannot run', async () => {
    const file = join(dir, 'cut-missing-binary.bz2');
    writeFileSync(file, whole.subarray(0, whole.length - 1000));
    const js = await drain(await jsBzip2(createReadStream(file)));
    const sys = await drain(decodeBzip2File(file, join(dir, 'no-such-bzip2')));
    expect(sys.bytes.equals(js.bytes)).toBe(true);
    expect(sys.error).toBe(js.error);
  });

  it('openInput uses the system decoders for local .bz2 files (PORTOLAN_BZIP2=js turns them off)', async () => {
    const file = join(dir, 'input.bz2');
    writeFileSync(file, whole);
    expect((await drain(await openInput(file))).bytes.equals(plain)).toBe(true);
    // A file cut short: its complete blocks through bzip2, the cut one in JS; same bytes, same error.
    const cut = join(dir, 'input-cut.bz2');
    writeFileSync(cut, whole.subarray(0, whole.length - 5000));
    expectSameRead(await drain(await openInput(cut)), await drain(await jsBzip2(createReadStream(cut))));
    process.env.PORTOLAN_BZIP2 = 'js';
    try {
      expect(systemBzip2()).toEqual({ serial: null, parallel: null });
      expect((await drain(await openInput(file))).bytes.equals(plain)).toBe(true);
      // A path picks that one binary, as lbzip2 when its name says so.
      process.env.PORTOLAN_BZIP2 = '/opt/x/lbzip2';
      expect(systemBzip2()).toEqual({ serial: null, parallel: '/opt/x/lbzip2' });
      process.env.PORTOLAN_BZIP2 = '/opt/x/bzip2';
      expect(systemBzip2()).toEqual({ serial: '/opt/x/bzip2', parallel: null });
    } finally {
      delete process.env.PORTOLAN_BZIP2;
    }
    expect(existsSync(bin!)).toBe(true);
  });

  it('a URL is downloaded to a temporary file, then decoded as its local copy is (same bytes, same error), and the file removed; a dropped download is a read failure', async () => {
    const served = join(dir, 'served');
    mkdirSync(served);
    const copies: Array<[string, Buffer]> = [
      ['whole.bz2', whole],
      ['cut.bz2', whole.subarray(0, whole.length - 5000)],
      ['damaged.bz2', damaged],
    ];
    for (const [name, data] of copies) writeFileSync(join(served, name), data);
    const server = await fileServer(served, { ranges: true });
    // This test's own temporary folder, to see what is left in it (other files' tests use theirs).
    const temp = join(dir, 'tmp');
    mkdirSync(temp);
    const tmpdirBefore = process.env.TMPDIR;
    process.env.TMPDIR = temp;
    try {
      for (const [name] of copies) {
        const remote = await openInput(`${server.base}/${name}`);
        expect(readdirSync(temp), name).toHaveLength(1); // downloaded before decoding
        expectSameRead(await drain(remote), await drain(await openInput(join(served, name))), name);
        await new Promise((resolve) => setImmediate(resolve));
        expect(readdirSync(temp), name).toEqual([]);
      }
      // A reader that stops early: removed too.
      const early = await openInput(`${server.base}/whole.bz2`);
      await new Promise((resolve) => early.once('data', resolve));
      early.destroy();
      await new Promise((resolve) => early.once('close', resolve));
      expect(readdirSync(temp)).toEqual([]);
      // The connection dropped half way: a read failure, before any byte is decoded; nothing left.
      server.cutBodies(true);
      const failed = await openInput(`${server.base}/whole.bz2`).then(() => null, (err: Error) => err);
      expect(failed).not.toBeNull();
      expect(isInputReadFailure(failed)).toBe(true);
      expect(readdirSync(temp)).toEqual([]);
    } finally {
      if (tmpdirBefore === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = tmpdirBefore;
      await server.close();
    }
  });

  it('stops the bzip2 process when the reader stops early', async () => {
    const file = join(dir, 'early.bz2');
    writeFileSync(file, Buffer.concat([whole, whole, whole]));
    const stream = decodeBzip2File(file, bin!);
    const first = await new Promise<Buffer>((resolve) => stream.once('data', resolve));
    stream.destroy();
    await new Promise((resolve) => stream.once('close', resolve));
    expect(first.length).toBeGreaterThan(0);
    expect(stream.destroyed).toBe(true);
  });

  it('counts end-of-stream markers across read boundaries, whatever the read size', async () => {
    const file = (name: string, data: Buffer) => (writeFileSync(join(dir, name), data), join(dir, name));
    const two = file('ends-two.bz2', Buffer.concat([whole, whole]));
    for (const chunk of [7, 8, 13, 64, 1000, 1 << 20]) expect(await streamEndsIn(two, chunk)).toBe(2);
    expect(await streamEndsIn(file('ends-one.bz2', whole), 7)).toBe(1);
    expect(await streamEndsIn(file('ends-cut.bz2', whole.subarray(0, whole.length >> 1)))).toBe(0);
    expect(await streamEndsIn(file('ends-empty.bz2', Buffer.alloc(0)))).toBe(0);
  });

  describe.skipIf(!parallel)(`lbzip2, on every core ${parallel ? '' : '(skipped: no lbzip2 binary)'}`, () => {
    /** A copy of `target` that leaves a mark in `dir` each time it runs: which decoder a file went to. */
    const marking = (name: string, target: string) => {
      const path = join(dir, name);
      writeFileSync(path, `#!/bin/sh\necho x >> "${path}.ran"\nexec "${target}" "$@"\n`);
      chmodSync(path, 0o755);
      return { path, runs: () => (existsSync(`${path}.ran`) ? readFileSync(`${path}.ran`, 'utf8').split('\n').filter(Boolean).length : 0) };
    };

    it('is what the reader picks when installed', () => {
      expect(existsSync(parallel!)).toBe(true);
      if (!process.env.PORTOLAN_BZIP2) expect(systemBzip2()).toEqual({ serial: bin, parallel });
    });

    it('says nothing about bytes after a stream that start no other stream, where bzip2 warns: the premise of what it is given', () => {
      const file = join(dir, 'lbzip2-premise.bz2');
      writeFileSync(file, Buffer.concat([whole, Buffer.from('not bzip2'), whole]));
      const lb = spawnSync(parallel!, ['-dc', file], { maxBuffer: 1 << 28 });
      expect(lb.status).toBe(0);
      expect(lb.stderr.length).toBe(0);
      expect(lb.stdout.equals(plain)).toBe(true); // the second stream is dropped without a word
      const bz = spawnSync(bin!, ['-dc', file], { maxBuffer: 1 << 28 });
      expect(bz.stderr.toString()).toMatch(/trailing garbage/);
    });

    it.each(cases)('%s: the same bytes and error as unbzip2-stream with lbzip2, bzip2, or both installed', async (name, data) => {
      const file = join(dir, `local-${name.replace(/\W+/g, '-')}.bz2`);
      writeFileSync(file, data);
      const js = await drain(await jsBzip2(createReadStream(file)));
      const installed: SystemBzip2[] = [
        { serial: bin, parallel },
        { serial: null, parallel },
        { serial: bin, parallel: null },
      ];
      for (const bins of installed) {
        const decoded = await decodeLocalBzip2(file, bins);
        const got = decoded ? await drain(decoded) : js; // null: the reader decodes it in JS
        expect(got.bytes.equals(js.bytes), `${name} with ${JSON.stringify(bins)}`).toBe(true);
        expect(got.error).toBe(js.error);
      }
    });

    it('takes a file with one stream, and the rebuilt stream of a cut file; bzip2 takes the rest', async () => {
      const lb = marking('lbzip2-marked', parallel!);
      const bz = marking('bzip2-marked', bin!);
      const bins = { serial: bz.path, parallel: lb.path };
      const drainLocal = async (name: string, data: Buffer) => {
        writeFileSync(join(dir, name), data);
        return drain((await decodeLocalBzip2(join(dir, name), bins))!);
      };
      expect((await drainLocal('pick-whole.bz2', whole)).bytes.equals(plain)).toBe(true);
      expect([lb.runs(), bz.runs()]).toEqual([1, 0]);
      expect((await drainLocal('pick-cut.bz2', whole.subarray(0, whole.length >> 1))).error).not.toBeNull();
      expect([lb.runs(), bz.runs()]).toEqual([2, 0]);
      expect((await drainLocal('pick-two.bz2', Buffer.concat([whole, whole]))).bytes.length).toBe(2 * plain.length);
      expect([lb.runs(), bz.runs()]).toEqual([2, 1]);
    });
  });
});
