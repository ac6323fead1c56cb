/**
 * The batcher's cut points. With timed cuts off (flushIntervalMs 0, as `ingest` runs it), the
 * same rows give the same batches and dedup tokens whatever the timing, so a rerun of an
 * interrupted ingest re-sends batches the store already holds under the same tokens.
 */
import { describe, expect, it } from 'vitest';
import { ROUTE_EVENT_COLUMNS, routeEventValues } from '../../../analyzer/store/rows.js';
import { Batcher } from '../../../analyzer/store/writer/batcher.js';
import type { Batch } from '../../../analyzer/store/writer/types.js';
import { dataset } from './fixtures.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rows = dataset(25).map((x) => routeEventValues(x.event, x.finding));

/** Feeds `rows` with a pause after row `pauseAt`, flushes at `cutAt` and at the end; the tokens of what came out. */
async function cut(flushIntervalMs: number, pauseAt: number, cutAt: number): Promise<Array<[number, string]>> {
  const out: Batch[] = [];
  const b = new Batcher({ batchSize: 10, flushIntervalMs }, (batch) => out.push(batch));
  for (const [i, r] of rows.entries()) {
    b.add('route_events', ROUTE_EVENT_COLUMNS, r);
    if (i === pauseAt) await sleep(60);
    if (i === cutAt) b.cutAll();
  }
  b.cutAll();
  b.stop();
  return out.map((x) => [x.payload.rows, x.token]);
}

describe('Batcher cut points', () => {
  it('without timed cuts, batches depend on the rows alone: full batches and flushes, never a pause', async () => {
    const a = await cut(0, 3, 17);
    expect(a.map(([n]) => n)).toEqual([10, 8, 7]);
    expect(await cut(0, 12, 17)).toEqual(a);
  });

  it('with timed cuts, a pause moves the boundaries (and the tokens)', async () => {
    const a = await cut(20, 3, 17);
    expect(a.map(([n]) => n)).toEqual([4, 10, 4, 7]);
    expect((await cut(20, 12, 17)).map(([n]) => n)).toEqual([10, 3, 5, 7]);
  });

  it('a row that stands for several events (a RIB snapshot row and its routes) weighs them towards the batch size', () => {
    const out: Batch[] = [];
    const b = new Batcher({ batchSize: 10, flushIntervalMs: 0 }, (batch) => out.push(batch));
    for (const weight of [4, 5, 1, 12, 3, 3, 3]) b.add('route_events', ROUTE_EVENT_COLUMNS, rows[0], weight);
    b.cutAll();
    // 4+5+1 = 10 cuts; 12 alone cuts; 3+3+3 waits for the flush.
    expect(out.map((x) => x.payload.rows)).toEqual([3, 1, 3]);
  });
});
