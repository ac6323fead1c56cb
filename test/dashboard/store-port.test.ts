import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../analyzer/store/index.js';
import { StoreUnavailable, storePort, type DashboardStore } from '../../dashboard/server/store-port.js';
import { makeTmpDir } from '../helpers/tmp.js';

/** A store without a ClickHouse client: the port binds literals and reads through readonlySql. */
function bareStore(up = true): DashboardStore & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    namedQuery: async () => ({ columns: ['n'], rows: [{ n: 1 }] }),
    namedQueries: () => [],
    readonlySql: async (sql) => {
      seen.push(sql);
      if (sql.includes('boom')) throw new Error('boom');
      return { columns: ['x'], rows: [{ x: 1 }], truncated: false };
    },
    ping: async () => up,
  };
}

describe('store port', () => {
  it('binds parameters as literals when the store has no client', async () => {
    const store = bareStore();
    const port = storePort(store);
    expect(await port.query("SELECT {a:String} AS a, {n:UInt32} AS n, {xs:Array(String)} AS xs", { a: "it's", n: 3, xs: ['p', 'q'] })).toEqual([{ x: 1 }]);
    expect(store.seen).toEqual(["SELECT 'it\\'s' AS a, 3 AS n, ['p', 'q'] AS xs"]);
    await expect(port.query('SELECT {missing:String}')).rejects.toThrow('query parameter missing is missing');
    expect(port.command).toBeUndefined();
  });

  it('answers analyst SQL with named columns', async () => {
    expect(await storePort(bareStore()).readonlySql('SELECT 1', { maxRows: 1, timeoutSeconds: 1 })).toEqual({ truncated: false, columns: [{ name: 'x' }], rows: [{ x: 1 }] });
  });

  it('turns a failure of a store that does not answer a ping into StoreUnavailable', async () => {
    await expect(storePort(bareStore(true)).query('SELECT boom')).rejects.toThrow('boom');
    await expect(storePort(bareStore(false)).query('SELECT boom')).rejects.toBeInstanceOf(StoreUnavailable);
  });

  it('reads 64-bit counts as JSON numbers even where the session quotes them', async () => {
    const store = await openStore({ db: join(makeTmpDir('dash-port'), 'db') });
    try {
      // ClickHouse before 25.8 (a server given by --clickhouse) quotes them by default.
      await store.client.command({ query: 'SET output_format_json_quote_64bit_integers = 1' });
      const raw = await (await store.client.query({ query: 'SELECT count() AS c FROM numbers(3)', format: 'JSONEachRow' })).json();
      expect(raw).toEqual([{ c: '3' }]);
      expect(await storePort(store).query('SELECT count() AS c, sum(number) AS s FROM numbers({n:UInt32})', { n: 3 })).toEqual([{ c: 3, s: 3 }]);
    } finally {
      await store.close();
    }
  });
});
