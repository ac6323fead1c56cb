/**
 * A .bz2 file cut short, split where its last block begins (common/bzip2.ts): the complete
 * blocks rebuilt into a well-formed stream that the system bzip2 decodes at libbz2 speed, and
 * the cut block as a stream of its own for the JS decoder, which fails on it as it fails at the
 * end of the whole file. Block boundaries are found by their 48-bit magic at any bit offset, as
 * bzip2recover finds them.
 */

/** Block header and end-of-stream magics (pi and sqrt(pi) in BCD). */
const BLOCK_MAGIC = 0x314159265359n;
export const END_MAGIC = 0x177245385090n;
/** The stream header: "BZh" and the block size digit. */
const HEADER_BYTES = 4;

export interface CutBzip2 {
  /** The complete blocks, then an end-of-stream marker with their combined CRC: a whole stream. */
  complete: Buffer;
  /** The stream header, then every bit from the last block's magic on: what the JS decoder fails on. */
  rest: Buffer;
  /** Complete blocks in `complete`. */
  blocks: number;
}

/**
 * Splits a .bz2 cut inside a block at that block's magic; null when there is nothing to gain or
 * the layout is another (no complete block, an end-of-stream marker anywhere, not a bzip2
 * header), and the caller decodes the file in JS as a whole.
 */
export function splitAtLastBlock(data: Buffer): CutBzip2 | null {
  if (data.length < HEADER_BYTES + 6 || data.toString('latin1', 0, 3) !== 'BZh' || data[3] < 0x31 || data[3] > 0x39) return null;
  // An end-of-stream marker: several streams, or one whose trailer is cut or followed by other
  // bytes; the JS decoder checks the trailer against every block, so it reads all of them.
  if (magicPositions(data, END_MAGIC).length) return null;
  const blocks = magicPositions(data, BLOCK_MAGIC);
  const last = blocks.at(-1) ?? -1;
  const complete = blocks.slice(0, -1);
  if (!complete.length || complete[0] !== HEADER_BYTES * 8) return null;
  let crc = 0;
  for (const p of complete) crc = (((crc << 1) | (crc >>> 31)) ^ readBits(data, p + 48, 32)) >>> 0;
  const body = copyBits(data, complete[0], last, 6 + 4);
  writeBits(body.out, body.bits, Number(END_MAGIC), 48);
  writeBits(body.out, body.bits + 48, crc, 32);
  const rest = copyBits(data, last, data.length * 8, 0);
  return { complete: body.out, rest: rest.out, blocks: complete.length };
}

/** Bit positions (from the first bit of `data`) where an end-of-stream marker starts, in order. */
export const streamEndPositions = (data: Buffer): number[] => magicPositions(data, END_MAGIC);

/** Bit positions (from the file's first bit) where the 48-bit `magic` starts, in order. */
function magicPositions(data: Buffer, magic: bigint): number[] {
  const found: number[] = [];
  for (let shift = 0; shift < 8; shift++) {
    // Starting `shift` bits into byte j, the magic fully determines bytes j+1 .. j+5.
    const needle = Buffer.alloc(5);
    for (let k = 1; k <= 5; k++) needle[k - 1] = Number((magic >> BigInt(40 - 8 * k + shift)) & 0xffn);
    for (let q = data.indexOf(needle, 1); q >= 0; q = data.indexOf(needle, q + 1)) {
      const bit = (q - 1) * 8 + shift;
      if (bit + 48 <= data.length * 8 && readBits(data, bit, 48) === Number(magic)) found.push(bit);
    }
  }
  return found.sort((a, b) => a - b);
}

/** `n` (≤ 53) bits from bit `pos`, most significant first. */
function readBits(data: Buffer, pos: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) {
    const p = pos + i;
    v = v * 2 + ((data[p >> 3] >> (7 - (p & 7))) & 1);
  }
  return v;
}

/** Writes the low `n` (≤ 53) bits of `v` at bit `pos` of `out` (zeroed there before). */
function writeBits(out: Buffer, pos: number, v: number, n: number): void {
  for (let i = 0; i < n; i++) {
    const bit = Math.floor(v / 2 ** (n - 1 - i)) & 1;
    const p = pos + i;
    if (bit) out[p >> 3] |= 0x80 >> (p & 7);
  }
}

/**
 * The stream header, then bits [from, to) of `data` from bit 32 on, with `extraBytes` of zeroed
 * room after them; `bits` is where the copied bits end.
 */
function copyBits(data: Buffer, from: number, to: number, extraBytes: number): { out: Buffer; bits: number } {
  const length = to - from;
  const out = Buffer.alloc(HEADER_BYTES + Math.ceil(length / 8) + extraBytes);
  data.copy(out, 0, 0, HEADER_BYTES);
  const shift = from & 7;
  const start = from >> 3;
  const bytes = Math.ceil(length / 8);
  for (let i = 0; i < bytes; i++) {
    const a = data[start + i];
    const b = start + i + 1 < data.length ? data[start + i + 1] : 0;
    out[HEADER_BYTES + i] = shift ? ((a << shift) | (b >> (8 - shift))) & 0xff : a;
  }
  // Bits past `to` in the last copied byte are not part of the range.
  const spare = bytes * 8 - length;
  if (spare) out[HEADER_BYTES + bytes - 1] &= (0xff << spare) & 0xff;
  return { out, bits: HEADER_BYTES * 8 + length };
}
