import type { StoreOptions } from '../analyzer/store/index.js';
import type { CommonOptions } from '../common/config.js';
import { UsageError } from './errors.js';

/**
 * The store the flags name: the embedded folder (`--db`), or a ClickHouse server (`--clickhouse`),
 * on a cluster with `--clickhouse-cluster`; with `--raw-ttl-days`, the raw events' retention.
 */
export function storeTarget(opts: Pick<CommonOptions, 'db' | 'clickhouse' | 'clickhouseCluster' | 'rawTtlDays'>): StoreOptions {
  if (opts.clickhouseCluster && !opts.clickhouse) throw new UsageError('--clickhouse-cluster needs --clickhouse: a cluster is reached through one of its servers');
  const days = opts.rawTtlDays === undefined ? undefined : Number(opts.rawTtlDays);
  if (days !== undefined && !(/^\d+$/.test(opts.rawTtlDays!) && Number.isSafeInteger(days))) throw new UsageError(`--raw-ttl-days must be a whole number of days (0: forever), not ${JSON.stringify(opts.rawTtlDays)}`);
  return { db: opts.db, clickhouse: opts.clickhouse, cluster: opts.clickhouseCluster, rawTtlDays: days };
}
