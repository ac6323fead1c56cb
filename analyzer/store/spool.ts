import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, openSync, readSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import type { BatchFormat, Payload } from './batch.js';

/**
 * A bounded on-disk queue of insert batches: one file per batch (a JSON header line, then the
 * batch's bytes as they go to the store: RowBinary or JSONCompactEachRow), named by a sequence
 * number so replay keeps the original order. Files are written to a temporary name and
 * renamed, so a crash leaves whole batches or none.
 *
 * Files from earlier versions (`.jsonl`: JSON lines only, with a `columns` list in the header
 * or, earlier still, one JSON object per row) are still read, and replayed as text.
 */
export interface SpooledBatch {
  file: string;
  table: string;
  token: string;
  rows: number;
}

interface Header {
  table: string;
  token: string;
  rows: number;
  columns?: string[];
  format?: BatchFormat;
}

const NAME = /^(\d{12})\.([a-z_]+)\.(batch|jsonl)$/;

export class Spool {
  private seq = 0;
  private batches: SpooledBatch[] = [];
  private rowsHeld = 0;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    for (const f of readdirSync(dir).sort()) {
      if (f.endsWith('.tmp')) {
        rmSync(join(dir, f)); // a batch half written by a crashed process; its rows were never acknowledged as spooled
        continue;
      }
      const m = NAME.exec(f);
      if (!m) continue;
      const header = readHeader(join(dir, f));
      this.batches.push({ file: f, table: header.table, token: header.token, rows: header.rows });
      this.rowsHeld += header.rows;
      this.seq = Math.max(this.seq, Number(m[1]));
    }
  }

  get depthRows(): number {
    return this.rowsHeld;
  }

  get depthBatches(): number {
    return this.batches.length;
  }

  append(token: string, p: Payload): void {
    const name = `${String(++this.seq).padStart(12, '0')}.${p.table}.batch`;
    const header: Header = { table: p.table, token, rows: p.rows, columns: p.columns, format: p.format };
    writeFileSync(join(this.dir, name + '.tmp'), Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), p.data]));
    renameSync(join(this.dir, name + '.tmp'), join(this.dir, name));
    this.batches.push({ file: name, table: p.table, token, rows: p.rows });
    this.rowsHeld += p.rows;
  }

  /** The oldest batch with its payload, or null when empty. */
  peek(): (SpooledBatch & { payload: Payload }) | null {
    const b = this.batches[0];
    if (!b) return null;
    const bytes = readFileSync(join(this.dir, b.file));
    const nl = bytes.indexOf(10);
    const header = JSON.parse(bytes.subarray(0, nl).toString('utf8')) as Header;
    const data = bytes.subarray(nl + 1);
    if (header.format && header.columns) return { ...b, payload: { table: b.table, columns: header.columns, format: header.format, rows: b.rows, data } };
    return { ...b, payload: fromJsonLines(b.table, header, data.toString('utf8').split('\n').filter((l) => l.length > 0)) };
  }

  /** Drops the oldest batch after it was inserted. */
  shift(): void {
    const b = this.batches.shift();
    if (!b) return;
    rmSync(join(this.dir, b.file));
    this.rowsHeld -= b.rows;
  }
}

/** A `.jsonl` batch: compact lines with the header's column list, or (older) one JSON object per row. */
function fromJsonLines(table: string, header: Header, lines: string[]): Payload {
  let columns = header.columns;
  if (!columns) {
    const rows = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    columns = rows.length ? Object.keys(rows[0]) : [];
    lines = rows.map((r) => JSON.stringify(columns!.map((c) => r[c])));
  }
  return { table, columns, format: 'JSONCompactEachRow', rows: lines.length, data: Buffer.from(lines.length ? `${lines.join('\n')}\n` : '') };
}

function readHeader(path: string): Header {
  const fd = openSync(path, 'r');
  try {
    // The header holds the column list: read until its newline, however long.
    const chunks: Buffer[] = [];
    for (let pos = 0; ; ) {
      const buf = Buffer.alloc(4096);
      const n = readSync(fd, buf, 0, buf.length, pos);
      const nl = buf.subarray(0, n).indexOf(10);
      if (nl >= 0 || n === 0) {
        chunks.push(buf.subarray(0, nl >= 0 ? nl : n));
        break;
      }
      chunks.push(buf.subarray(0, n));
      pos += n;
    }
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Header;
  } finally {
    closeSync(fd);
  }
}
