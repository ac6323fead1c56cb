/**
 * RIS Live path throughput on one core: replay server → WebSocket → client → decoded
 * RouteEvents, in one process. Compares raw decoding with the JSON projection, against the
 * reference of reading the same capture straight from the file (no socket).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RisLiveClient } from '../collector/rislive/client.js';
import { startReplayServer } from '../collector/replay/server.js';
import { FileSource } from '../collector/sources/file-source.js';
import { projectRoot } from '../common/paths.js';
import { report } from './report.js';

const data = process.env.PORTOLAN_SHARED_DATA ?? join(projectRoot(), '..', 'shared', 'data');
const jsonl = join(data, 'ris-live', 'morrowc-rislive', '1k-msgs.jsonl');
const mrt = join(data, 'mrt', 'bgpstream-testdata', 'ris.rrc06.updates.1427846400.gz');
if (!existsSync(jsonl) || !existsSync(mrt)) {
  process.stdout.write(`skipped: real data not found under ${data}\n`);
  process.exit(0);
}

const LOOPS = Number(process.env.BENCH_LOOPS ?? 20);

async function fileReference(files: string[]): Promise<number> {
  let n = 0;
  for (let i = 0; i < LOOPS; i++) for await (const _ of new FileSource(files).events()) n++;
  return n;
}

async function throughSocket(file: string, includeRaw: boolean): Promise<{ messages: number; elements: number; seconds: number }> {
  const server = await startReplayServer({ files: Array.from({ length: LOOPS }, () => file), speed: 0 });
  const client = new RisLiveClient({ url: server.url, lagThresholdSec: 0, overflow: 'pause', queueCapacity: 10_000, subscriptions: [{ socketOptions: { includeRaw } }] });
  const t0 = performance.now();
  let elements = 0;
  const it = client.events()[Symbol.asyncIterator]();
  // The replay has no end marker: stop once the server has sent everything and the queue is empty.
  for (;;) {
    const r = await Promise.race([it.next(), new Promise<'quiet'>((res) => setTimeout(() => res('quiet'), 1_000))]);
    if (r === 'quiet' || r.done) break;
    elements++;
  }
  const seconds = (performance.now() - t0) / 1000 - 1;
  const messages = client.stats().messages;
  await client.close();
  await server.close();
  return { messages, elements, seconds };
}

for (const [label, file] of [
  ['jsonl 1k-msgs', jsonl],
  ['mrt rrc06 updates', mrt],
] as const) {
  const t0 = performance.now();
  const refElems = await fileReference([file]);
  const refSec = (performance.now() - t0) / 1000;
  report(`file source (reference) ${label}`, { elements: refElems, elems_per_s: refElems / refSec });
  for (const includeRaw of [true, false]) {
    const r = await throughSocket(file, includeRaw);
    report(`socket ${includeRaw ? 'raw ' : 'json'} ${label}`, { messages: r.messages, elements: r.elements, msgs_per_s: r.messages / r.seconds, elems_per_s: r.elements / r.seconds, vs_file: `${((r.elements / r.seconds / (refElems / refSec)) * 100).toFixed(0)}%` });
  }
}
