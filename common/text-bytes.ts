/**
 * Text written straight into bytes: a growable buffer with writers for ASCII strings, decimal
 * numbers and addresses. A formatter that writes here makes no string per field, no rope to
 * flatten and no copy to encode (`parse` prints megabytes of such text).
 */
import { putIpv4At, putIpv6 } from './ip.js';

export class TextBytes {
  buf: Buffer;
  pos = 0;
  private readonly addr = new Uint8Array(16);

  private largest: number;

  constructor(capacity = 1 << 16) {
    this.buf = Buffer.allocUnsafe(capacity);
    this.largest = capacity;
  }

  /** Makes room for `n` more bytes; the writers below do not check. */
  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.pos + n));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  /**
   * The bytes written so far, handed over; writing goes on in a new buffer as large as the most
   * ever taken at once (a reader's batches of text differ in size, and growing copies).
   */
  take(): Uint8Array {
    const done = this.buf.subarray(0, this.pos);
    this.largest = Math.max(this.largest, this.pos);
    this.buf = Buffer.allocUnsafe(this.largest);
    this.pos = 0;
    return done;
  }

  byte(c: number): void {
    this.buf[this.pos++] = c;
  }

  /** A string of ASCII characters (one byte each). */
  ascii(s: string): void {
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** Any string, as UTF-8 (reserves its own room). */
  text(s: string): void {
    this.reserve(3 * s.length);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** A non-negative integer below 2^53 in decimal. */
  decimal(n: number): void {
    const buf = this.buf;
    if (n < 10) {
      buf[this.pos++] = 48 + n;
      return;
    }
    let digits = 2;
    for (let t = 100; n >= t && digits < 16; t *= 10) digits++;
    let p = this.pos + digits;
    this.pos = p;
    if (n <= 0x7fffffff) {
      // Small integers (ASNs, lengths, times) in int arithmetic.
      while (n > 0) {
        const q = (n / 10) | 0;
        buf[--p] = 48 + n - 10 * q;
        n = q;
      }
      return;
    }
    while (n > 0) {
      const q = Math.floor(n / 10);
      buf[--p] = 48 + (n - 10 * q);
      n = q;
    }
  }

  /** A signed 32-bit integer in decimal (C's %d of the value). */
  signed(n: number): void {
    if (n < 0) {
      this.buf[this.pos++] = 45; // '-'
      n = -n;
    }
    this.decimal(n);
  }

  ipv4At(b: Uint8Array, off: number): void {
    this.pos = putIpv4At(this.buf, this.pos, b, off);
  }

  /** IPv6 text of the 16 bytes at `b[off]` (bgpdump's form when asked, as formatIpv6Bytes). */
  ipv6At(b: Uint8Array, off: number, bgpdump: boolean): void {
    this.pos = putIpv6(this.buf, this.pos, b, off, bgpdump);
  }

  /**
   * The NLRI prefix at `b[p]` (length byte, then its address bytes): as bgpdump prints it (host
   * bits kept, bgpdump's IPv6 form) or canonical (host bits cleared, RFC 5952, as formatNlri).
   * Returns the position after it in `b`.
   */
  nlriPrefix(b: Uint8Array, p: number, afi: number, bgpdump: boolean): number {
    const length = b[p++];
    const bytes = (length + 7) >> 3;
    this.prefix(b, p, bytes, length, afi, bgpdump);
    return p + bytes;
  }

  /**
   * A prefix of `length` bits (at most the family's) whose address is the `stored` bytes at
   * `b[p]` (the rest read as 0): all of them (bgpdump's form) or canonical, as nlriPrefix says.
   */
  prefix(b: Uint8Array, p: number, stored: number, length: number, afi: number, bgpdump: boolean): void {
    const bytes = bgpdump ? stored : Math.min(stored, (length + 7) >> 3);
    const addr = this.addr;
    for (let i = 0; i < 16; i++) addr[i] = i < bytes ? b[p + i] : 0;
    if (!bgpdump && (length & 7) !== 0) addr[bytes - 1] &= (0xff << (8 - (length & 7))) & 0xff;
    if (afi === 1) this.ipv4At(addr, 0);
    else this.ipv6At(addr, 0, bgpdump);
    this.byte(47); // '/'
    this.decimal(length);
  }

  /** Repeats bytes written earlier, [start, end) of the current buffer. */
  repeat(start: number, end: number): void {
    this.buf.copyWithin(this.pos, start, end);
    this.pos += end - start;
  }
}
