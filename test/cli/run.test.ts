/**
 * `portolan run` as a user runs it: RIS Live protocol from a replay server on 127.0.0.1 (the
 * real RIS Live is unreachable here), a real MRT file, the real registry files, a real chDB
 * store; /metrics and /healthz scraped while it runs; SIGINT flushes everything.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMrtElems } from '../../collector/mrt/index.js';
import { startReplayServer } from '../../collector/replay/server.js';
import { projectRoot } from '../../common/paths.js';
import { runCli } from '../helpers/cli.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../helpers/shared-data.js';
import { makeTmpDir } from '../helpers/tmp.js';

const dir = makeTmpDir('run-cli');
const MRT = sharedData('mrt', 'bgpstream-testdata', 'ris.rrc06.updates.1427846400.gz');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!hasSharedData)(`portolan run (${sharedDataSkipReason})`, { timeout: 300_000 }, () => {
  let replay: Awaited<ReturnType<typeof startReplayServer>>;
  const rirDir = join(dir, 'rir');

  beforeAll(async () => {
    mkdirSync(rirDir);
    for (const rir of ['afrinic', 'apnic', 'lacnic', 'ripencc']) symlinkSync(sharedData('rir', '2014-07-01', `delegated-${rir}-latest.gz`), join(rirDir, `delegated-${rir}-latest.gz`));
    replay = await startReplayServer({ files: [MRT], port: 0, speed: 0 });
  });
  afterAll(async () => {
    await replay?.close();
  });

  it('collects from a RIS Live endpoint, serves /metrics and /healthz, records the stream, and flushes on SIGINT', async () => {
    let elements = 0;
    for await (const _ of readMrtElems(MRT)) elements++;
    const db = join(dir, 'db');
    const record = join(dir, 'recorded.jsonl');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(projectRoot(), 'cli', 'main.ts'), 'run', '--replay', replay.url, '--record', record, '--no-dashboard', '--port', '0', '--rir-dir', rirDir, '--db', db],
      { cwd: projectRoot(), env: { ...process.env, PORTOLAN_LOG_FORMAT: 'json', PORTOLAN_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));

    // Wait (bounded) for the metrics server, then until every element went through the pipeline.
    let metricsUrl = '';
    let scraped = '';
    for (let i = 0; i < 600; i++) {
      metricsUrl ||= /"url":"(http:\/\/[^"]+)","msg":"metrics on/.exec(stderr)?.[1] ?? '';
      if (metricsUrl) {
        scraped = await (await fetch(`${metricsUrl}/metrics`)).text();
        const seen = [...scraped.matchAll(/^portolan_events_total\{elem_type="\w+"\} (\d+)/gm)].reduce((a, m) => a + Number(m[1]), 0);
        if (seen >= elements) break;
      }
      await sleep(200);
    }
    expect(metricsUrl, stderr).not.toBe('');
    const health = await fetch(`${metricsUrl}/healthz`);
    const healthBody = (await health.json()) as { status?: string };
    expect([200, 503]).toContain(health.status);
    expect(healthBody).toHaveProperty('checks');

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).toContain('"msg":"shutdown complete"');
    expect(existsSync(`${db}.state`)).toBe(true);

    const summary = await runCli(['query', '--name', 'summary', '--format', 'json', '--db', db]);
    expect(summary.code, summary.stderr).toBe(0);
    const row = JSON.parse(summary.stdout) as Record<string, unknown>;
    const stored = Number(row.announcements) + Number(row.withdrawals);
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThanOrEqual(elements);

    // The recording replays into the same store contents through `ingest`.
    expect(readFileSync(record, 'utf8').split('\n').filter(Boolean).length).toBeGreaterThan(0);
    const db2 = join(dir, 'db2');
    const ingest = await runCli(['ingest', '--rir-dir', rirDir, '--db', db2, '--log-level', 'warn', record]);
    expect(ingest.code, ingest.stderr).toBe(0);
    const again = await runCli(['query', '--name', 'summary', '--format', 'json', '--db', db2]);
    expect(JSON.parse(again.stdout)).toEqual(row);
  });
});
