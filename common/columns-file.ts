/**
 * Typed columns behind a JSON header, as the cache folder's prepared files hold them: the
 * layout is the header's length (UInt32LE, then 4 zero bytes), the header (UTF-8 JSON, which
 * also lists each column's kind and length), then each column at a multiple of 8 bytes.
 */
export type Column = Float64Array | Uint32Array | Int32Array | Uint16Array | Uint8Array | BigUint64Array;

const KINDS = { f64: Float64Array, u32: Uint32Array, i32: Int32Array, u16: Uint16Array, u8: Uint8Array, u64: BigUint64Array } as const;
type Kind = keyof typeof KINDS;

const pad8 = (n: number): number => (n + 7) & ~7;

function kindOf(c: Column): Kind {
  for (const [kind, type] of Object.entries(KINDS) as Array<[Kind, (typeof KINDS)[Kind]]>) if (c instanceof type) return kind;
  throw new Error('not a column type');
}

/** The header (any JSON object without a `columns` key) and the columns, in one buffer. */
export function encodeColumns(header: Record<string, unknown>, columns: readonly Column[]): Buffer {
  const head = Buffer.from(JSON.stringify({ ...header, columns: columns.map((c) => [kindOf(c), c.length]) }));
  const parts: Buffer[] = [Buffer.alloc(8), head, Buffer.alloc(pad8(head.length) - head.length)];
  parts[0].writeUInt32LE(head.length, 0);
  for (const c of columns) parts.push(Buffer.from(c.buffer, c.byteOffset, c.byteLength), Buffer.alloc(pad8(c.byteLength) - c.byteLength));
  return Buffer.concat(parts);
}

/**
 * The header and columns of a buffer encodeColumns wrote, or null when it is not one (cut short,
 * damaged, another layout). The columns are views of the buffer's memory when it starts at a
 * multiple of 8 bytes (a file read whole: its own memory), else of one aligned copy of its body.
 */
export function decodeColumns(buf: Buffer): { header: Record<string, unknown>; columns: Column[] } | null {
  if (buf.length < 8) return null;
  const headLength = buf.readUInt32LE(0);
  if (8 + headLength > buf.length) return null;
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(buf.toString('utf8', 8, 8 + headLength));
  } catch {
    return null;
  }
  const list = header?.columns;
  if (!Array.isArray(list)) return null;
  const start = 8 + pad8(headLength);
  if (start > buf.length) return null;
  let body: Uint8Array = buf.subarray(start);
  if (body.byteOffset % 8 !== 0) body = new Uint8Array(body);
  const columns: Column[] = [];
  let offset = 0;
  for (const entry of list) {
    const [kind, length] = Array.isArray(entry) ? entry : [];
    const type = KINDS[kind as Kind];
    if (!type || !Number.isInteger(length) || length < 0) return null;
    const bytes = length * type.BYTES_PER_ELEMENT;
    if (offset + bytes > body.byteLength) return null;
    columns.push(new type(body.buffer as ArrayBuffer, body.byteOffset + offset, length));
    offset = pad8(offset + bytes);
  }
  if (offset !== body.byteLength) return null;
  delete header.columns;
  return { header, columns };
}
