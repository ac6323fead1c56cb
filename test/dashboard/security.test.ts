import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore, type Store } from '../../analyzer/store/index.js';
import { createDashboardServer, type DashboardServer } from '../../dashboard/server/index.js';
import { assertBindAllowed, InsecureBindError, isLoopback, tokenMatches } from '../../dashboard/server/auth.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { runCli } from '../helpers/cli.js';

const TOKEN = 'test-token-0123456789abcdef';
let store: Store;
let locked: DashboardServer;
let publicPages: DashboardServer;
let open: DashboardServer;
let dir: string;

const call = async (base: string, path: string, init: RequestInit = {}) => {
  const res = await fetch(base + path, init);
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* text */
  }
  return { status: res.status, headers: res.headers, body };
};
const bearer = (t = TOKEN) => ({ authorization: `Bearer ${t}` });
const postSql = (base: string, headers: Record<string, string> = {}) =>
  call(base, '/api/sql', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ sql: 'SELECT 1 AS x' }) });

beforeAll(async () => {
  dir = makeTmpDir('dash-security');
  store = await openStore({ db: join(dir, 'db') });
  await store.migrate();
  const webRoot = join(dir, 'no-web');
  locked = await createDashboardServer({ store, port: 0, host: '127.0.0.1', webRoot, apiToken: TOKEN, ops: async (req, res) => (req.url === '/healthz' ? (res.end('ok'), true) : false) });
  publicPages = await createDashboardServer({ store, port: 0, host: '127.0.0.1', webRoot, apiToken: TOKEN, publicPages: true });
  open = await createDashboardServer({ store, port: 0, host: '127.0.0.1', webRoot, feed: { maxClients: 1 } });
});

afterAll(async () => {
  await locked?.close();
  await publicPages?.close();
  await open?.close();
  await store?.close();
});

describe('binding beyond loopback', () => {
  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) expect(isLoopback(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.0.2.1', '2001:db8::1', 'example.org']) expect(isLoopback(h), h).toBe(false);
  });
  it('refuses to start on 0.0.0.0 without a token (never listens), and accepts one', async () => {
    expect(() => assertBindAllowed('0.0.0.0', undefined)).toThrow(InsecureBindError);
    expect(() => assertBindAllowed('0.0.0.0', 'short')).toThrow(/at least 16/);
    expect(() => assertBindAllowed('0.0.0.0', TOKEN)).not.toThrow();
    expect(() => assertBindAllowed('127.0.0.1', undefined)).not.toThrow();
    await expect(createDashboardServer({ store, port: 0, host: '0.0.0.0', webRoot: join(dir, 'no-web') })).rejects.toThrow(/refusing to listen on 0\.0\.0\.0 without an API token.*--api-token/);
  });
  it('`portolan serve --host 0.0.0.0` exits with a usage error before opening anything', async () => {
    const env = { PORTOLAN_API_TOKEN: '' };
    const r = await runCli(['serve', '--host', '0.0.0.0', '--port', '0', '--db', join(dir, 'cli-db')], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refusing to listen on 0\.0\.0\.0 without an API token/);
    const run = await runCli(['run', '--host', '::', '--port', '0', '--db', join(dir, 'cli-db'), '--replay', join(dir, 'none.jsonl')], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/refusing to listen on :: without an API token/);
  }, 60_000);
  it('compares tokens in constant time over their hashes (any length)', () => {
    expect(tokenMatches(TOKEN, TOKEN)).toBe(true);
    expect(tokenMatches(TOKEN + 'x', TOKEN)).toBe(false);
    expect(tokenMatches('', TOKEN)).toBe(false);
  });
});

