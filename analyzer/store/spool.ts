import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, openSync, readSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import type { Row } from './rows.js';

/**
 * A bounded on-disk queue of insert batches: one JSONL file per batch (a header line, then
 * the rows), named by a sequence number so replay keeps the original order. Files are
 * written to a temporary name and renamed, so a crash leaves whole batches or none.
 */
export interface SpooledBatch {
  file: string;
  table: string;
  token: string;
  rows: number;
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

  append(table: string, token: string, rows: Row[]): void {
    const name = `${String(++this.seq).padStart(12, '0')}.${table}.jsonl`;
    const body = [JSON.stringify({ table, token, rows: rows.length }), ...rows.map((r) => JSON.stringify(r))].join('\n') + '\n';
    writeFileSync(join(this.dir, name + '.tmp'), body);
    renameSync(join(this.dir, name + '.tmp'), join(this.dir, name));
    this.batches.push({ file: name, table, token, rows: rows.length });
    this.rowsHeld += rows.length;
  }

  /** The oldest batch with its rows, or null when empty. */
  peek(): (SpooledBatch & { data: Row[] }) | null {
    const b = this.batches[0];
    if (!b) return null;
    const lines = readFileSync(join(this.dir, b.file), 'utf8').split('\n').filter((l) => l.length > 0);
    return { ...b, data: lines.slice(1).map((l) => JSON.parse(l) as Row) };
  }

  /** Drops the oldest batch after it was inserted. */
  shift(): void {
    const b = this.batches.shift();
    if (!b) return;
    rmSync(join(this.dir, b.file));
    this.rowsHeld -= b.rows;
  }
}

function readHeader(path: string): { table: string; token: string; rows: number } {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const line = buf.subarray(0, n).toString('utf8').split('\n')[0];
    return JSON.parse(line) as { table: string; token: string; rows: number };
  } finally {
    closeSync(fd);
  }
}
