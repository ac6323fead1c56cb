/**
 * The prepared files' layout (common/columns-file.ts): every column kind comes back with its
 * values, from a buffer of its own (views, no copy) and from one at an odd offset (a copy); a
 * buffer cut short, with a damaged header, an unknown kind or bytes left over is refused.
 */
import { describe, expect, it } from 'vitest';
import { decodeColumns, encodeColumns, type Column } from '../../common/columns-file.js';

const columns = (): Column[] => [
  Float64Array.from([0, 1.5, 2 ** 32, -3]),
  Uint32Array.from([4294967295, 0, 7]),
  Int32Array.from([-1, 2, -2147483648]),
  Uint16Array.from([65535, 1, 2, 3, 4]),
  Uint8Array.from([255, 0, 9]),
  BigUint64Array.from([0n, 2n ** 64n - 1n]),
  new Uint8Array(0),
];

describe('columns file', () => {
  it('gives back the header and every column, as views of a buffer of its own', () => {
    const bytes = encodeColumns({ format: 3, names: ['a', 'b'] }, columns());
    const back = decodeColumns(bytes)!;
    expect(back.header).toEqual({ format: 3, names: ['a', 'b'] });
    expect(back.columns).toEqual(columns());
    expect(back.columns.every((c) => c.buffer === bytes.buffer)).toBe(true);
  });

  it('copies the body once when the buffer does not start at a multiple of 8 bytes', () => {
    const bytes = encodeColumns({}, columns());
    const odd = Buffer.concat([Buffer.alloc(3), bytes]).subarray(3);
    expect(odd.byteOffset % 8).not.toBe(0);
    const back = decodeColumns(odd)!;
    expect(back.columns).toEqual(columns());
    expect(back.columns[0].buffer).not.toBe(odd.buffer);
  });

  it('refuses what encodeColumns did not write', () => {
    const bytes = encodeColumns({ format: 1 }, columns());
    const head = bytes.toString('utf8', 8, 8 + bytes.readUInt32LE(0));
    const withHeader = (text: string) => {
      const b = Buffer.from(bytes);
      b.write(text.padEnd(head.length), 8, 'utf8');
      return b;
    };
    expect(decodeColumns(bytes.subarray(0, 5))).toBeNull();
    expect(decodeColumns(bytes.subarray(0, bytes.length - 8))).toBeNull();
    expect(decodeColumns(Buffer.concat([bytes, Buffer.alloc(8)]))).toBeNull();
    expect(decodeColumns(withHeader(head.replace('"f64"', '"f99"')))).toBeNull();
    expect(decodeColumns(withHeader(head.replace('"columns"', '"kolumns"')))).toBeNull();
    expect(decodeColumns(withHeader('{"format":1,"columns":[["u8",-1]]}'))).toBeNull();
    expect(decodeColumns(withHeader(head.slice(0, -2)))).toBeNull();
    expect(decodeColumns(Buffer.from('not a columns file, but long enough'))).toBeNull();
  });
});
