/** TextBytes: text written straight into bytes must read back as the strings JavaScript makes. */
import { describe, expect, it } from 'vitest';
import { TextBytes } from '../../common/text-bytes.js';
import { formatNlri, formatNlriAsWire } from '../../collector/bgp/addr.js';
import { decodeNlri } from '../../collector/bgp/nlri.js';
import { prefix } from '../helpers/mrt-encoder.js';

const read = (t: TextBytes) => Buffer.from(t.take()).toString('utf8');

describe('TextBytes', () => {
  it('writes numbers as String() does, across digit counts and the int/float boundary', () => {
    const values = [0, 7, 9, 10, 99, 100, 65535, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 1e15, 2 ** 53 - 1];
    const t = new TextBytes(4);
    for (const v of values) {
      t.reserve(24);
      t.decimal(v);
      t.byte(32);
    }
    for (const v of [-1, -(2 ** 31), 2 ** 31 - 1]) {
      t.reserve(24);
      t.signed(v);
      t.byte(32);
    }
    expect(read(t)).toBe(`${values.join(' ')} -1 -2147483648 2147483647 `);
  });

  it('keeps what it holds when it grows, and starts afresh after take()', () => {
    const t = new TextBytes(8);
    let expected = '';
    for (let i = 0; i < 1000; i++) {
      t.reserve(8);
      t.ascii(`${i},`);
      expected += `${i},`;
    }
    t.text('é→'); // not ASCII: UTF-8
    expect(read(t)).toBe(`${expected}é→`);
    t.reserve(4);
    t.ascii('next');
    expect(read(t)).toBe('next');
  });

  it('repeats bytes written earlier', () => {
    const t = new TextBytes(4);
    t.reserve(64);
    t.ascii('head|');
    t.repeat(0, 5);
    t.repeat(2, 4);
    expect(read(t)).toBe('head|head|ad');
  });

  it('writes NLRI prefixes as formatNlriAsWire (bgpdump) and formatNlri (canonical) do', () => {
    const cases = ['10.1.2.3/9', '10.1.2.3/32', '0.0.0.0/0', '192.0.2.255/25', '2001:db8:1:2::ff/61', '::ffff:10.0.0.1/128', '2001:db8::/32', '::/0', 'fe80::1/10'];
    for (const text of cases) {
      const afi = text.includes(':') ? 2 : 1;
      const bytes = prefix(text);
      const nlri = decodeNlri(bytes, 0, bytes.length, afi, false).prefixes[0];
      for (const bgpdump of [true, false]) {
        const t = new TextBytes(4);
        t.reserve(64);
        expect(t.nlriPrefix(bytes, 0, afi, bgpdump)).toBe(bytes.length);
        expect(read(t), `${text} ${bgpdump ? 'bgpdump' : 'canonical'}`).toBe(bgpdump ? formatNlriAsWire(nlri) : formatNlri(nlri));
      }
    }
  });

  it('writes prefixes stored as whole addresses (TABLE_DUMP) as those of the full decode', () => {
    const cases = ['10.1.2.3/9', '10.1.2.3/32', '10.255.255.255/0', '192.0.2.255/25', '192.0.2.255/24'];
    for (const text of cases) {
      const [address, length] = text.split('/');
      const stored = Uint8Array.from(address.split('.').map(Number));
      const nlri = { afi: 1 as const, length: Number(length), v4: Buffer.from(stored).readUInt32BE(0) };
      for (const bgpdump of [true, false]) {
        const t = new TextBytes(4);
        t.reserve(64);
        t.prefix(stored, 0, 4, nlri.length, 1, bgpdump);
        expect(read(t), `${text} ${bgpdump ? 'bgpdump' : 'canonical'}`).toBe(bgpdump ? formatNlriAsWire(nlri) : formatNlri(nlri));
      }
    }
  });

  it('after take(), holds as much as was ever taken at once without growing (batches of text differ in size)', () => {
    const t = new TextBytes(16);
    const write = (n: number) => {
      t.reserve(n);
      t.ascii('x'.repeat(n));
    };
    write(100_000);
    t.take();
    write(10);
    t.take();
    const buffer = t.buf;
    write(100_000);
    expect(t.buf).toBe(buffer);
    expect(t.take().length).toBe(100_000);
  });
});
