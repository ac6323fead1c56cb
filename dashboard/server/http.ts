import type { IncomingMessage, ServerResponse } from 'node:http';
import { toCsv } from './csv.js';

/** An error with an HTTP status and a stable machine-readable code, sent as `{ error: { code, message } }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra response headers (Retry-After, WWW-Authenticate). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (message: string): HttpError => new HttpError(400, 'bad-request', message);
export const notFound = (message: string): HttpError => new HttpError(404, 'not-found', message);

/** Headers every response carries: a strict CSP (self only) and the usual hardening. */
export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, err: HttpError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
  sendJson(res, err.status, { error: { code: err.code, message: err.message } });
}

export function sendCsv(res: ServerResponse, filename: string, rows: readonly object[], columns?: string[]): void {
  const text = toCsv(rows, columns);
  res.writeHead(200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}.csv"`,
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Sends a list either as JSON `{ ...meta, rows }` or, with `?format=csv`, as a CSV download of the rows. */
export function sendList(res: ServerResponse, query: URLSearchParams, filename: string, rows: readonly object[], meta: Record<string, unknown> = {}): void {
  const format = query.get('format') ?? 'json';
  if (format === 'csv') return sendCsv(res, filename, rows);
  if (format !== 'json') throw badRequest(`format must be json or csv, not ${JSON.stringify(format)}`);
  sendJson(res, 200, { ...meta, rows });
}

/** Reads a request body up to `limit` bytes (413 past it). */
export async function readBody(req: IncomingMessage, limit = 256 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw new HttpError(413, 'too-large', `request body exceeds ${limit} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}
