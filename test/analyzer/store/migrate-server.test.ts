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
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../analyzer/store/index.js';
import { MIGRATION_LOCK } from '../../../analyzer/store/migration-lock.js';
import { MIGRATIONS } from '../../../analyzer/store/migrations.js';
import { makeTmpDir } from '../../helpers/tmp.js';

const SLOW_MS = 800;
const SLOW = 'INSERT INTO prefix_latest (';

describe('migrating a store on a server', () => {
  const dir = makeTmpDir('migrate-server');
  const statements: string[] = [];
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const query = `${new URL(req.url ?? '/', 'http://x').searchParams.get('query') ?? ''}${body}`;
        statements.push(query);
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
});
