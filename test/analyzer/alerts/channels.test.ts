import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { buildAlert, type Alert } from '../../../analyzer/alerts/alert.js';
import { CHANNEL_PLUGINS, type AlertChannel } from '../../../analyzer/alerts/channels/registry.js';
import { signBody } from '../../../analyzer/alerts/channels/webhook.js';
import { AlertEngine } from '../../../analyzer/alerts/engine.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { finding, rule, started, ended } from './fixtures.js';
import { httpReceiver, parse5424, tcpSyslogReceiver, tlsSyslogReceiver, udpSyslogReceiver, until } from './receivers.js';

const tmp = makeTmpDir('alerts-channels');
const T = 1_700_000_000;

/** Two real alerts from the engine: a grouped start and its restore. */
function sampleAlerts(): { start: Alert; restore: Alert } {
  const engine = new AlertEngine([rule('')], { groupingWindowSeconds: 60, quietPeriodSeconds: 60, dashboardUrl: 'http://localhost:8080' });
  const a = finding({ prefix: '192.0.2.0/25', why: 'Says "quoted" ] and \\ escaped' });
  const b = finding({ prefix: '192.0.2.128/25' });
  const [start] = engine.handle([started(T, a), started(T + 1, b)], 0).concat(engine.flush());
  const [restore] = engine.handle([ended(T + 3600, a)], 0).concat(engine.flush());
  return { start, restore };
}
const create = (type: string, options: Record<string, unknown>) => CHANNEL_PLUGINS.get(type)!.create(`test-${type}`, options);

/** Sends the sample start and restore through a stream channel and returns the two messages received, parsed. */
async function sendStartAndRestore(ch: AlertChannel, received: string[]) {
  const { start, restore } = sampleAlerts();
  await ch.send(start);
  await ch.send(restore);
  await until(() => received.length === 2);
  return received.map(parse5424);
}

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version']);
    return true;
  } catch {
    return false;
  }
})();

