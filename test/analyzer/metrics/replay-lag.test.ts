/**
 * `/healthz` for `run --replay ws://…`: the README says replays have no lag watch, and the RIS
 * Live source of a replay is opened with `lagThresholdSec: 0` (cli/commands/run.ts). The health
 * answer follows it: lag is reported, but never fails. A live feed keeps its lag watch.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { computeHealth, probeHealth } from '../../../analyzer/metrics/index.js';
import { startReplayServer, type ReplayServer } from '../../../collector/replay/server.js';
import { RisLiveSource } from '../../../collector/sources/ris-live-source.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { syntheticMessages, writeCapture } from '../../collector/rislive/fixtures.js';

const servers: ReplayServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

/** A source on a replay of 2023 messages (lag: years), after it has read a few events. */
async function sourceAfterSomeEvents(lagThresholdSec: number): Promise<RisLiveSource> {
  const file = writeCapture(makeTmpDir('replay-lag'), 'old.jsonl', syntheticMessages(20));
  const server = await startReplayServer({ files: [file], speed: 0, loop: true });
  servers.push(server);
  const source = new RisLiveSource({ url: server.url, lagThresholdSec, lagGraceMs: 600_000, overflow: 'pause', idleTimeoutMs: 10_000 });
  let n = 0;
  for await (const _e of source.events()) if (++n >= 5) break;
  return source;
}

describe('/healthz lag check follows the source’s lag watch', () => {
  it('run --replay ws://… (lagThresholdSec 0): lag reported, status ok, check not applicable', async () => {
    const source = await sourceAfterSomeEvents(0);
    const input = await probeHealth({ ping: async () => true, source: () => source.stats() });
    await source.close();
    expect(input.feedConnected).toBe(true);
    expect(input.lagSeconds).toBeGreaterThan(300);
    expect(input.maxLagSeconds).toBeNull();
    const { httpStatus, body } = computeHealth(input);
    expect(httpStatus).toBe(200);
    expect(body).toMatchObject({ status: 'ok', checks: { store: 'ok', feed: 'ok', lag: 'n/a' }, lagWatch: false, maxLagSeconds: null, reasons: [] });
    expect(body.lagSeconds).toBeGreaterThan(300);
  });

  it('a live feed (default threshold) still fails on the same lag', async () => {
    const source = await sourceAfterSomeEvents(300);
    const input = await probeHealth({ ping: async () => true, source: () => source.stats() });
    await source.close();
    const { httpStatus, body } = computeHealth(input);
    expect(httpStatus).toBe(503);
    expect(body).toMatchObject({ checks: { lag: 'failing' }, lagWatch: true, maxLagSeconds: 300 });
    expect(body.reasons[0]).toMatch(/feed lag \d+ s exceeds 300 s/);
  });

  it('computeHealth: maxLagSeconds null never fails on lag; a number does', () => {
    expect(computeHealth({ storeReachable: true, feedConnected: true, lagSeconds: 1e6, maxLagSeconds: null })).toMatchObject({ httpStatus: 200, body: { checks: { lag: 'n/a' }, lagSeconds: 1e6 } });
    expect(computeHealth({ storeReachable: true, feedConnected: true, lagSeconds: 1e6, maxLagSeconds: 60 }).httpStatus).toBe(503);
  });
});
