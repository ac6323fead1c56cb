import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { HttpError } from './http.js';

/** The environment variable that carries the API token when --api-token is not given. */
export const API_TOKEN_ENV = 'PORTOLAN_API_TOKEN';

/** True for addresses only this machine can reach: localhost, 127.0.0.0/8, ::1 (and ::ffff:127.x). */
export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/** Thrown at start: listening beyond loopback without a token. */
export class InsecureBindError extends Error {
  constructor(host: string) {
    super(
      `refusing to listen on ${host} without an API token: anyone who can reach it would get the SQL console and every API. ` +
        `Pass --api-token TOKEN (or set ${API_TOKEN_ENV}; clients send "Authorization: Bearer TOKEN"), or listen on 127.0.0.1 (see docs/deployment.md, Security)`,
    );
    this.name = 'InsecureBindError';
  }
}

/** Refuses a non-loopback address without a token, and a token too short to be a secret. */
export function assertBindAllowed(host: string, token: string | undefined): void {
  if (token !== undefined && token !== '' && token.length < 16) throw new Error('--api-token must be at least 16 characters (e.g. `openssl rand -hex 32`)');
  if (!isLoopback(host) && !token) throw new InsecureBindError(host);
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Compares a presented token with the configured one in constant time (both hashed first, so lengths do not leak). */
export function tokenMatches(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/** The bearer token of a request, or undefined. */
export function bearerOf(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

/**
 * The browser's session: the web UI trades its token for an HttpOnly, SameSite=Strict cookie
 * (POST /api/session with the bearer header), which EventSource and downloads send where they
 * cannot set a header. The cookie holds an HMAC of the token, never the token itself.
 */
export const SESSION_COOKIE = 'portolan_session';

export const sessionValue = (token: string): string => createHmac('sha256', token).update('portolan dashboard session v1').digest('hex');

/** The session cookie of a request, or undefined. */
export function sessionOf(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === SESSION_COOKIE) return v.join('=');
  }
  return undefined;
}

/**
 * A cookie-authenticated request that changes something must come from the dashboard's own
 * pages (defence in depth beside SameSite=Strict): Sec-Fetch-Site same-origin, or an Origin
 * whose host is the request's Host.
 */
function sameOrigin(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site === 'same-origin') return true;
  const origin = req.headers.origin;
  if (typeof origin !== 'string' || !req.headers.host) return false;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export interface AuthOptions {
  /** The API token; unset: no authentication (only allowed on loopback). */
  token?: string;
  /** GET/HEAD of pages, the live feed and read-only APIs need no token; the SQL console always does. */
  publicPages?: boolean;
}

/** Needs no token whatever the options: the liveness probe. */
const ALWAYS_PUBLIC = new Set(['/healthz']);
/** Never public, even with --public-pages. */
const isConsole = (path: string): boolean => path === '/api/sql' || path.startsWith('/api/sql/');

/**
 * The web UI's files (GET/HEAD outside /api and the operations endpoints): no data in them, and
 * the page must load to ask for the token.
 */
const isUiFile = (method: string, path: string): boolean => (method === 'GET' || method === 'HEAD') && !path.startsWith('/api') && path !== '/metrics';

/** Throws 401 unless the request may go on: the bearer token, or the session cookie it was traded for. */
export function authorize(req: IncomingMessage, pathname: string, opts: AuthOptions): void {
  if (!opts.token) return;
  if (ALWAYS_PUBLIC.has(pathname)) return;
  const method = req.method ?? 'GET';
  if (isUiFile(method, pathname)) return;
  if (opts.publicPages && (method === 'GET' || method === 'HEAD') && !isConsole(pathname)) return;
  const presented = bearerOf(req);
  if (presented !== undefined && tokenMatches(presented, opts.token)) return;
  const session = presented === undefined ? sessionOf(req) : undefined;
  if (session !== undefined && tokenMatches(session, sessionValue(opts.token))) {
    if (method === 'GET' || method === 'HEAD' || sameOrigin(req)) return;
    throw new HttpError(403, 'forbidden', 'a request authenticated by the session cookie must come from the dashboard itself (Origin)');
  }
  throw new HttpError(401, 'unauthorized', presented === undefined ? 'this endpoint needs the API token: send "Authorization: Bearer TOKEN"' : 'the API token is not valid', {
    'www-authenticate': 'Bearer realm="portolan"',
  });
}
