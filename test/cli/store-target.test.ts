import { describe, expect, it } from 'vitest';
import { UsageError } from '../../cli/errors.js';
import { storeTarget } from '../../cli/store-target.js';

describe('storeTarget: the store the flags name', () => {
  it('the embedded folder, a server, or a server on a cluster; a cluster without a server is refused', () => {
    expect(storeTarget({ db: 'a/db' })).toEqual({ db: 'a/db', clickhouse: undefined, cluster: undefined });
    expect(storeTarget({ db: 'a/db', clickhouse: 'http://h:8123/p', clickhouseCluster: 'portolan' })).toEqual({ db: 'a/db', clickhouse: 'http://h:8123/p', cluster: 'portolan' });
    expect(() => storeTarget({ db: 'a/db', clickhouseCluster: 'portolan' })).toThrow(UsageError);
  });
});
