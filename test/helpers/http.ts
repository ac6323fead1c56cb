import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join } from 'node:path';

/** One HTTP request from a test: status, headers, the body as JSON when it parses (else the text, e.g. CSV), and the text. */
export async function fetchBody(url: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, headers: res.headers, body, text };
}

/**
 * A local HTTP server of the files in `dir` (127.0.0.1, a free port), answering single byte ranges
 * (`Range: bytes=A-B`, 206 with Content-Range) as archive servers do, or (ranges: false) ignoring
 * them with the whole file, as some servers do. While `cutBodies(true)`, a whole file it sends stops half
 * way (the connection dropped). The first `resets` requests get no answer: their connection is
 * dropped, as a kept-alive one the server closed meanwhile is when reused. `requests` counts what
 * it was asked.
 */
export async function fileServer(dir: string, opts: { ranges: boolean; resets?: number }): Promise<{ base: string; requests: () => number; cutBodies: (on: boolean) => void; close: () => Promise<void> }> {
  let requests = 0;
  let cutting = false;
  const server = createServer((req, res) => {
    if (++requests <= (opts.resets ?? 0)) return void req.socket.destroy();
    const file = join(dir, basename(decodeURIComponent(req.url ?? '/')));
    if (!existsSync(file)) return void res.writeHead(404).end();
    const bytes = readFileSync(file);
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (!opts.ranges || !range) {
      res.writeHead(200, { 'content-length': bytes.length });
      if (!cutting) return void res.end(bytes);
      // The connection lost half way through the body.
      res.write(bytes.subarray(0, bytes.length >> 1), () => res.socket?.destroy());
      return;
    }
    const first = Number(range[1]);
    const last = Math.min(range[2] ? Number(range[2]) : bytes.length - 1, bytes.length - 1);
    if (first >= bytes.length) return void res.writeHead(416, { 'content-range': `bytes */${bytes.length}` }).end();
    res.writeHead(206, { 'content-range': `bytes ${first}-${last}/${bytes.length}`, 'content-length': last - first + 1 }).end(bytes.subarray(first, last + 1));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    requests: () => requests,
    cutBodies: (on) => (cutting = on),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
