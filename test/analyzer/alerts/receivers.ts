import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createSocket } from 'node:dgram';
import { createServer as createTlsServer } from 'node:tls';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';

/** An HTTP receiver on 127.0.0.1:0 that records requests; `status` decides the answer. */
export async function httpReceiver(status: () => number = () => 200) {
  const requests: Array<{ headers: IncomingMessage['headers']; body: string; url: string }> = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => (body += d));
    req.on('end', () => {
      const code = status();
      if (code < 300) requests.push({ headers: req.headers, body, url: req.url ?? '' });
      res.writeHead(code, { 'content-type': 'text/plain' }).end(code < 300 ? 'ok' : 'down for maintenance');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/hook`, port, requests, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Waits until `check` is true, polling at most `ms`. */
export async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface Syslog5424 {
  pri: number;
  version: number;
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  sd: Record<string, Record<string, string>>;
  msg: string;
}

/** A strict RFC 5424 parser for the tests (header fields, SD-ELEMENTs with escapes, BOM + MSG). */
export function parse5424(text: string): Syslog5424 {
  const head = /^<(\d{1,3})>(\d{1,2}) (\S+) (\S+) (\S+) (\S+) (\S+) /.exec(text);
  if (!head) throw new Error(`not RFC 5424: ${text.slice(0, 80)}`);
  let i = head[0].length;
  const sd: Record<string, Record<string, string>> = {};
  if (text[i] === '-') i++;
  else {
    while (text[i] === '[') {
      const idEnd = text.indexOf(' ', i);
      const id = text.slice(i + 1, idEnd);
      sd[id] = {};
      i = idEnd;
      while (text[i] === ' ') {
        const eq = text.indexOf('="', i);
        const name = text.slice(i + 1, eq);
        let j = eq + 2;
        let value = '';
        while (text[j] !== '"') {
          if (text[j] === '\\') j++;
          value += text[j++];
        }
        sd[id][name] = value;
        i = j + 1;
      }
      if (text[i] !== ']') throw new Error(`bad SD at ${i}`);
      i++;
    }
  }
  if (text[i] !== ' ') throw new Error('no space before MSG');
  let msg = text.slice(i + 1);
  if (msg.startsWith('\ufeff')) msg = msg.slice(1);
  return { pri: Number(head[1]), version: Number(head[2]), timestamp: head[3], hostname: head[4], appName: head[5], procId: head[6], msgId: head[7], sd, msg };
}

export async function udpSyslogReceiver() {
  const messages: string[] = [];
  const socket = createSocket('udp4');
  socket.on('message', (m) => messages.push(m.toString('utf8')));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { port: socket.address().port, messages, close: () => new Promise<void>((r) => socket.close(() => r())) };
}

/** Decodes RFC 6587 octet-counting frames ("MSG-LEN SP SYSLOG-MSG") from a connection. */
function octetCountingFrames(conn: NodeJS.ReadableStream, messages: string[]): void {
  let buf = Buffer.alloc(0);
  conn.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    for (;;) {
      const sp = buf.indexOf(0x20);
      if (sp < 0) break;
      const len = Number(buf.subarray(0, sp).toString());
      if (!Number.isInteger(len)) throw new Error('bad frame');
      if (buf.length < sp + 1 + len) break;
      messages.push(buf.subarray(sp + 1, sp + 1 + len).toString('utf8'));
      buf = buf.subarray(sp + 1 + len);
    }
  });
}

/** A TCP syslog receiver that decodes RFC 6587 octet-counting frames. */
export async function tcpSyslogReceiver() {
  const messages: string[] = [];
  const server = createTcpServer((conn) => octetCountingFrames(conn, messages));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, messages, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** An RFC 5425 receiver: TLS, then the same frames; `clientCa` makes it require a client certificate signed by it. */
export async function tlsSyslogReceiver(tls: { key: string; cert: string; clientCa?: string }) {
  const messages: string[] = [];
  const peers: Array<{ authorized: boolean; subject?: string }> = [];
  const server = createTlsServer({ key: tls.key, cert: tls.cert, ...(tls.clientCa ? { ca: tls.clientCa, requestCert: true, rejectUnauthorized: true } : {}) }, (conn) => {
    const cn = conn.getPeerCertificate()?.subject?.CN;
    peers.push({ authorized: conn.authorized, subject: Array.isArray(cn) ? cn.join(',') : cn });
    octetCountingFrames(conn, messages);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, messages, peers, close: () => new Promise<void>((r) => server.close(() => r())) };
}
