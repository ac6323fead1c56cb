import { createHash } from 'node:crypto';
import { ByteSink, encoderFor, type Encode } from './rowbinary.js';
import { tableDef } from './schema.js';

/**
 * Insert batches as the bytes sent to the store. RowBinary where the back end can take it
 * (the embedded store; any server), JSONCompactEachRow where only text goes through (the chDB
 * connection's emulated `exec`) and for spools written before RowBinary existed.
 */
export type BatchFormat = 'RowBinary' | 'JSONCompactEachRow';

/** A table's own RowBinary row writer: the row of (a, b), the same bytes as its values encoded column by column. */
export type RowEncoder<A, B> = (out: ByteSink, a: A, b: B) => void;

export interface Payload {
  table: string;
  columns: string[];
  format: BatchFormat;
  rows: number;
  /** RowBinary rows, or JSONCompactEachRow lines each ending in a newline. */
  data: Buffer;
}

export interface BatchBuilder {
  readonly rows: number;
  /** Adds one row (values in `columns` order). A row that cannot be encoded throws and leaves nothing behind. */
  add(values: unknown[]): void;
  /**
   * RowBinary builders: adds one row that `encode` writes from `a` and `b` (a table's own encoder,
   * the same bytes as `add` of its values), with the same rule on failure. Absent for text formats.
   */
  addEncoded?<A, B>(encode: RowEncoder<A, B>, a: A, b: B): void;
  /** The rows so far; the builder starts empty again. */
  take(): Payload;
}

/** Declared ClickHouse types of `columns` of `table` (schema.ts), without DEFAULT clauses. */
export function columnTypes(table: string, columns: readonly string[]): string[] {
  const def = tableDef(table);
  return columns.map((name) => {
    const c = def.columns.find((x) => x.name === name);
    if (!c) throw new Error(`table ${table} has no column ${name}`);
    return c.type.replace(/\s+DEFAULT\s.*$/, '');
  });
}

/** Token for insert deduplication: the same rows in the same format always give the same token. */
export function payloadToken(p: Payload): string {
  return createHash('sha1').update(`${p.table}\n${p.columns.join(',')}\n${p.format}\n`).update(p.data).digest('hex');
}

export function batchBuilder(table: string, columns: readonly string[], format: BatchFormat): BatchBuilder {
  const types = columnTypes(table, columns);
  const cols = [...columns];
  return format === 'RowBinary' ? rowBinaryBuilder(table, cols, types) : jsonBuilder(table, cols, types);
}

function rowBinaryBuilder(table: string, columns: string[], types: string[]): BatchBuilder {
  const encoders: Encode[] = types.map(encoderFor);
  const sink = new ByteSink();
  let rows = 0;
  return {
    get rows() {
      return rows;
    },
    add(values) {
      const start = sink.pos;
      try {
        for (let i = 0; i < encoders.length; i++) encoders[i](sink, values[i]);
      } catch (err) {
        sink.rewind(start);
        throw err;
      }
      rows++;
    },
    addEncoded(encode, a, b) {
      const start = sink.pos;
      try {
        encode(sink, a, b);
      } catch (err) {
        sink.rewind(start);
        throw err;
      }
      rows++;
    },
    take() {
      const p: Payload = { table, columns, format: 'RowBinary', rows, data: sink.take() };
      rows = 0;
      return p;
    },
  };
}

/** Text forms JSON cannot carry as is: times with six decimals (a bare number reads as ticks), UInt64 (alone or in arrays) as a string. */
function jsonValue(type: string): ((v: unknown) => unknown) | null {
  if (/^DateTime64\(6\b/.test(type)) return (v) => (typeof v === 'number' ? v.toFixed(6) : v);
  if (type === 'UInt64') return (v) => (typeof v === 'bigint' ? v.toString() : v);
  if (type === 'Array(UInt64)') return (v) => (Array.isArray(v) ? v.map((x) => (typeof x === 'bigint' ? x.toString() : x)) : v);
  return null;
}

function jsonBuilder(table: string, columns: string[], types: string[]): BatchBuilder {
  const convert = types.map((t, i) => [i, jsonValue(t)] as const).filter((x): x is readonly [number, (v: unknown) => unknown] => x[1] !== null);
  let lines: string[] = [];
  return {
    get rows() {
      return lines.length;
    },
    add(values) {
      const row = convert.length ? values.slice() : values;
      for (const [i, f] of convert) row[i] = f(row[i]);
      lines.push(JSON.stringify(row));
    },
    take() {
      const p: Payload = { table, columns, format: 'JSONCompactEachRow', rows: lines.length, data: Buffer.from(lines.length ? `${lines.join('\n')}\n` : '') };
      lines = [];
      return p;
    },
  };
}
