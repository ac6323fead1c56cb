import { describe, expect, it } from 'vitest';
import { UsageError } from '../../cli/errors.js';
import { storeTarget } from '../../cli/store-target.js';

describe('storeTarget: the store the flags name', () => {
  it('the embedded folder, a server, or a server on a cluster; a cluster without a server is refused', () => {
    expect(storeTarget({ db: 'a/db' })).toEqual({ db: 'a/db', clickhouse: undefined, cluster: undefined });
    expect(storeTarget({ db: 'a/db', clickhouse: 'http://h:8123/p', clickhouseCluster: 'portolan' })).toEqual({ db: 'a/db', clickhouse: 'http://h:8123/p', cluster: 'portolan' });
    expect(() => storeTarget({ db: 'a/db', clickhouseCluster: 'portolan' })).toThrow(UsageError);
  });

  it('the retention of raw events: whole days, 0 for forever; anything else is refused', () => {
    expect(storeTarget({ db: 'a/db', rawTtlDays: '3650' }).rawTtlDays).toBe(3650);
    expect(storeTarget({ db: 'a/db', rawTtlDays: '0' }).rawTtlDays).toBe(0);
    expect(storeTarget({ db: 'a/db' }).rawTtlDays).toBeUndefined();
    for (const bad of ['', '-1', '1.5', '90d', '1e3']) expect(() => storeTarget({ db: 'a/db', rawTtlDays: bad }), bad).toThrow(/--raw-ttl-days must be a whole number/);
  });
});
