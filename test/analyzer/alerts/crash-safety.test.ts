/**
 * Alert pairs survive `kill -9`: a child process feeds starts, waits until the state file holds
 * them (written while running, not at exit), and is killed with SIGKILL; a second instance
 * restores the file, sends the starts the killed one still held in their grouping window, and
 * pairs an end with its start ("restored after 1 h").
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAlerting, type Alert } from '../../../analyzer/alerts/index.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { ended, finding, started } from './fixtures.js';

const T = 1_700_000_000;
const CHILD = join(import.meta.dirname, 'crash-child.ts');
const TSX = createRequire(import.meta.url).resolve('tsx');

function runChildUntilSavedThenKill(file: string, statePath: string): Promise<{ said: string; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, CHILD, file, statePath], { stdio: ['ignore', 'pipe', 'pipe'] });
    let said = '';
    let stderr = '';
    const deadline = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (d: Buffer) => {
      said += d.toString();
      if (said.includes('saved\n')) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (_code, signal) => {
      clearTimeout(deadline);
      if (!said.includes('saved')) reject(new Error(`child ended without saving: ${said} ${stderr}`));
      else resolve({ said, signal });
    });
  });
}

describe('alert state after kill -9', () => {
  it('a restarted instance sends the starts the killed one held in the window, and pairs the end with its start', async () => {
    const tmp = makeTmpDir('alerts-crash');
    const file = join(tmp, 'alerts.yml');
    const first = join(tmp, 'first.jsonl');
    const second = join(tmp, 'second.jsonl');
    const statePath = join(tmp, 'run.alerts.json');
    writeFileSync(file, `grouping-window: 60s\nchannels:\n  archive: { type: jsonl, path: "${first}" }\nrules:\n  - name: all\n    channels: [archive]\n`);

    const { signal } = await runChildUntilSavedThenKill(file, statePath);
    expect(signal).toBe('SIGKILL');
    // Atomic writes: the file parses, and no temp file is left beside it.
    const state = JSON.parse(readFileSync(statePath, 'utf8')) as { pairs: unknown[]; groups: Array<[string, { items: unknown[] }]> };
    expect(state.pairs).toHaveLength(2);
    // The two starts were still in their 60 s window: saved with it.
    expect(state.groups.map(([, g]) => g.items.length)).toEqual([2]);
    expect(readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    writeFileSync(file, `grouping-window: 60s\nchannels:\n  archive: { type: jsonl, path: "${second}" }\nrules:\n  - name: all\n    channels: [archive]\n`);
    const alerting = createAlerting({ file, statePath, watch: false, deadLetterPath: join(tmp, 'dl.jsonl') });
    // The start again (the feed replays it after the restart) is a repeat; then the end. The
    // next event closes the restored window: the two starts go out once, then the end.
    alerting.handle([started(T + 100, finding()), ended(T + 3600, finding())]);
    await alerting.close();
    const alerts = readFileSync(second, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Alert);
    expect(alerts.map((a) => a.event)).toEqual(['finding-started', 'finding-ended']);
    expect(alerts[0].items.map((i) => [i.prefix, i.startedAt])).toEqual([['192.0.2.0/24', T], ['198.51.100.0/24', T + 30]]);
    expect(alerts[1].title).toBe('192.0.2.0/24 from AS64500 restored after 1 h');
    expect(alerts[1].items[0]).toMatchObject({ prefix: '192.0.2.0/24', startedAt: T, durationSeconds: 3600 });
    // Nothing was sent by the killed one (its only channel file stays absent).
    expect(existsSync(first)).toBe(false);
    expect(alerting.stats().deduped).toBe(1);
  }, 90_000);

  it('writes while running at most once per interval, and again at close', async () => {
    const tmp = makeTmpDir('alerts-debounce');
    const statePath = join(tmp, 's.alerts.json');
    const file = join(tmp, 'alerts.yml');
    writeFileSync(file, `channels:\n  archive: { type: jsonl, path: "${join(tmp, 'a.jsonl')}" }\nrules:\n  - name: all\n    channels: [archive]\n`);
    const alerting = createAlerting({ file, statePath, watch: false, saveIntervalMs: 60_000, deadLetterPath: join(tmp, 'dl.jsonl') });
    alerting.handle([started(T, finding())]);
    // The first change is written at once (next turn of the event loop); bounded wait.
    for (let i = 0; i < 500 && !existsSync(statePath); i++) await new Promise((r) => setTimeout(r, 10));
    expect(JSON.parse(readFileSync(statePath, 'utf8')).pairs).toHaveLength(1);
    // The next change falls within the interval: not written yet…
    alerting.handle([started(T + 1, finding({ prefix: '198.51.100.0/24' }))]);
    await new Promise((r) => setTimeout(r, 50));
    expect(JSON.parse(readFileSync(statePath, 'utf8')).pairs).toHaveLength(1);
    // …but at close.
    await alerting.close();
    expect(JSON.parse(readFileSync(statePath, 'utf8')).pairs).toHaveLength(2);
  });
});
