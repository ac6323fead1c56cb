import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { TimeSlicer } from '../../common/time-slice.js';

/** Synchronous work of about `ms` (a busy item of a hot loop). */
const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

/** Runs `items` busy items, awaiting only what `turn` returns; the item at which an HTTP request sent as the loop starts reached its handler. */
async function answeredAt(items: number, turn: () => Promise<void> | undefined): Promise<number | null> {
  let done = 0;
  let handledAt: number | null = null;
  const server = createServer((_req, res) => {
    handledAt ??= done;
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  // Connecting, sending and parsing the request all need turns of the event loop (client and
  // server are in this process), so the handler runs only when the loop lets them.
  const request = fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`).then((r) => r.text());
  for (let i = 0; i < items; i++) {
    busy(1);
    done++;
    const t = turn();
    if (t) await t;
  }
  await request;
  server.close();
  return handledAt;
}

describe('TimeSlicer', () => {
  it('lets a waiting HTTP request be answered during a busy loop, not after it', async () => {
    const slicer = new TimeSlicer(10, 4);
    const at = await answeredAt(400, () => slicer.tick());
    expect(at).not.toBeNull();
    expect(at!).toBeLessThan(400);
  });

  it('without it, the same loop answers only once it is over', async () => {
    expect(await answeredAt(100, () => undefined)).toBe(100);
  });

  it('returns nothing (no promise) between clock reads and inside a slice', () => {
    const slicer = new TimeSlicer(60_000, 8);
    for (let i = 0; i < 100; i++) expect(slicer.tick()).toBeUndefined();
  });
});
