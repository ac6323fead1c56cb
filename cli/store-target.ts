import type { StoreOptions } from '../analyzer/store/index.js';
import type { CommonOptions } from '../common/config.js';
import { UsageError } from './errors.js';

/** Where the store is: the embedded folder (`--db`), or a ClickHouse server (`--clickhouse`), on a cluster with `--clickhouse-cluster`. */
export function storeTarget(opts: Pick<CommonOptions, 'db' | 'clickhouse' | 'clickhouseCluster'>): StoreOptions {
  if (opts.clickhouseCluster && !opts.clickhouse) throw new UsageError('--clickhouse-cluster needs --clickhouse: a cluster is reached through one of its servers');
  return { db: opts.db, clickhouse: opts.clickhouse, cluster: opts.clickhouseCluster };
}
