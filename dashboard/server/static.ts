import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/**
 * Serves the built web UI. Vite's hashed files under `assets/` are immutable (cached a year);
 * everything else is revalidated. Paths without a file fall back to index.html (the UI
 * routes them); paths with an extension that do not exist are a 404.
 */
export function serveStatic(root: string, req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
  const base = resolve(root);
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    return false;
  }
  const file = resolve(join(base, normalize(rel)));
  if (file !== base && !file.startsWith(base + sep)) return false;
  let target = file;
  if (!isFile(target)) {
    // A missing file with an extension (a script, an image) is a real 404, not the SPA.
    if (extname(rel) !== '' && !/^\/(prefix|ip)\//.test(rel)) return false;
    target = join(base, 'index.html');
    if (!isFile(target)) return false;
  }
  const stat = statSync(target);
  const immutable = target.startsWith(join(base, 'assets') + sep);
  const etag = `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
  const headers: Record<string, string | number> = {
    'content-type': TYPES[extname(target)] ?? 'application/octet-stream',
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    etag,
    'content-length': stat.size,
  };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, { etag, 'cache-control': headers['cache-control'] as string });
    res.end();
    return true;
  }
  res.writeHead(200, headers);
  if (req.method === 'HEAD') res.end();
  else createReadStream(target).pipe(res);
  return true;
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}
