/**
 * ClickHouse RowBinary encoding, driven by the column types declared in schema.ts. The engine
 * reads RowBinary without parsing text (no JSON tokenizing, no number or date parsing), which
 * is most of what a text insert costs it; the JS side writes bytes into one growing buffer
 * instead of building a JSON string per row.
 *
 * Values per type: UInt64 as bigint (or a decimal string), DateTime64(6) as seconds (number or
 * decimal string), Bool as boolean, Enum8 by name, Nullable as null/undefined, Array as an array,
 * LowCardinality(T) as T (RowBinary carries the inner type).
 */

const INITIAL_BYTES = 1 << 20;

export class ByteSink {
  private buf = Buffer.allocUnsafe(INITIAL_BYTES);
  pos = 0;

  /** The bytes written so far; the sink starts over with a fresh buffer. */
  take(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(Math.max(INITIAL_BYTES, Math.min(this.buf.length, this.pos * 2)));
    this.pos = 0;
    return out;
  }

  /** Drops what was written after `pos` (a row that failed half way). */
  rewind(pos: number): void {
    this.pos = pos;
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(v: number): void {
    this.room(1);
    this.buf[this.pos++] = v;
  }

  u32(v: number): void {
    this.room(4);
    const buf = this.buf;
    const p = this.pos;
    buf[p] = v;
    buf[p + 1] = v >>> 8;
    buf[p + 2] = v >>> 16;
    buf[p + 3] = v >>> 24;
    this.pos = p + 4;
  }

  i64(v: number): void {
    this.room(8);
    if (v >= 0) {
      // Two 32-bit halves: no BigInt per row for the common (positive) case.
      const at = this.pos;
      this.u32(v % 0x100000000);
      this.u32(Math.floor(v / 0x100000000));
      this.pos = at + 8;
    } else {
      this.buf.writeBigInt64LE(BigInt(v), this.pos);
      this.pos += 8;
    }
  }

  u64(v: bigint): void {
    this.room(8);
    this.buf.writeBigUInt64LE(v, this.pos);
    this.pos += 8;
  }

  f32(v: number): void {
    this.room(4);
    this.buf.writeFloatLE(v, this.pos);
    this.pos += 4;
  }

  f64(v: number): void {
    this.room(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  varUInt(v: number): void {
    this.room(10);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  /** Length-prefixed UTF-8. */
  string(s: string): void {
    const n = s.length;
    if (n < 128) {
      // Short ASCII (prefixes, addresses, AS paths, codes: nearly every value) byte by byte:
      // cheaper than a call into the encoder. One length byte, as n < 128.
      this.room(1 + n);
      const buf = this.buf;
      let p = this.pos + 1;
      for (let i = 0; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) return this.utf8(s);
        buf[p++] = c;
      }
      buf[this.pos] = n;
      this.pos = p;
      return;
    }
    this.utf8(s);
  }

  private utf8(s: string): void {
    const n = Buffer.byteLength(s, 'utf8');
    this.varUInt(n);
    this.room(n);
    this.pos += this.buf.write(s, this.pos, n, 'utf8');
  }
}

export type Encode = (out: ByteSink, value: unknown) => void;

const fail = (type: string, value: unknown): never => {
  throw new TypeError(`cannot encode ${JSON.stringify(typeof value === 'bigint' ? String(value) : value)} as ${type}`);
};

function integer(type: string, max: number, write: (out: ByteSink, v: number) => void): Encode {
  return (out, v) => {
    if (typeof v === 'boolean') v = v ? 1 : 0;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) fail(type, v);
    write(out, v as number);
  };
}

function float(type: string, write: (out: ByteSink, v: number) => void): Encode {
  return (out, v) => {
    if (typeof v !== 'number') fail(type, v);
    write(out, v as number);
  };
}

/** The encoder of one ClickHouse type (the subset schema.ts uses). */
export function encoderFor(type: string): Encode {
  const inner = (prefix: string) => (type.startsWith(prefix) && type.endsWith(')') ? type.slice(prefix.length, -1) : null);
  let t: string | null;
  if ((t = inner('LowCardinality('))) return encoderFor(t);
  if ((t = inner('Nullable('))) {
    const enc = encoderFor(t);
    return (out, v) => {
      if (v === null || v === undefined) out.u8(1);
      else {
        out.u8(0);
        enc(out, v);
      }
    };
  }
  if ((t = inner('Array('))) {
    const enc = encoderFor(t);
    return (out, v) => {
      if (!Array.isArray(v)) fail(type, v);
      const a = v as unknown[];
      out.varUInt(a.length);
      for (let i = 0; i < a.length; i++) enc(out, a[i]);
    };
  }
  if (type.startsWith('Enum8(')) {
    const codes = new Map([...type.matchAll(/'((?:[^'\\]|\\.)*)' = (-?\d+)/g)].map((m) => [m[1], Number(m[2])]));
    return (out, v) => {
      const code = codes.get(v as string);
      if (code === undefined) fail(type, v);
      out.u8((code as number) & 0xff);
    };
  }
  if (/^DateTime64\(6\b/.test(type)) {
    return (out, v) => {
      const seconds = typeof v === 'string' ? Number(v) : v;
      if (typeof seconds !== 'number' || !Number.isFinite(seconds)) fail(type, v);
      out.i64(Math.round((seconds as number) * 1e6));
    };
  }
  if (/^DateTime\b/.test(type)) return integer(type, 0xffffffff, (out, v) => out.u32(v));
  switch (type) {
    case 'String':
      return (out, v) => {
        if (typeof v !== 'string') fail(type, v);
        out.string(v as string);
      };
    case 'Bool':
    case 'UInt8':
      return integer(type, 0xff, (out, v) => out.u8(v));
    case 'UInt32':
      return integer(type, 0xffffffff, (out, v) => out.u32(v));
    case 'UInt64':
      return (out, v) => {
        const n = typeof v === 'bigint' ? v : typeof v === 'string' && /^\d+$/.test(v) ? BigInt(v) : typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? BigInt(v) : fail(type, v);
        if (n >= 1n << 64n) fail(type, v);
        out.u64(n);
      };
    case 'Float32':
      return float(type, (out, v) => out.f32(v));
    case 'Float64':
      return float(type, (out, v) => out.f64(v));
  }
  throw new Error(`no RowBinary encoder for ClickHouse type ${type}`);
}
