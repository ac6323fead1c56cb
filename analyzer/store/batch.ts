import { createHash } from 'node:crypto';
import { ByteSink, encoderFor, type Encode } from './rowbinary.js';
import { tableDef } from './schema.js';

/**
 * Insert batches as the bytes sent to the store: RowBinary, to the embedded store and to a server
 * alike. JSONCompactEachRow only in spools written by earlier versions, which still replay.
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
  /** Adds one row that `encode` writes from `a` and `b` (a table's own encoder, the same bytes as `add` of its values), with the same rule on failure. */
  addEncoded<A, B>(encode: RowEncoder<A, B>, a: A, b: B): void;
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

/** A RowBinary batch of `columns` of `table`, encoded by their declared types. */
export function batchBuilder(table: string, tableColumns: readonly string[]): BatchBuilder {
  const columns = [...tableColumns];
  const encoders: Encode[] = columnTypes(table, columns).map(encoderFor);
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
