import { log } from '../../../common/log.js';
import { retry, type RetryPolicy } from '../../../common/retry.js';
import type { Inserter } from '../insert.js';
import type { Spool } from '../spool.js';
import { isPermanent } from './clickhouse-errors.js';
import type { Batch, WriterCounters } from './types.js';

export type Outcome = 'ok' | 'down' | 'rejected';

/**
 * Inserting one batch, the same way for a new batch and a spooled one: inserted and counted,
 * or (a permanent error) kept in the spool's rejected folder, or still to be stored. A new batch
 * gets the retry policy; a spooled one a single try, since the spool's replay timer is its retry.
 */
export class BatchAttempts {
  constructor(
    private readonly inserter: Inserter,
    private readonly policy: RetryPolicy,
    private readonly counters: WriterCounters,
    private readonly rejected: Spool,
    private readonly onInsert?: (seconds: number, table: string, rows: number) => void,
  ) {}

  async insert(b: Batch, kind: 'new' | 'spooled'): Promise<Outcome> {
    const s = this.counters;
    const { table, rows } = b.payload;
    const fresh = kind === 'new';
    const r = await retry(() => this.timed(b), fresh ? this.policy : { ...this.policy, attempts: 1 }, {
      isPermanent,
      onFailure(err, attempt) {
        if (!fresh) {
          if (!isPermanent(err)) log.debug({ err: (err as Error).message }, 'store still unreachable; spool kept');
          return;
        }
        s.failedAttempts++;
        if (!isPermanent(err)) log.warn({ table, attempt, err: (err as Error).message }, 'store insert failed');
      },
    });
    if (r.ok) {
      if (fresh && r.attempts > 1) s.retriedBatches++;
      s.inserted += rows;
      s.insertedBatches++;
      return 'ok';
    }
    if (!r.permanent) return 'down';
    if (fresh) log.error({ table, rows, err: (r.error as Error).message }, 'store rejected a batch; kept in the spool rejected folder');
    this.rejected.append(b.token, b.payload);
    s.rejectedRows += rows;
    return 'rejected';
  }

  private async timed(b: Batch): Promise<void> {
    const started = performance.now();
    await this.inserter.insert(b.payload, b.token);
    this.onInsert?.((performance.now() - started) / 1000, b.payload.table, b.payload.rows);
  }
}
