import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve, sep } from 'node:path';

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

/** How a folder is answered: 404, or an index page in the style of Apache's autoindex (links as absolute paths, sorting links, a parent) or nginx's (relative links, `../`). */
export type FolderIndex = 'none' | 'apache' | 'nginx';

/**
 * A local HTTP server of the files under `dir` (127.0.0.1, a free port), answering single byte ranges
 * (`Range: bytes=A-B`, 206 with Content-Range) as archive servers do, or (ranges: false) ignoring
 * them with the whole file, as some servers do. While `cutBodies(true)`, a whole file it sends stops half
 * way (the connection dropped). The first `resets` requests get no answer: their connection is
 * dropped, as a kept-alive one the server closed meanwhile is when reused. `requests` counts what
 * it was asked. A folder gets `opts.index` (default none). Paths outside `dir` are 404.
 */
export async function fileServer(
  dir: string,
  opts: { ranges: boolean; resets?: number; index?: FolderIndex },
): Promise<{ base: string; requests: () => number; cutBodies: (on: boolean) => void; close: () => Promise<void> }> {
  const root = resolve(dir);
  let requests = 0;
  let cutting = false;
  const server = createServer((req, res) => {
    if (++requests <= (opts.resets ?? 0)) return void req.socket.destroy();
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = resolve(join(root, path));
    if ((file !== root && !file.startsWith(root + sep)) || !existsSync(file)) return void res.writeHead(404).end();
    if (statSync(file).isDirectory()) {
      const style = opts.index ?? 'none';
      if (style === 'none' || !path.endsWith('/')) return void res.writeHead(404).end();
      return void res.writeHead(200, { 'content-type': 'text/html' }).end(folderIndex(file, path, style));
    }
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

/** An index page of folder `file` (at URL path `path`, ending with `/`) in `style`. */
function folderIndex(file: string, path: string, style: Exclude<FolderIndex, 'none'>): string {
  const entries = readdirSync(file, { withFileTypes: true }).map((e) => (e.isDirectory() ? `${e.name}/` : e.name));
  if (style === 'nginx') {
    const rows = entries.map((name) => `<a href="${encodeURI(name)}">${name}</a>                 01-Jan-2024 00:00    -`);
    return `<html>\r\n<head><title>Index of ${path}</title></head>\r\n<body>\r\n<h1>Index of ${path}</h1><hr><pre><a href="../">../</a>\r\n${rows.join('\r\n')}\r\n</pre><hr></body>\r\n</html>\r\n`;
  }
  const parent = path.replace(/[^/]+\/$/, '');
  const rows = entries.map((name) => `<tr><td valign="top"><img src="/icons/unknown.gif" alt="[   ]"></td><td><a href="${encodeURI(path + name)}">${name}</a></td><td align="right">2024-01-01 00:00  </td><td align="right">1.0M</td><td>&nbsp;</td></tr>`);
  return `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">
<html>
 <head>
  <title>Index of ${path}</title>
 </head>
 <body>
<h1>Index of ${path}</h1>
  <table>
   <tr><th valign="top"><img src="/icons/blank.gif" alt="[ICO]"></th><th><a href="?C=N;O=D">Name</a></th><th><a href="?C=M;O=A">Last modified</a></th><th><a href="?C=S;O=A">Size</a></th><th><a href="?C=D;O=A">Description</a></th></tr>
   <tr><th colspan="5"><hr></th></tr>
<tr><td valign="top"><img src="/icons/back.gif" alt="[PARENTDIR]"></td><td><a href="${parent}">Parent Directory</a></td><td>&nbsp;</td><td align="right">  - </td><td>&nbsp;</td></tr>
${rows.join('\n')}
   <tr><th colspan="5"><hr></th></tr>
</table>
</body></html>
`;
}
