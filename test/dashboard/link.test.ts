import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PORT, httpLink, listensOnAll } from '../../common/defaults.js';
import { createDashboardServer, type DashboardServer } from '../../dashboard/server/index.js';
import { makeTmpDir } from '../helpers/tmp.js';

const none = { columns: [], rows: [] };
const bare = { namedQuery: async () => none, namedQueries: () => [], readonlySql: async () => none, ping: async () => true };

describe('the dashboard link', () => {
  it('honours the host, and is a loopback link when listening on all addresses', () => {
    expect(httpLink('127.0.0.1', DEFAULT_PORT)).toBe('http://127.0.0.1:8080');
    expect(httpLink('portolan.example', 80)).toBe('http://portolan.example:80');
    expect(httpLink('0.0.0.0', 8080)).toBe('http://127.0.0.1:8080');
    expect(httpLink('::', 8080)).toBe('http://[::1]:8080');
    expect(httpLink('::1', 8080)).toBe('http://[::1]:8080');
    expect(httpLink('[::1]', 8080)).toBe('http://[::1]:8080');
    expect([listensOnAll('0.0.0.0'), listensOnAll('::'), listensOnAll('127.0.0.1'), listensOnAll('toString')]).toEqual([true, true, false, false]);
  });

  let server: DashboardServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('is what the server says it listens on, and the link answers', async () => {
    // Listening on all addresses needs a token (auth.ts); the test only ever connects to loopback.
    const apiToken = 'a-test-token-of-32-characters!!!';
    server = await createDashboardServer({ store: bare, port: 0, host: '0.0.0.0', apiToken, webRoot: makeTmpDir('dash-link'), compactEveryMs: 0 });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.allAddresses).toBe(true);
    expect((await fetch(`${server.url}/api/health`, { headers: { authorization: `Bearer ${apiToken}` } })).status).toBe(200);
    await server.close();
    server = await createDashboardServer({ store: bare, port: 0, webRoot: makeTmpDir('dash-link'), compactEveryMs: 0 });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.allAddresses).toBe(false);
  });
});
