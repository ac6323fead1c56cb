import type { IncomingMessage, ServerResponse } from 'node:http';
import { SESSION_COOKIE, sessionValue } from './auth.js';
import { sendJson } from './http.js';

/**
 * `POST /api/session` (after authorize: the bearer token was valid) sets the session cookie the
 * browser then sends with EventSource and downloads; `POST /api/session/end` clears it. Without a
 * token configured there is nothing to trade: `{ auth: false }`. Answers true when it handled the request.
 */
export function handleSession(req: IncomingMessage, res: ServerResponse, pathname: string, token: string | undefined): boolean {
  if (req.method !== 'POST' || (pathname !== '/api/session' && pathname !== '/api/session/end')) return false;
  if (!token) {
    sendJson(res, 200, { auth: false });
    return true;
  }
  const secure = (req.socket as { encrypted?: boolean }).encrypted || String(req.headers['x-forwarded-proto'] ?? '').split(',')[0].trim() === 'https';
  const attrs = `Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
  const end = pathname === '/api/session/end';
  res.setHeader('set-cookie', end ? `${SESSION_COOKIE}=; ${attrs}; Max-Age=0` : `${SESSION_COOKIE}=${sessionValue(token)}; ${attrs}`);
  sendJson(res, 200, { auth: true, session: !end });
  return true;
}
