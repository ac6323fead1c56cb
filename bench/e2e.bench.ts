/**
 * End-to-end prefix-events/s on one core, the path `portolan ingest` takes: FileSource → Pipeline
 * (real classifier on the 2013-08-13 RIR files + IANA + bundled geo, real PrefixState) → real
 * chDB store in a temp folder. For each input, in the same process:
 *   - parser alone (FileSource, no analysis): the reference;
 *   - e2e cold: fresh classifier caches, fresh state, store;
 *   - e2e warm: same classifier (caches full), fresh state, the same store;
 * then the whole set once more without the store, to separate the store's share.
 * Peak RSS is per process (so it grows over the phases). Needs ../shared/data; skips without it.
 *
 * BENCH_E2E_FILES=path,path overrides the inputs.
 */
import { rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createClassifier, type Classifier } from '../analyzer/classify/index.js';
import { openGeo } from '../analyzer/geo/index.js';
import { Pipeline } from '../analyzer/pipeline/pipeline.js';
import { storeSink } from '../analyzer/pipeline/sinks.js';
import type { PipelineSink } from '../analyzer/pipeline/sink.js';
import { loadRegistry } from '../analyzer/registry/index.js';
import { PrefixState } from '../analyzer/state/index.js';
import { openStore, type Store } from '../analyzer/store/index.js';
import { FileSource } from '../collector/sources/index.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../test/helpers/shared-data.js';
import { makeTmpDir } from '../test/helpers/tmp.js';
import { report } from './report.js';

if (!hasSharedData) {
  process.stdout.write(`e2e: skipped (${sharedDataSkipReason})\n`);
  process.exit(0);
}

const files = process.env.BENCH_E2E_FILES?.split(',') ?? [
  sharedData('mrt/bgpdump-testdata/bview.20020722.2337.gz'),
  sharedData('mrt/bgpdump-testdata/updates.20160811.1600.gz'),
  sharedData('ris-live/morrowc-rislive/1k-msgs.jsonl'),
];

const t0 = performance.now();
const [registry, geo] = await Promise.all([
  loadRegistry({ rirDir: sharedData('rir/2013-08-13'), ianaDir: sharedData('iana') }),
  openGeo(),
]);
report('e2e setup (registry + geo load)', { seconds: (performance.now() - t0) / 1000 });

const dir = makeTmpDir('bench-e2e');
const store: Store = await openStore({ db: join(dir, 'db') });
await store.migrate();

async function parseOnly(file: string): Promise<{ events: number; seconds: number }> {
  const started = performance.now();
  let events = 0;
  for await (const e of new FileSource([file]).events()) if (e.prefix) events++;
  return { events, seconds: (performance.now() - started) / 1000 };
}

async function endToEnd(file: string, classifier: Classifier, sinks: PipelineSink[]): Promise<{ events: number; seconds: number }> {
  const pipeline = new Pipeline(classifier, new PrefixState(), sinks);
  const started = performance.now();
  for await (const e of new FileSource([file]).events()) await pipeline.process(e);
  await pipeline.flush();
  return { events: pipeline.counters.events, seconds: (performance.now() - started) / 1000 };
}

const line = (name: string, r: { events: number; seconds: number }, ref?: { events: number; seconds: number }) =>
  report(name, {
    events: r.events,
    events_per_s: r.events / r.seconds,
    seconds: r.seconds,
    ...(ref ? { vs_parser: `${((r.events / r.seconds / (ref.events / ref.seconds)) * 100).toFixed(0)}%` } : {}),
  });

for (const withStore of [true, false]) {
  const writer = withStore ? store.createWriter() : null;
  const sinks = writer ? [storeSink(writer)] : [];
  const label = withStore ? 'e2e' : 'no-store';
  for (const file of files) {
    const name = basename(file);
    const parser = await parseOnly(file);
    if (withStore) line(`parser alone ${name}`, parser);
    const classifier = createClassifier({ registry, geo });
    line(`${label} cold ${name}`, await endToEnd(file, classifier, sinks), parser);
    line(`${label} warm ${name}`, await endToEnd(file, classifier, sinks), parser);
  }
  if (writer) {
    await writer.close();
    const s = writer.stats();
    report('e2e store writer', { inserted: s.inserted, batches: s.insertedBatches, spooled: s.spooledRows, rejected: s.rejectedRows });
  }
}
await store.close();
rmSync(dir, { recursive: true, force: true });
