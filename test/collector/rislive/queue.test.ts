import { describe, expect, it } from 'vitest';
import { BoundedQueue } from '../../../collector/rislive/queue.js';

describe('BoundedQueue', () => {
  it('keeps order, never exceeds its capacity, counts drops', async () => {
    const q = new BoundedQueue<number>(3);
    const accepted = [1, 2, 3, 4, 5].map((n) => q.push(n));
    expect(accepted).toEqual([true, true, true, false, false]);
    expect(q.length).toBe(3);
    expect(q.dropped).toBe(2);
    expect(q.highWater).toBe(3);
    expect((await q.next()).value).toBe(1);
    q.push(6);
    q.close();
    const rest: number[] = [];
    for await (const n of q) rest.push(n);
    expect(rest).toEqual([2, 3, 6]);
    expect(q.push(7)).toBe(false);
  });

  it('hands an item straight to a waiting consumer', async () => {
    const q = new BoundedQueue<string>(1);
    const pending = q.next();
    q.push('a');
    expect(await pending).toEqual({ value: 'a', done: false });
    expect(q.length).toBe(0);
  });

  it('overfill admits past capacity in order, and onLow fires at the low mark', async () => {
    let lows = 0;
    const q = new BoundedQueue<number>(2, { lowMark: 1, onLow: () => lows++ });
    for (let i = 0; i < 5; i++) q.push(i, true);
    expect(q.length).toBe(5);
    expect(q.dropped).toBe(0);
    const got: number[] = [];
    for (let i = 0; i < 5; i++) got.push((await q.next()).value as number);
    expect(got).toEqual([0, 1, 2, 3, 4]);
    expect(lows).toBe(1);
  });

  it('rejects a bad capacity', () => {
    expect(() => new BoundedQueue(0)).toThrow(/capacity/);
  });
});
