import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RisLiveClient } from '../../../collector/rislive/client.js';
import { projectRoot } from '../../../common/paths.js';
import { runCli } from '../../helpers/cli.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { syntheticMessages, writeCapture } from '../rislive/fixtures.js';

describe('portolan replay-server', () => {
  it('rejects a missing file and bad options with a clear message', async () => {
    const missing = await runCli(['replay-server', '/nonexistent.gz', '--port', '0']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/portolan replay-server: .*no such file/);
    const badSpeed = await runCli(['replay-server', '/nonexistent.gz', '--speed', 'fast']);
    expect(badSpeed.code).toBe(2);
    expect(badSpeed.stderr).toMatch(/--speed/);
  });

  it('serves a capture until SIGTERM', async () => {
    const msgs = syntheticMessages(25);
    const file = writeCapture(makeTmpDir('replay-cli'), 'c.jsonl', msgs);
    const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot(), 'cli', 'main.ts'), 'replay-server', file, '--port', '0', '--speed', '0'], {
      cwd: projectRoot(),
      env: { ...process.env, PORTOLAN_LOG_FORMAT: 'json' },
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    const deadline = Date.now() + 20_000;
    while (!/ws:\/\/\S+/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const url = /ws:\/\/\S+/.exec(out)?.[0];
    expect(url).toBeDefined();
    const client = new RisLiveClient({ url, lagThresholdSec: 0 });
    let n = 0;
    for await (const m of client.messages()) {
      expect(m.id).toBe(msgs[n].id);
      if (++n >= msgs.length) break;
    }
    await client.close();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toMatch(/stopped: 1 connection\(s\), 25 message\(s\) sent/);
  });
});
