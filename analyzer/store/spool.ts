import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, openSync, readSync, closeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A bounded on-disk queue of insert batches: one JSONL file per batch (a header line, then
 * the rows), named by a sequence number so replay keeps the original order. Files are
 * written to a temporary name and renamed, so a crash leaves whole batches or none.
 *
 * Rows are stored as the writer holds them: JSONCompactEachRow lines (one JSON array of values
 * per row, in the header's `columns` order). Files from before that (no `columns` in the
 * header, one JSON object per row) are still read, and converted on the way out.
 */
export interface SpooledBatch {
  file: string;
  table: string;
  token: string;
  rows: number;
}

/** A batch's rows: `lines[i]` is a JSON array of values in `columns` order. */
export interface CompactRows {
  columns: string[];
  lines: string[];
}

interface Header {
  table: string;
  token: string;
  rows: number;
  columns?: string[];
}

const NAME = /^(\d{12})\.([a-z_]+)\.jsonl$/;

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

  append(table: string, token: string, rows: CompactRows): void {
    const name = `${String(++this.seq).padStart(12, '0')}.${table}.jsonl`;
    const header: Header = { table, token, rows: rows.lines.length, columns: rows.columns };
    const body = `${JSON.stringify(header)}\n${rows.lines.join('\n')}\n`;
    writeFileSync(join(this.dir, name + '.tmp'), body);
    renameSync(join(this.dir, name + '.tmp'), join(this.dir, name));
    this.batches.push({ file: name, table, token, rows: rows.lines.length });
    this.rowsHeld += rows.lines.length;
  }

  /** The oldest batch with its rows, or null when empty. */
  peek(): (SpooledBatch & CompactRows) | null {
    const b = this.batches[0];
    if (!b) return null;
    const lines = readFileSync(join(this.dir, b.file), 'utf8').split('\n').filter((l) => l.length > 0);
    const header = JSON.parse(lines[0]) as Header;
    const data = lines.slice(1);
    if (header.columns) return { ...b, columns: header.columns, lines: data };
    return { ...b, ...fromObjectLines(data) };
  }

  /** Drops the oldest batch after it was inserted. */
  shift(): void {
    const b = this.batches.shift();
    if (!b) return;
    rmSync(join(this.dir, b.file));
    this.rowsHeld -= b.rows;
  }
}

/** Rows spooled as JSON objects (the earlier format) → compact lines. */
function fromObjectLines(lines: string[]): CompactRows {
  const rows = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const columns = rows.length ? Object.keys(rows[0]) : [];
  return { columns, lines: rows.map((r) => JSON.stringify(columns.map((c) => r[c]))) };
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
