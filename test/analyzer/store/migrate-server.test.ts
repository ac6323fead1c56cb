/**
 * Migrating a store on a ClickHouse server: the statements go through a client of their own that
 * waits for a long statement (a read model filled again from a large route_events sends nothing
 * back until it is done), under the migration lock. No modern ClickHouse server runs here, so the
 * server is a stand-in on 127.0.0.1 speaking ClickHouse's HTTP interface as far as migrating needs
 * (every statement succeeds; every read answers no rows: schema_migrations is empty, and the
 * database is not known to be, so the migrations run in turn), one statement answered late; the
 * client is the real @clickhouse/client.
 */
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, PROGRESS_HEADER_MS } from '../../../analyzer/store/connection.js';
import { MIGRATION_TIMEOUT_MS, openStore } from '../../../analyzer/store/index.js';
import { MIGRATION_LOCK } from '../../../analyzer/store/migration-lock.js';
import { MIGRATIONS } from '../../../analyzer/store/migrations.js';
import { makeTmpDir } from '../../helpers/tmp.js';

const SLOW_MS = 800;
const SLOW = 'INSERT INTO prefix_latest (';

describe('migrating a store on a server', () => {
  const dir = makeTmpDir('migrate-server');
  const statements: string[] = [];
  /** Each request's URL parameters, where the client puts its settings. */
  const params: URLSearchParams[] = [];
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        const query = `${url.searchParams.get('query') ?? ''}${body}`;
        statements.push(query);
        params.push(url.searchParams);
        const answer = () => res.writeHead(200, { 'Content-Type': 'text/plain', 'X-ClickHouse-Summary': '{}' }).end('');
        if (query.startsWith(SLOW)) setTimeout(answer, SLOW_MS);
        else answer();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/portolan`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const migrate = async (migrationTimeoutMs?: number) => {
    // Requests idle longer than 300 ms fail, as the default 30 s would for an hour-long statement.
    const store = await openStore({ clickhouse: url, spoolDir: join(dir, 'spool'), requestTimeoutMs: 300, migrationTimeoutMs });
    try {
      return await store.migrate();
    } finally {
      await store.close();
    }
  };

  it('a statement that answers after the request timeout completes, under the lock', async () => {
    statements.length = 0;
    expect((await migrate()).applied).toEqual(MIGRATIONS.map((m) => m.version));
    const slow = statements.findIndex((q) => q.startsWith(SLOW));
    expect(slow).toBeGreaterThan(0);
    const lockAt = statements.findIndex((q) => q.startsWith(`CREATE TABLE ${MIGRATION_LOCK} `));
    const releasedAt = statements.findIndex((q) => q.startsWith(`DROP TABLE IF EXISTS ${MIGRATION_LOCK}`));
    expect(lockAt).toBeGreaterThan(0);
    expect(lockAt).toBeLessThan(slow);
    expect(releasedAt).toBeGreaterThan(slow);
  });

  it('with the request timeout of every other query, that statement fails the migration', async () => {
    await expect(migrate(300)).rejects.toThrow(/timeout/i);
  });

  it('the migrations ask for progress headers, which keep a proxy from cutting a long statement, and the client warns of nothing', async () => {
    params.length = 0;
    const warnings: unknown[][] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args);
    try {
      await migrate();
    } finally {
      console.warn = warn;
    }
    expect(warnings).toEqual([]);
    // A server's migrations go through the migrations' own client: every request asks for them.
    const progress = params.filter((p) => p.get('send_progress_in_http_headers') === '1');
    expect(progress.length).toBeGreaterThan(100);
    expect(progress).toHaveLength(params.length);
    expect(progress.every((p) => p.get('http_headers_progress_interval_ms') === String(PROGRESS_HEADER_MS))).toBe(true);
  });
});

describe('a long statement answered with its progress headers', () => {
  // A server that has sent a progress header every 50 s for 10 hours (720 of them, about 150 KB),
  // then the answer: raw HTTP on 127.0.0.1, since Node's own server sends its headers at once.
  let port: number;
  const server = createTcpServer((socket) => {
    // The client that cannot hold the headers resets the connection.
    socket.on('error', () => {});
    let request = '';
    socket.on('data', (chunk) => {
      request += chunk.toString('latin1');
      const end = request.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length: (\d+)/i.exec(request.slice(0, end))?.[1] ?? 0);
      const chunked = /transfer-encoding: chunked/i.test(request.slice(0, end));
      if (chunked ? !request.endsWith('0\r\n\r\n') : request.length < end + 4 + length) return;
      const progress = Array.from({ length: 720 }, (_, i) => `X-ClickHouse-Progress: {"read_rows":"${i * 1_000_000}","read_bytes":"${i * 80_000_000}","total_rows_to_read":"720000000","elapsed_ns":"${i * 50e9}"}\r\n`);
      socket.end(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n${progress.join('')}X-ClickHouse-Summary: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    });
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => new Promise((resolve) => server.close(resolve)));

  it('is read by the client of the migrations; a client for short requests cannot hold those headers', async () => {
    const url = `http://127.0.0.1:${port}/portolan`;
    const long = connect({ clickhouse: url, requestTimeoutMs: MIGRATION_TIMEOUT_MS }).client;
    const short = connect({ clickhouse: url }).client;
    // The client logs the failed request, its whole packet too: kept out of the test's output.
    const error = console.error;
    console.error = () => {};
    try {
      await expect(long.command({ query: 'INSERT INTO prefix_latest SELECT 1' })).resolves.toBeDefined();
      await expect(short.command({ query: 'INSERT INTO prefix_latest SELECT 1' })).rejects.toThrow(/header/i);
    } finally {
      console.error = error;
      await long.close();
      await short.close();
    }
  });
});
