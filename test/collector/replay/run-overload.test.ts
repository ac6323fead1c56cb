/**
 * `portolan run --overload` over real sockets: the replay server on 127.0.0.1 sends a burst
 * larger than the client's queue (20,000 messages) as fast as the socket takes it, to the real
 * CLI with a real chDB store. Pause loses nothing; drop loses exactly what it counts. While
 * the pipeline is saturated, /healthz and /api/health still answer. Self-contained: synthetic
 * messages, no registry (events are stored unclassified).
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RisMessageData } from '../../../collector/rislive/protocol.js';
import { startReplayServer, type ReplayServer } from '../../../collector/replay/server.js';
import { portolanCli, runCli } from '../../helpers/cli.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { writeCapture } from '../rislive/fixtures.js';

const dir = makeTmpDir('run-overload');
const emptyRirDir = join(dir, 'no-rir');
mkdirSync(emptyRirDir);
const BURST = 30_000;

/** One announcement per message, each a different prefix: stored rows = delivered messages. */
function burst(n: number): RisMessageData[] {
  return Array.from({ length: n }, (_, i) => ({
    timestamp: 1_700_000_000 + i / 1000,
    peer: '10.0.0.1',
    peer_asn: '65000',
    id: `burst-${i}`,
    host: 'rrc00',
    type: 'UPDATE',
    path: [65000, 64500 + (i % 7)],
    origin: 'igp',
    announcements: [{ next_hop: '10.0.0.1', prefixes: [`10.${(i >> 8) & 255}.${i & 255}.0/24`] }],
  }));
}
const capture = writeCapture(dir, 'burst.jsonl', burst(BURST));

const servers: ReplayServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function metric(text: string, name: string): number {
  return [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))].reduce((a, m) => a + Number(m[1]), 0);
}

interface Started {
  url: string;
  stderr: () => string;
  stop: () => Promise<number | null>;
}

async function startRun(server: ReplayServer, db: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Started> {
  const child = spawn(
    process.execPath,
    [...portolanCli().args, 'run', '--replay', server.url, '--port', '0', '--rir-dir', emptyRirDir, '--iana-dir', emptyRirDir, '--cache-dir', join(dir, 'cache'), '--db', db, ...args],
    { cwd: dir, env: { ...process.env, PORTOLAN_LOG_FORMAT: 'json', PORTOLAN_LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  let url = '';
  for (let i = 0; i < 900 && !url && child.exitCode === null; i++) {
    url = /"url":"(http:\/\/[^"]+)","msg":"metrics on/.exec(out)?.[1] ?? /portolan dashboard on (http:\/\/\S+)/.exec(out)?.[1] ?? '';
    if (!url) await sleep(200);
  }
  expect(url, out).not.toBe('');
  return {
    url: url.replace(/\/$/, ''),
    stderr: () => out,
    stop: async () => {
      child.kill('SIGINT');
      return exited;
    },
  };
}

/** Polls /metrics until `done` (bounded by a generous deadline), calling `during` while it is not. */
async function until(url: string, done: (m: string) => boolean, during?: (m: string) => Promise<void>): Promise<string> {
  let text = '';
  for (let i = 0; i < 3_000; i++) {
    text = await (await fetch(`${url}/metrics`)).text();
    if (done(text)) return text;
    await during?.(text);
    await sleep(100);
  }
  return text;
}

async function storedAnnouncements(db: string): Promise<number> {
  const summary = await runCli(['query', '--name', 'summary', '--format', 'json', '--db', db]);
  expect(summary.code, summary.stderr).toBe(0);
  return Number((JSON.parse(summary.stdout) as Record<string, unknown>).announcements);
}

describe('portolan run --overload (real sockets, real store)', { timeout: 600_000 }, () => {
  it('pause: a burst larger than the queue loses nothing; /healthz and /api/health answer while saturated and show the mode and a replay lag in words', async () => {
    const server = await startReplayServer({ files: [capture], speed: 0, preEncoded: true });
    servers.push(server);
    const db = join(dir, 'db-pause');
    const run = await startRun(server, db, ['--overload', 'pause']);
    let answeredMidStream = 0;
    let apiHealth: { feed?: Record<string, unknown> } = {};
    const last = await until(
      run.url,
      (m) => metric(m, 'portolan_events_total') >= BURST,
      async (m) => {
        const processed = metric(m, 'portolan_events_total');
        if (processed === 0) return;
        const health = await fetch(`${run.url}/healthz`);
        expect([200, 503]).toContain(health.status);
        expect(await health.json()).toHaveProperty('checks');
        const api = await fetch(`${run.url}/api/health`);
        apiHealth = (await api.json()) as typeof apiHealth;
        // Answered while the pipeline still had messages to take: it is not waiting for the burst to end.
        if (metric(await (await fetch(`${run.url}/metrics`)).text(), 'portolan_events_total') < BURST) answeredMidStream++;
      },
    );
    expect(metric(last, 'portolan_events_total')).toBe(BURST);
    expect(metric(last, 'portolan_drops_total')).toBe(0);
    expect(metric(last, 'portolan_messages_total')).toBe(BURST);
    expect(answeredMidStream, run.stderr().slice(-2000)).toBeGreaterThan(0);
    expect(apiHealth.feed?.overload).toBe('pause');
    expect(apiHealth.feed?.drops).toBe(0);
    // 2023 data replayed now: its age, in years and months, not a count of seconds.
    expect(String(apiHealth.feed?.lagText)).toMatch(/^\d+ y( \d+ mo)? behind \(replay/);
    expect(await run.stop()).toBe(0);
    expect(server.stats().messagesSent).toBe(BURST);
    expect(await storedAnnouncements(db)).toBe(BURST);
  });

  it('drop (from PORTOLAN_OVERLOAD): what was dropped is exactly what was not stored', async () => {
    const server = await startReplayServer({ files: [capture], speed: 0, preEncoded: true });
    servers.push(server);
    const db = join(dir, 'db-drop');
    const run = await startRun(server, db, ['--no-dashboard'], { PORTOLAN_OVERLOAD: 'drop' });
    // Done once every message was received and the pipeline has taken all that were not dropped.
    const last = await until(run.url, (m) => metric(m, 'portolan_messages_total') >= BURST && metric(m, 'portolan_events_total') + metric(m, 'portolan_drops_total') >= BURST);
    const drops = metric(last, 'portolan_drops_total');
    expect(metric(last, 'portolan_messages_total')).toBe(BURST);
    expect(metric(last, 'portolan_events_total') + drops).toBe(BURST);
    expect(await run.stop()).toBe(0);
    expect(await storedAnnouncements(db)).toBe(BURST - drops);
  });

  it('refuses an unknown mode with a usage error', async () => {
    const r = await runCli(['run', '--overload', 'later', '--replay', 'ws://127.0.0.1:1/', '--db', join(dir, 'db-bad')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--overload takes pause, drop, shed/);
  });
});