describe('bearer token', () => {
  it('every API needs it: 401 with WWW-Authenticate without or with a wrong token, 200 with it', async () => {
    const none = await call(locked.url, '/api/summary');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(none.body.error.code).toBe('unauthorized');
    expect((await call(locked.url, '/api/summary', { headers: bearer('wrong-token-0123456789') })).status).toBe(401);
    expect((await call(locked.url, '/api/summary', { headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } })).status).toBe(401);
    expect((await call(locked.url, '/api/summary', { headers: bearer() })).status).toBe(200);
    expect((await postSql(locked.url)).status).toBe(401);
    expect((await postSql(locked.url, bearer())).status).toBe(200);
    // The web UI's files carry no data and must load to ask for the token (404 here: no UI built);
    // /metrics is no UI file.
    expect((await call(locked.url, '/', {})).status).toBe(404);
    expect((await call(locked.url, '/metrics', {})).status).toBe(401);
    expect((await call(locked.url, '/api', {})).status).toBe(401);
  });

  it('the web UI trades the token for an HttpOnly, SameSite=Strict session cookie that authorises GETs, and same-origin POSTs only', async () => {
    expect((await call(locked.url, '/api/session', { method: 'POST' })).status).toBe(401);
    expect((await call(locked.url, '/api/session', { method: 'POST', headers: bearer('wrong-token-0123456789') })).status).toBe(401);
    const ok = await call(locked.url, '/api/session', { method: 'POST', headers: bearer() });
    expect(ok.status).toBe(200);
    const setCookie = ok.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^portolan_session=[0-9a-f]{64}; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(setCookie).not.toContain(TOKEN);
    const cookie = setCookie.split(';')[0];
    expect((await call(locked.url, '/api/summary', { headers: { cookie } })).status).toBe(200);
    expect((await call(locked.url, '/api/summary', { headers: { cookie: 'portolan_session=' + '0'.repeat(64) } })).status).toBe(401);
    // A POST with only the cookie: refused unless it comes from the dashboard's own origin.
    const host = new URL(locked.url).host;
    expect((await postSql(locked.url, { cookie })).status).toBe(403);
    expect((await postSql(locked.url, { cookie, origin: 'http://evil.example' })).status).toBe(403);
    expect((await postSql(locked.url, { cookie, origin: `http://${host}` })).status).toBe(200);
    // Behind a TLS proxy the cookie is Secure; ending the session clears it.
    const viaTls = await call(locked.url, '/api/session', { method: 'POST', headers: { ...bearer(), 'x-forwarded-proto': 'https' } });
    expect(viaTls.headers.get('set-cookie')).toMatch(/; Secure$/);
    const end = await call(locked.url, '/api/session/end', { method: 'POST', headers: bearer() });
    expect(end.headers.get('set-cookie')).toMatch(/^portolan_session=; .*Max-Age=0$/);
    // Without a token configured there is nothing to trade.
    expect((await call(open.url, '/api/session', { method: 'POST' })).body).toEqual({ auth: false });
  });
  it('/healthz stays public for probes', async () => {
    expect((await call(locked.url, '/healthz')).status).toBe(200);
  });
  it('--public-pages opens pages, the feed and read-only GETs, never the SQL console', async () => {
    expect((await call(publicPages.url, '/api/summary')).status).toBe(200);
    expect((await call(publicPages.url, '/api/feed/recent')).status).toBe(200);
    expect((await postSql(publicPages.url)).status).toBe(401);
    expect((await postSql(publicPages.url, bearer())).status).toBe(200);
  });
});

describe('hardening', () => {
  it('security headers on every response, errors and 401s included: CSP without inline scripts, nosniff, Referrer-Policy', async () => {
    for (const r of [await call(open.url, '/api/summary'), await call(open.url, '/api/nothing'), await call(locked.url, '/api/summary')]) {
      const csp = r.headers.get('content-security-policy')!;
      expect(csp).toMatch(/script-src 'self'/);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });
  it('limits request bodies (413)', async () => {
    const big = JSON.stringify({ sql: `SELECT '${'x'.repeat(300 * 1024)}'` });
    const r = await call(open.url, '/api/sql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('too-large');
  });
  it('caps SSE clients with a clear 503 and Retry-After', async () => {
    const first = new AbortController();
    const a = await fetch(open.url + '/api/feed', { signal: first.signal });
    expect(a.status).toBe(200);
    const b = await call(open.url, '/api/feed');
    expect(b.status).toBe(503);
    expect(b.body.error.code).toBe('feed-full');
    expect(b.body.error.message).toMatch(/maximum of 1 clients/);
    expect(Number(b.headers.get('retry-after'))).toBeGreaterThan(0);
    first.abort();
    await a.body?.cancel().catch(() => undefined);
  });
});
