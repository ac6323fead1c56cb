/** The batches an ingest worker hands to the thread that inserts them, over a real MessageChannel. */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { addCounters } from '../../../cli/ingest/jobs.js';
import type { BatchMessage } from '../../../cli/ingest/messages.js';
import { PortOutlet, receivedBatch } from '../../../cli/ingest/port-outlet.js';
import { newPipelineCounters } from '../../../analyzer/pipeline/pipeline.js';
import type { Batch } from '../../../analyzer/store/index.js';

const batchOf = (data: Buffer, rows: number): Batch => ({ token: `t${rows}`, payload: { table: 'route_events', columns: ['event_id'], format: 'RowBinary', rows, data } });
const received = (port: MessagePort): Promise<BatchMessage> => new Promise((resolve) => port.once('message', resolve));
const settled = async (p: Promise<void>): Promise<boolean> => {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((r) => setTimeout(r, 20));
  return done;
};

describe('PortOutlet', () => {
  let channel: MessageChannel;
  afterEach(() => {
    channel.port1.close();
    channel.port2.close();
  });

  it('moves a batch\'s own buffer to the other thread and copies a small one that may share Node\'s pool', async () => {
    channel = new MessageChannel();
    const outlet = new PortOutlet(channel.port1);
    const big = Buffer.allocUnsafe(1 << 20).fill(7).subarray(0, 100_000);
    const expected = Buffer.from(big);
    const arrival = received(channel.port2);
    outlet.push(batchOf(big, 10));
    const m = await arrival;
    expect(m.type).toBe('batch');
    expect(receivedBatch(m.batch).payload.data.equals(expected)).toBe(true);
    expect(receivedBatch(m.batch).payload.data).toBeInstanceOf(Buffer);
    expect(big.buffer.byteLength).toBe(0); // moved: detached here

    const small = Buffer.from('abc');
    const neighbour = Buffer.from('xyz'); // likely in the same pool slab
    const second = received(channel.port2);
    outlet.push(batchOf(small, 1));
    expect(receivedBatch((await second).batch).payload.data.toString()).toBe('abc');
    expect([small.toString(), neighbour.toString()]).toEqual(['abc', 'xyz']);
  });

  it('holds each batch until the other side says it landed: room and landed wait on those answers', async () => {
    channel = new MessageChannel();
    const outlet = new PortOutlet(channel.port1);
    channel.port1.on('message', (m) => outlet.onLanded(m));
    const ids: number[] = [];
    channel.port2.on('message', (m: BatchMessage) => ids.push(m.id));
    outlet.push(batchOf(Buffer.alloc(16), 3));
    outlet.push(batchOf(Buffer.alloc(16), 4));
    expect([outlet.held, outlet.rows]).toEqual([2, 7]);
    const room = outlet.room(2);
    const landed = outlet.landed();
    expect(await settled(room)).toBe(false);
    await new Promise((r) => setTimeout(r, 20));
    channel.port2.postMessage({ type: 'landed', id: ids[0] });
    expect(await settled(room)).toBe(true);
    expect(await settled(landed)).toBe(false);
    // A batch pushed after landed() was asked is not waited for.
    outlet.push(batchOf(Buffer.alloc(16), 5));
    channel.port2.postMessage({ type: 'landed', id: ids[1] });
    expect(await settled(landed)).toBe(true);
    expect([outlet.held, outlet.rows]).toEqual([1, 5]);
    const drained = outlet.drained();
    expect(await settled(drained)).toBe(false);
    await new Promise((r) => setTimeout(r, 20));
    channel.port2.postMessage({ type: 'landed', id: ids[2] });
    expect(await settled(drained)).toBe(true);
  });
});

describe('addCounters', () => {
  it('sums the workers\' pipeline counters field by field, nested records included', () => {
    const a = newPipelineCounters();
    const b = newPipelineCounters();
    Object.assign(a, { events: 3, findings: 1 });
    a.findingsByKind['legacy'] = 2;
    a.lifecycle['finding-started'] = 1;
    Object.assign(b, { events: 4, withdrawals: 2 });
    b.findingsByKind['legacy'] = 5;
    b.lifecycle['origin-changed'] = 3;
    addCounters(a, b);
    expect(a).toMatchObject({ events: 7, findings: 1, withdrawals: 2 });
    expect(a.findingsByKind['legacy']).toBe(7);
    expect(a.lifecycle).toEqual({ 'finding-started': 1, 'finding-ended': 0, 'origin-changed': 3 });
  });
});