/** A self-signed certificate for localhost / 127.0.0.1, made with openssl: its key, and the certificate (also its own CA). */
function selfSigned(name: string): { key: string; cert: string; keyPath: string; certPath: string } {
  const keyPath = join(tmp, `${name}.key`);
  const certPath = join(tmp, `${name}.crt`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', `/CN=${name === 'client' ? 'portolan-client' : 'localhost'}`, '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
  expect(existsSync(certPath)).toBe(true);
  return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8'), keyPath, certPath };
}

describe('webhook channel', () => {
  it('POSTs the alert JSON with a valid HMAC-SHA256 signature and a timestamp', async () => {
    const rx = await httpReceiver();
    try {
      const { start } = sampleAlerts();
      await create('webhook', { url: rx.url, secret: 's3cret' }).send(start);
      expect(rx.requests).toHaveLength(1);
      const { headers, body } = rx.requests[0];
      expect(headers['content-type']).toBe('application/json');
      expect(headers['x-portolan-signature']).toBe(signBody('s3cret', body));
      expect(headers['x-portolan-signature']).not.toBe(signBody('other', body));
      expect(Math.abs(Number(headers['x-portolan-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
      const parsed = JSON.parse(body) as { version: number; alert: Alert };
      expect(parsed.version).toBe(1);
      expect(parsed.alert).toEqual(start);
      expect(parsed.alert.items.map((i) => i.prefix)).toEqual(['192.0.2.0/25', '192.0.2.128/25']);
    } finally {
      await rx.close();
    }
  });

  it('fails on a non-2xx answer, naming the status', async () => {
    const rx = await httpReceiver(() => 503);
    try {
      await expect(create('webhook', { url: rx.url }).send(sampleAlerts().start)).rejects.toThrow(/HTTP 503/);
    } finally {
      await rx.close();
    }
  });
});

describe('slack channel', () => {
  it('POSTs a Slack incoming-webhook payload with text and blocks', async () => {
    const rx = await httpReceiver();
    try {
      const { restore } = sampleAlerts();
      await create('slack', { url: rx.url }).send(restore);
      const payload = JSON.parse(rx.requests[0].body) as { text: string; blocks: Array<{ type: string; text?: { type: string; text: string } }> };
      expect(payload.text).toContain('restored after 1 h');
      expect(payload.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text' } });
      const section = payload.blocks.find((b) => b.type === 'section')!;
      expect(section.text!.type).toBe('mrkdwn');
      expect(section.text!.text).toContain('<http://localhost:8080/prefix/192.0.2.0/25|192.0.2.0/25>');
      expect(payload.blocks.at(-1)!.type).toBe('context');
      expect(payload.blocks.length).toBeLessThanOrEqual(50);
    } finally {
      await rx.close();
    }
  });
});

describe('jsonl channel', () => {
  it('appends one JSON line per alert', async () => {
    const path = join(tmp, 'sub', 'alerts.jsonl');
    const ch = create('jsonl', { path });
    const { start, restore } = sampleAlerts();
    await ch.send(start);
    await ch.send(restore);
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Alert);
    expect(lines.map((a) => a.event)).toEqual(['finding-started', 'finding-ended']);
  });
});

describe('syslog channel', () => {
  it('sends RFC 5424 over UDP', async () => {
    const rx = await udpSyslogReceiver();
    const ch = create('syslog', { host: '127.0.0.1', port: rx.port, protocol: 'udp', facility: 'local0', hostname: 'probe-1', 'app-name': 'portolan' });
    try {
      const { start } = sampleAlerts();
      await ch.send(start);
      await until(() => rx.messages.length === 1);
      const m = parse5424(rx.messages[0]);
      expect(m.pri).toBe(16 * 8 + 4); // local0, warning (medium)
      expect(m.version).toBe(1);
      expect(Number.isNaN(Date.parse(m.timestamp))).toBe(false);
      expect(m).toMatchObject({ hostname: 'probe-1', appName: 'portolan', procId: String(process.pid), msgId: 'finding-started' });
      expect(m.sd['portolan@32473']).toMatchObject({ id: start.id, rule: 'r', event: 'finding-started', prefixes: '2', prefix: '192.0.2.0/25' });
      expect(m.msg).toContain('2 prefixes from AS64500');
      expect(m.msg).toContain('Says "quoted" ] and \\ escaped');
    } finally {
      await ch.close?.();
      await rx.close();
    }
  });

  it('sends RFC 5424 over TCP with octet-counting framing, one frame per alert', async () => {
    const rx = await tcpSyslogReceiver();
    const ch = create('syslog', { host: '127.0.0.1', port: rx.port, protocol: 'tcp' });
    try {
      const [a, b] = await sendStartAndRestore(ch, rx.messages);
      expect(a.pri).toBe(3 * 8 + 4); // daemon, warning
      expect(b.pri).toBe(3 * 8 + 5); // restores are notices
      expect(b.msgId).toBe('finding-ended');
      expect(b.sd['portolan@32473'].reason).toBe('restored');
      expect(b.msg).toContain('restored after 1 h');
    } finally {
      await ch.close?.();
      await rx.close();
    }
  });

  it('fails when the TCP receiver is down', async () => {
    const rx = await tcpSyslogReceiver();
    const port = rx.port;
    await rx.close();
    await expect(create('syslog', { host: '127.0.0.1', port, protocol: 'tcp', timeout: 2 }).send(sampleAlerts().start)).rejects.toThrow(/ECONNREFUSED/);
  });

  describe.skipIf(!hasOpenssl)('over TLS (RFC 5425; certificates made with openssl)', () => {
    let server: ReturnType<typeof selfSigned>;
    let client: ReturnType<typeof selfSigned>;
    beforeAll(() => {
      server = selfSigned('syslog');
      client = selfSigned('client');
    });

    it('verifies the receiver against the configured CA and sends octet-counted RFC 5424 frames', async () => {
      const rx = await tlsSyslogReceiver({ key: server.key, cert: server.cert });
      const ch = create('syslog', { host: '127.0.0.1', port: rx.port, protocol: 'tls', ca: server.certPath });
      try {
        const [a, b] = await sendStartAndRestore(ch, rx.messages);
        expect(a.sd['portolan@32473'].event).toBe('finding-started');
        expect(b.msg).toContain('restored after 1 h');
        expect(rx.peers).toHaveLength(1); // one connection for both alerts
      } finally {
        await ch.close?.();
        await rx.close();
      }
    });

    it('refuses a receiver it cannot verify unless reject-unauthorized is false', async () => {
      const rx = await tlsSyslogReceiver({ key: server.key, cert: server.cert });
      try {
        const strict = create('syslog', { host: '127.0.0.1', port: rx.port, protocol: 'tls', timeout: 5 });
        await expect(strict.send(sampleAlerts().start)).rejects.toThrow(/certificate/i);
        await strict.close?.();
        expect(rx.messages).toHaveLength(0);
        const lax = create('syslog', { host: '127.0.0.1', port: rx.port, protocol: 'tls', 'reject-unauthorized': false });
        await lax.send(sampleAlerts().start);
        await until(() => rx.messages.length === 1);
        await lax.close?.();
      } finally {
        await rx.close();
      }
    });

    it('presents a client certificate to a receiver that requires one', async () => {
      const rx = await tlsSyslogReceiver({ key: server.key, cert: server.cert, clientCa: client.cert });
      const ch = create('syslog', { host: '127.0.0.1', port: rx.port, protocol: 'tls', ca: server.certPath, cert: client.certPath, key: client.keyPath });
      try {
        await ch.send(sampleAlerts().start);
        await until(() => rx.messages.length === 1);
        expect(rx.peers[0]).toEqual({ authorized: true, subject: 'portolan-client' });
      } finally {
        await ch.close?.();
        await rx.close();
      }
    });
  });
});

interface Received {
  from: string;
  to: string[];
  raw: string;
  secure: boolean;
}

async function smtpReceiver(tls?: { key: string; cert: string }) {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: tls ? [] : ['STARTTLS'],
    ...(tls ? { key: tls.key, cert: tls.cert } : {}),
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (d: string) => (raw += d));
      stream.on('end', () => {
        received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw, secure: session.secure });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return { port, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Quoted-printable soft breaks and escapes, enough to read the body. */
const unQp = (s: string): string => s.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

describe('email channel', () => {
  it('delivers over SMTP with subject, headers and the why in the body', async () => {
    const rx = await smtpReceiver();
    const ch = create('email', { host: '127.0.0.1', port: rx.port, starttls: 'never', from: 'portolan@example.net', to: ['noc@example.net', 'oncall@example.net'] });
    try {
      const { restore } = sampleAlerts();
      await ch.send(restore);
      expect(rx.received).toHaveLength(1);
      const mail = rx.received[0];
      expect(mail.from).toBe('portolan@example.net');
      expect(mail.to).toEqual(['noc@example.net', 'oncall@example.net']);
      expect(mail.raw).toMatch(/^Subject: \[portolan medium\] 192\.0\.2\.0\/25 from AS64500 restored after 1 h$/m);
      // Header names are case-insensitive (nodemailer writes X-Portolan-Alert-ID).
      expect(mail.raw).toMatch(new RegExp(`^X-Portolan-Alert-Id: ${restore.id}\r?$`, 'mi'));
      expect(mail.raw).toMatch(/^X-Portolan-Event: finding-ended\r?$/im);
      const body = unQp(mail.raw);
      expect(body).toContain('Usage is back in the RIPE NCC region.');
      expect(body).toContain('http://localhost:8080/prefix/192.0.2.0/25');
    } finally {
      await ch.close?.();
      await rx.close();
    }
  });

  describe.skipIf(!hasOpenssl)('with STARTTLS (self-signed certificate made with openssl)', () => {
    let key = '';
    let cert = '';
    let caPath = '';
    let rx: Awaited<ReturnType<typeof smtpReceiver>>;
    beforeAll(async () => {
      const made = selfSigned('smtp');
      ({ key, cert } = made);
      caPath = made.certPath;
      rx = await smtpReceiver({ key, cert });
    });
    afterAll(async () => rx?.close());

    it('upgrades with STARTTLS and verifies the server against the configured CA', async () => {
      const ch = create('email', { host: '127.0.0.1', port: rx.port, starttls: 'require', ca: caPath, from: 'a@example.net', to: ['b@example.net'] });
      await ch.send(sampleAlerts().start);
      await ch.close?.();
      expect(rx.received.at(-1)!.secure).toBe(true);
    });

    it('refuses an untrusted certificate unless reject-unauthorized is false', async () => {
      const strict = create('email', { host: '127.0.0.1', port: rx.port, starttls: 'require', from: 'a@example.net', to: ['b@example.net'], timeout: 5 });
      await expect(strict.send(sampleAlerts().start)).rejects.toThrow(/certificate/i);
      await strict.close?.();
      const count = rx.received.length;
      const lax = create('email', { host: '127.0.0.1', port: rx.port, starttls: 'require', 'reject-unauthorized': false, from: 'a@example.net', to: ['b@example.net'] });
      await lax.send(sampleAlerts().start);
      await lax.close?.();
      expect(rx.received.length).toBe(count + 1);
    });
  });
});

it('has one plug-in per documented channel type', () => {
  expect([...CHANNEL_PLUGINS.keys()].sort()).toEqual(['email', 'jsonl', 'slack', 'syslog', 'webhook']);
  expect(buildAlert({ rule: 'x', event: 'test', time: 1, items: [], dashboardUrl: 'http://d' }).link).toBe('http://d');
});
