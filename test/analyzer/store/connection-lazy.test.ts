/**
 * chDB's native library (about 210 MB of RSS once loaded) is loaded only by an embedded store:
 * a collector writing to a ClickHouse server never loads it.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connect } from '../../../analyzer/store/connection.js';
import { makeTmpDir } from '../../helpers/tmp.js';

const loaded = (): boolean => Object.keys(createRequire(import.meta.url).cache).some((path) => /[\\/]node_modules[\\/]chdb[\\/]/.test(path));

describe('store connection', () => {
  it('loads chDB only when an embedded store is opened, not for a ClickHouse server', async () => {
    expect(loaded()).toBe(false);
    const server = connect({ clickhouse: 'http://127.0.0.1:1/portolan' });
    expect(server.chdb).toBeNull();
    expect(server.embeddedPath).toBeNull();
    await server.client.close();
    expect(loaded()).toBe(false);
    const embedded = connect({ db: join(makeTmpDir('connection-lazy'), 'db') });
    expect(loaded()).toBe(true);
    expect(embedded.chdb).not.toBeNull();
    await embedded.client.close();
  });
});
