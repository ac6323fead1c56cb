import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { createAlerting, type Alert, type Alerting } from '../../../analyzer/alerts/index.js';
import { signBody } from '../../../analyzer/alerts/channels/webhook.js';
import { log, setLogger } from '../../../common/log.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { ended, finding, started } from './fixtures.js';
import { httpReceiver, until } from './receivers.js';

const tmp = makeTmpDir('alerting');
const T = 1_700_000_000;
let alerting: Alerting | undefined;
afterEach(async () => {
  await alerting?.close();
  alerting = undefined;
});

const readJsonl = (path: string): Alert[] => readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Alert);

describe('createAlerting', () => {
  it('routes events through rules to a signed webhook and a JSONL file, with dashboard links', async () => {
    const rx = await httpReceiver();
    const file = join(tmp, 'routes.yml');
    const out = join(tmp, 'routes.jsonl');
    writeFileSync(file, `grouping-window: 60s
channels:
  hook: { type: webhook, url: "${rx.url}", secret: k }
  archive: { type: jsonl, path: "${out}" }
rules:
  - name: ours
    prefixes: [192.0.2.0/24]
    channels: [hook, archive]
  - name: big
    min-addresses: 65536
    channels: [archive]
`);
    alerting = createAlerting({ file, dashboardUrl: 'https://portolan.example/', deadLetterPath: join(tmp, 'routes-dl.jsonl'), watch: false });
    alerting.handle([started(T, finding({ prefix: '192.0.2.0/25' })), started(T + 5, finding({ prefix: '192.0.2.128/25' })), started(T, finding({ prefix: '10.0.0.0/8', addresses: 2 ** 24 }))]);
    alerting.handle([ended(T + 3600, finding({ prefix: '192.0.2.0/25' }))]);
    await alerting.flush();
    expect(rx.requests.map((r) => (JSON.parse(r.body) as { alert: Alert }).alert.title)).toEqual([
      '2 prefixes from AS64500: geo-out-of-region',
      '192.0.2.0/25 from AS64500 restored after 1 h',
    ]);
    for (const r of rx.requests) expect(r.headers['x-portolan-signature']).toBe(signBody('k', r.body));
    const archived = readJsonl(out);
    expect(archived.map((a) => `${a.rule}: ${a.title}`).sort()).toEqual([
      'big: 10.0.0.0/8 from AS64500: geo-out-of-region',
      'ours: 192.0.2.0/25 from AS64500 restored after 1 h',
      'ours: 2 prefixes from AS64500: geo-out-of-region',
    ]);
    expect(archived.find((a) => a.rule === 'big')!.link).toBe('https://portolan.example/prefix/10.0.0.0/8');
    expect(alerting.stats()).toMatchObject({ events: 4, alerts: 3, channels: { hook: { sent: 2 }, archive: { sent: 3 } } });
    await rx.close();
  });

  it('rate-limits a channel and reports the overflow in the next alert, never silently', async () => {
    const out = join(tmp, 'limited.jsonl');
    const file = join(tmp, 'limited.yml');
    writeFileSync(file, `grouping-window: 0s
channels:
  archive: { type: jsonl, path: "${out}", rate-limit: { max: 2, per: 1h } }
rules:
  - { name: all, channels: [archive] }
`);
    let now = 0;
    alerting = createAlerting({ file, watch: false, now: () => now, deadLetterPath: join(tmp, 'limited-dl.jsonl') });
    for (let i = 0; i < 5; i++) alerting.handle([started(T + i * 10, finding({ prefix: `198.51.100.${i * 16}/28`, originAsn: 64500 + i }))]);
    await alerting.flush();
    expect(readJsonl(out)).toHaveLength(2);
    expect(alerting.stats()).toMatchObject({ rateLimited: 3, channels: { archive: { held: 3 } } });
    now += 3_600_001;
    alerting.handle([started(T + 100, finding({ prefix: '203.0.113.0/24', originAsn: 64999 }))]);
    await alerting.flush();
    const all = readJsonl(out);
    expect(all).toHaveLength(3);
    expect(all[2].suppressed).toMatchObject({ count: 3, rules: ['all'] });
    expect(all[2].suppressed!.samples).toEqual(['198.51.100.32/28 from AS64502: geo-out-of-region', '198.51.100.48/28 from AS64503: geo-out-of-region', '198.51.100.64/28 from AS64504: geo-out-of-region']);
    // Overflow still pending at shutdown goes out as a summary alert.
    alerting.handle([started(T + 200, finding({ prefix: '203.0.113.0/25', originAsn: 1 })), started(T + 200, finding({ prefix: '203.0.113.128/25', originAsn: 2 }))]);
    await alerting.close();
    alerting = undefined;
    const final = readJsonl(out);
    expect(final.at(-1)).toMatchObject({ event: 'rate-limit-summary', suppressed: { count: 1 } });
  });

  it('retries a receiver that is down, dead-letters the alert, and keeps going', async () => {
    let up = false;
    const rx = await httpReceiver(() => (up ? 200 : 503));
    const file = join(tmp, 'down.yml');
    const dl = join(tmp, 'down-dl.jsonl');
    writeFileSync(file, `grouping-window: 0s
dead-letter: "${dl}"
channels:
  hook: { type: webhook, url: "${rx.url}", retry: { attempts: 3, initial-delay: 10ms, max-delay: 20ms } }
rules:
  - { name: all, channels: [hook] }
`);
    alerting = createAlerting({ file, watch: false });
    alerting.handle([started(T, finding())]);
    await alerting.flush();
    expect(alerting.stats().channels.hook).toMatchObject({ sent: 0, retries: 2, deadLettered: 1 });
    const [entry] = readFileSync(dl, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(entry).toMatchObject({ channel: 'hook', channelType: 'webhook', attempts: 3, error: expect.stringContaining('HTTP 503') });
    up = true;
    alerting.handle([ended(T + 60, finding())]);
    await alerting.flush();
    expect(rx.requests).toHaveLength(1);
    await rx.close();
  });
});

describe('hot reload', () => {
  it('applies an edited file, and keeps the old rules when an edit is broken, logging the line', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const previous = log;
    setLogger(pino({ level: 'info' }, new Writable({ write(chunk: Buffer, _e, cb) { lines.push(JSON.parse(chunk.toString())); cb(); } })));
    try {
      const out = join(tmp, 'reload.jsonl');
      const file = join(tmp, 'reload.yml');
      const yml = (prefix: string) => `grouping-window: 0s
channels:
  archive: { type: jsonl, path: "${out}" }
rules:
  - name: watch
    prefixes: [${prefix}]
    channels: [archive]
`;
      writeFileSync(file, yml('192.0.2.0/24'));
      alerting = createAlerting({ file, debounceMs: 20, pollMs: 100 });
      alerting.handle([started(T, finding({ prefix: '198.51.100.0/24' }))]);
      await alerting.flush();
      expect(() => readFileSync(out)).toThrow(); // nothing matched yet

      // An editor-style replace (write a temp file, rename over).
      writeFileSync(`${file}.tmp`, yml('198.51.100.0/24'));
      renameSync(`${file}.tmp`, file);
      await until(() => alerting!.stats().reloads === 1);
      alerting.handle([started(T + 10, finding({ prefix: '198.51.100.0/25', originAsn: 7 }))]);
      await alerting.flush();
      expect(readJsonl(out).map((a) => a.items[0].prefix)).toEqual(['198.51.100.0/25']);

      // A broken edit: rejected with its line, the previous rules stay.
      writeFileSync(file, yml('198.51.100.0/24').replace('channels: [archive]', 'channels: [archive]\n    kinds: [nonsense]'));
      await until(() => alerting!.stats().reloadErrors === 1);
      const error = lines.find((l) => l.level === 50 && String(l.msg).includes('previous rules stay active'));
      expect(error).toMatchObject({ file, line: 8 });
      expect(String(error!.msg)).toContain('not a mismatch kind');
      alerting.handle([started(T + 20, finding({ prefix: '198.51.100.128/25', originAsn: 8 }))]);
      await alerting.flush();
      expect(readJsonl(out).map((a) => a.items[0].prefix)).toEqual(['198.51.100.0/25', '198.51.100.128/25']);
      expect(alerting.config().rules[0].kinds).toEqual([]);
    } finally {
      setLogger(previous);
    }
  });

  it('keeps its pairs in the state file across a restart: the restore after it is paired with the start before it', async () => {
    const file = join(tmp, 'restart.yml');
    const out = join(tmp, 'restart.jsonl');
    const statePath = join(tmp, 'restart.alerts.json');
    writeFileSync(file, `grouping-window: 60s\nchannels:\n  archive: { type: jsonl, path: "${out}" }\nrules:\n  - name: all\n    channels: [archive]\n`);
    const first = createAlerting({ file, deadLetterPath: join(tmp, 'restart-dl.jsonl'), watch: false, statePath });
    first.handle([started(T, finding())]);
    await first.close();
    expect(JSON.parse(readFileSync(statePath, 'utf8')).pairs).toHaveLength(1);

    alerting = createAlerting({ file, deadLetterPath: join(tmp, 'restart-dl.jsonl'), watch: false, statePath });
    alerting.handle([started(T + 600, finding()), ended(T + 7200, finding())]);
    await alerting.flush();
    expect(readJsonl(out).map((a) => a.title)).toEqual(['192.0.2.0/24 from AS64500: geo-out-of-region', '192.0.2.0/24 from AS64500 restored after 2 h']);
  });

  it('starts without a state file it cannot read, and says so', async () => {
    const file = join(tmp, 'broken-state.yml');
    const statePath = join(tmp, 'broken.alerts.json');
    writeFileSync(statePath, '{"version": 1, "pairs": [');
    writeFileSync(file, `channels:\n  archive: { type: jsonl, path: "${join(tmp, 'broken.jsonl')}" }\nrules:\n  - name: all\n    channels: [archive]\n`);
    const lines: string[] = [];
    const previous = log;
    setLogger(pino({ level: 'info' }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) })));
    try {
      alerting = createAlerting({ file, deadLetterPath: join(tmp, 'broken-dl.jsonl'), watch: false, statePath });
    } finally {
      setLogger(previous);
    }
    expect(lines.join('')).toMatch(/alert state not readable; starting without it/);
    alerting.handle([started(T, finding())]);
    await alerting.close();
    alerting = undefined;
    expect(JSON.parse(readFileSync(statePath, 'utf8')).pairs).toHaveLength(1);
  });
});
