import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions as TlsOptions } from 'node:tls';
import { hostname as osHostname } from 'node:os';
import { isIP } from 'node:net';
import { alertText, type Alert } from '../alert.js';
import type { AlertChannel, ChannelPlugin } from './channel.js';

/** RFC 5424 facilities by name. */
export const FACILITIES: Record<string, number> = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9, authpriv: 10, ftp: 11,
  local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
};

/** Private enterprise number 32473 is reserved for documentation (RFC 5612); used for our SD-ID. */
export const SD_ID = 'portolan@32473';

/** Syslog severity (0 emergency … 7 debug) for an alert: restores are notices. */
export function syslogSeverity(alert: Alert): number {
  if (alert.event === 'finding-ended') return 5;
  return ({ high: 2, medium: 4, low: 5, info: 6, none: 7 } as Record<string, number>)[alert.severity] ?? 6;
}

/** PRINTUSASCII without spaces, at most `max` characters; '-' when empty (RFC 5424 NILVALUE). */
const token = (s: string, max: number): string => s.replace(/[^\x21-\x7e]/g, '').slice(0, max) || '-';

/** SD-PARAM values escape ", \ and ]. */
const sdValue = (s: string): string => s.replace(/[\\"\]]/g, (c) => `\\${c}`);

/** One RFC 5424 message: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] BOM MSG`. */
export function formatSyslog(alert: Alert, opts: { facility: number; hostname: string; appName: string; now?: Date }): string {
  const pri = opts.facility * 8 + syslogSeverity(alert);
  const timestamp = (opts.now ?? new Date()).toISOString();
  const params: Array<[string, string]> = [
    ['id', alert.id],
    ['rule', alert.rule],
    ['event', alert.event],
    ['severity', alert.severity],
    ['prefixes', String(alert.items.length)],
  ];
  if (alert.reason) params.push(['reason', alert.reason]);
  if (alert.items[0]) params.push(['prefix', alert.items[0].prefix]);
  if (alert.link) params.push(['link', alert.link]);
  const sd = `[${SD_ID} ${params.map(([k, v]) => `${k}="${sdValue(v)}"`).join(' ')}]`;
  // Syslog is line-oriented in practice: the message body is one line.
  const msg = alertText(alert, 20).replace(/\n/g, ' | ');
  return `<${pri}>1 ${timestamp} ${token(opts.hostname, 255)} ${token(opts.appName, 48)} ${process.pid} ${token(alert.event, 32)} ${sd} \ufeff${msg}`;
}

export const syslogPlugin: ChannelPlugin = {
  type: 'syslog',
  description: 'RFC 5424 syslog over UDP, TCP with octet-counting framing (RFC 6587), or TLS (RFC 5425)',
  options: {
    host: { type: 'string', required: true },
    port: { type: 'integer', min: 1, max: 65535 },
    protocol: { type: 'string', enum: ['udp', 'tcp', 'tls'] },
    /** TLS: PEM file of the CA that signed the receiver's certificate (default: the system CAs). */
    ca: { type: 'string' },
    /** TLS: PEM files of a client certificate and key, for receivers that authenticate senders. */
    cert: { type: 'string' },
    key: { type: 'string' },
    'reject-unauthorized': { type: 'boolean' },
    /** TLS: the name the receiver's certificate must carry, when `host` is an address. */
    'server-name': { type: 'string' },
    facility: { type: 'string', enum: Object.keys(FACILITIES) },
    'app-name': { type: 'string' },
    hostname: { type: 'string' },
    'max-message-size': { type: 'integer', min: 480, max: 65000 },
    timeout: { type: 'duration' },
  },
  create(name, options): AlertChannel {
    const host = options.host as string;
    const protocol = (options.protocol as string | undefined) ?? 'udp';
    const port = (options.port as number | undefined) ?? (protocol === 'tls' ? 6514 : 514);
    const maxSize = (options['max-message-size'] as number | undefined) ?? (protocol === 'udp' ? 2048 : 8192);
    const timeoutMs = ((options.timeout as number | undefined) ?? 10) * 1000;
    const format = (alert: Alert): Buffer => {
      const text = formatSyslog(alert, {
        facility: FACILITIES[(options.facility as string | undefined) ?? 'daemon'],
        hostname: (options.hostname as string | undefined) ?? osHostname(),
        appName: (options['app-name'] as string | undefined) ?? 'portolan',
      });
      const bytes = Buffer.from(text, 'utf8');
      // Receivers may truncate or drop oversize messages; truncate ourselves so the header survives.
      return bytes.length > maxSize ? bytes.subarray(0, maxSize) : bytes;
    };
    if (protocol === 'udp') return udpChannel(name, host, port, format);
    const tls = protocol === 'tls' ? tlsOptions(host, options) : null;
    return streamChannel(name, { host, port, timeoutMs, tls }, format);
  },
};

/** RFC 5425: the receiver's certificate is verified (against `ca` when given); a client certificate is optional. */
function tlsOptions(host: string, options: Record<string, unknown>): TlsOptions {
  const file = (key: string) => (options[key] ? readFileSync(options[key] as string, 'utf8') : undefined);
  return {
    servername: (options['server-name'] as string | undefined) ?? (isIP(host) ? undefined : host),
    ca: file('ca'),
    cert: file('cert'),
    key: file('key'),
    rejectUnauthorized: (options['reject-unauthorized'] as boolean | undefined) ?? true,
  };
}

function udpChannel(name: string, host: string, port: number, format: (a: Alert) => Buffer): AlertChannel {
  let socket: UdpSocket | undefined;
  return {
    name,
    type: 'syslog',
    send(alert) {
      socket ??= createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
      const s = socket;
      return new Promise((resolve, reject) => s.send(format(alert), port, host, (err) => (err ? reject(err) : resolve())));
    },
    async close() {
      socket?.close();
      socket = undefined;
    },
  };
}

/** TCP, or TLS over it (`tls` set): one connection kept open, octet-counting frames (RFC 6587, RFC 5425). */
function streamChannel(name: string, to: { host: string; port: number; timeoutMs: number; tls: TlsOptions | null }, format: (a: Alert) => Buffer): AlertChannel {
  const { host, port, timeoutMs, tls } = to;
  let socket: Socket | undefined;
  let connecting: Promise<Socket> | undefined;
  const open = (): Promise<Socket> => {
    if (socket && !socket.destroyed) return Promise.resolve(socket);
    connecting ??= new Promise<Socket>((resolve, reject) => {
      const s = tls ? tlsConnect({ ...tls, host, port, timeout: timeoutMs }) : connect({ host, port, timeout: timeoutMs });
      const fail = (err: Error) => {
        s.destroy();
        connecting = undefined;
        reject(err);
      };
      s.once('error', fail);
      s.once('timeout', () => fail(new Error(`syslog ${tls ? 'tls' : 'tcp'} ${host}:${port}: connection timed out`)));
      // With TLS the socket is usable once the handshake (and certificate check) has passed.
      s.once(tls ? 'secureConnect' : 'connect', () => {
        s.off('error', fail);
        s.setTimeout(0);
        // A later error (peer reset) just drops the socket; the next send reconnects.
        s.on('error', () => s.destroy());
        s.on('close', () => {
          if (socket === s) socket = undefined;
        });
        socket = s;
        connecting = undefined;
        resolve(s);
      });
    });
    return connecting;
  };
  return {
    name,
    type: 'syslog',
    async send(alert) {
      const s = await open();
      const msg = format(alert);
      // RFC 6587 octet counting: "MSG-LEN SP SYSLOG-MSG".
      const frame = Buffer.concat([Buffer.from(`${msg.length} `), msg]);
      await new Promise<void>((resolve, reject) => s.write(frame, (err) => (err ? reject(err) : resolve())));
    },
    async close() {
      if (socket) await new Promise<void>((resolve) => socket!.end(resolve));
      socket = undefined;
    },
  };
}
