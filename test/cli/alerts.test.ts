import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAlerting, type Alert } from '../../analyzer/alerts/index.js';
import { signBody } from '../../analyzer/alerts/channels/webhook.js';
import { runCli } from '../helpers/cli.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { httpReceiver, udpSyslogReceiver } from '../analyzer/alerts/receivers.js';
import { finding, started } from '../analyzer/alerts/fixtures.js';

const tmp = makeTmpDir('cli-alerts');

describe('portolan alerts', { timeout: 120_000 }, () => {
  it('check prints the rules of a valid file and the line-numbered errors of a broken one', async () => {
    const ok = await runCli(['alerts', 'check', 'alerts.example.yml']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('5 channel(s), 6 rule(s)');
    expect(ok.stdout).toContain('routed-space-moved-without-a-log (registry changes): changes moved; routed space; unlogged transfers');
    expect(ok.stdout).toContain('our-space: prefixes 192.0.2.0/24 2001:db8::/32 (and more-specifics)');
    const bad = join(tmp, 'bad.yml');
    writeFileSync(bad, 'channels:\n  a: { type: jsonl, path: x }\nrules:\n  - name: r\n    channels: [a]\n    min-severity: loud\n');
    const r = await runCli(['alerts', 'check'], { env: { PORTOLAN_ALERTS: bad } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}:6:19: rule "r".min-severity must be one of none, info, low, medium, high (got "loud")`);
    const none = await runCli(['alerts', 'check'], { env: { PORTOLAN_ALERTS: '' } });
    expect(none.code).not.toBe(0);
    expect(none.stderr).toMatch(/no alerts file/);
  });

  it('test sends a test alert through each channel and reports each result', async () => {
    const rx = await httpReceiver();
    const udp = await udpSyslogReceiver();
    const down = await httpReceiver();
    const downUrl = down.url;
    await down.close();
    const file = join(tmp, 'test.yml');
    writeFileSync(file, `channels:
  hook: { type: webhook, url: "${rx.url}", secret: k }
  siem: { type: syslog, host: 127.0.0.1, port: ${udp.port} }
  dead: { type: slack, url: "${downUrl}", timeout: 2s }
rules:
  - { name: all, channels: [hook, siem, dead] }
`);
    try {
      const all = await runCli(['alerts', 'test', '--alerts', file]);
      expect(all.code).toBe(1);
      expect(all.stdout).toMatch(/^ok {3}hook \(webhook\)$/m);
      expect(all.stdout).toMatch(/^ok {3}siem \(syslog\)$/m);
      expect(all.stdout).toMatch(/^FAIL dead \(slack\): .+/m);
      expect(all.stderr).toContain('1 of 3 channel(s) failed');
      expect(rx.requests).toHaveLength(1);
      expect(rx.requests[0].headers['x-portolan-signature']).toBe(signBody('k', rx.requests[0].body));
      expect((JSON.parse(rx.requests[0].body) as { alert: Alert }).alert).toMatchObject({ event: 'test', title: 'Portolan test alert for channel hook' });
      const one = await runCli(['alerts', 'test', '--alerts', file, '--channel', 'hook']);
      expect(one.code).toBe(0);
      expect(one.stdout.trim()).toBe('ok   hook (webhook)');
      const unknown = await runCli(['alerts', 'test', '--alerts', file, '--channel', 'nope']);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('no channel "nope"');
    } finally {
      await rx.close();
      await udp.close();
    }
  });

  it('replay resends dead-lettered alerts once the receiver is up: nothing lost, no duplicates', async () => {
    let up = false;
    const rx = await httpReceiver(() => (up ? 200 : 503));
    const file = join(tmp, 'replay.yml');
    const dl = join(tmp, 'replay-dl.jsonl');
    writeFileSync(file, `grouping-window: 0s
dead-letter: "${dl}"
channels:
  hook: { type: webhook, url: "${rx.url}", retry: { attempts: 2, initial-delay: 10ms } }
rules:
  - { name: all, channels: [hook] }
`);
    try {
      const alerting = createAlerting({ file, watch: false });
      alerting.handle([started(1_700_000_000, finding({ prefix: '192.0.2.0/24' }))]);
      alerting.handle([started(1_700_000_100, finding({ prefix: '198.51.100.0/24', originAsn: 64501 }))]);
      await alerting.close();
      const dead = readFileSync(dl, 'utf8').trim().split('\n');
      expect(dead).toHaveLength(2);

      // Still down: both stay in the file, the command says so and fails.
      const still = await runCli(['alerts', 'replay', '--alerts', file]);
      expect(still.code).toBe(1);
      expect(still.stdout).toContain('0 delivered; 2 kept');
      expect(readFileSync(dl, 'utf8').trim().split('\n')).toHaveLength(2);

      up = true;
      const ok = await runCli(['alerts', 'replay', '--alerts', file, '--dead-letter', dl]);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toContain('2 delivered; 0 kept');
      expect(readFileSync(dl, 'utf8')).toBe('');
      const titles = rx.requests.map((r) => (JSON.parse(r.body) as { alert: Alert }).alert.title).sort();
      expect(titles).toEqual(['192.0.2.0/24 from AS64500: geo-out-of-region', '198.51.100.0/24 from AS64501: geo-out-of-region']);
      // A further replay has nothing to send.
      const again = await runCli(['alerts', 'replay', '--alerts', file]);
      expect(again.stdout).toContain('0 delivered; 0 kept');
      expect(rx.requests).toHaveLength(2);
    } finally {
      await rx.close();
    }
  });
});
