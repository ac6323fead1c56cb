import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClickHouseClient } from '@clickhouse/client';
import { log } from '../../common/log.js';
import { queryRows, sqlString } from './sql.js';

/**
 * One process applies a store's migrations at a time. Several can open one ClickHouse server at
 * once (the Compose file starts the collectors and the dashboard together), and each applies the
 * pending migrations as it opens the store: two at once would both backfill a read model into
 * its empty target (counting it twice), or one would rebuild a table (migrations 16, 17) while
 * the other, done, already writes to it (its rows between the attach and the exchange lost).
 *
 * The lock is a table: a CREATE TABLE without IF NOT EXISTS succeeds for one process only. Its
 * holder inserts a row every `touchMs`; a lock nobody touched for `leaseMs` is a crashed
 * holder's, and is taken over (two waiters deciding so at the same instant could both take it:
 * that needs a crash too). Memory engine: a server restart frees it. A cluster's nodes each have
 * their own, so there one process must apply the migrations (docs/deployment.md).
 */
export const MIGRATION_LOCK = 'schema_migrations_lock';

export interface LockTiming {
  touchMs: number;
  leaseMs: number;
  pollMs: number;
}

export const LOCK_TIMING: LockTiming = { touchMs: 5_000, leaseMs: 60_000, pollMs: 1_000 };

const alreadyExists = (e: unknown): boolean => /\b(code: 57|TABLE_ALREADY_EXISTS)\b|already exists/i.test(String((e as Error)?.message ?? e));

/** Runs `fn` holding the migration lock; waits while another process holds it. */
export async function withMigrationLock<T>(client: ClickHouseClient, fn: () => Promise<T>, timing: LockTiming = LOCK_TIMING): Promise<T> {
  const owner = `${hostname()} pid ${process.pid}`;
  const touch = () => client.command({ query: `INSERT INTO ${MIGRATION_LOCK} SELECT ${sqlString(owner)}, now64(3)` });
  await acquire(client, owner, touch, timing);
  const timer = setInterval(() => void touch().catch((err: unknown) => log.warn({ err }, 'could not touch the migration lock')), timing.touchMs);
  try {
    return await fn();
  } finally {
    clearInterval(timer);
    await client.command({ query: `DROP TABLE IF EXISTS ${MIGRATION_LOCK}` }).catch((err: unknown) => log.warn({ err }, 'could not release the migration lock; it lapses when untouched'));
  }
}

async function acquire(client: ClickHouseClient, owner: string, touch: () => Promise<unknown>, timing: LockTiming): Promise<void> {
  let told = false;
  // A lock not yet touched: its holder touches it right after creating it, so it is idle since first seen so.
  let untouchedSince: number | undefined;
  for (;;) {
    try {
      await client.command({
        query: `CREATE TABLE ${MIGRATION_LOCK} (owner String, touched_at DateTime64(3, 'UTC')) ENGINE = Memory COMMENT ${sqlString('Held by the process applying the store migrations; touched every few seconds')}`,
      });
      await touch();
      return;
    } catch (e) {
      if (!alreadyExists(e)) throw e;
    }
    const holder = await lockHolder(client);
    untouchedSince = holder?.owner === '' ? (untouchedSince ?? Date.now()) : undefined;
    const idleMs = untouchedSince === undefined ? (holder?.idleMs ?? 0) : Date.now() - untouchedSince;
    if (idleMs > timing.leaseMs) {
      log.warn({ holder: holder?.owner, idleMs }, 'taking over the store migration lock: its holder stopped touching it');
      await client.command({ query: `DROP TABLE IF EXISTS ${MIGRATION_LOCK}` });
      untouchedSince = undefined;
      continue;
    }
    if (!told) log.info({ holder: holder?.owner, me: owner }, 'another process is applying the store migrations; waiting for it');
    told = true;
    await sleep(timing.pollMs);
  }
}

/** Who holds the lock (owner '' before its first touch) and for how long it has not been touched, by the server's clock; null when it is gone. */
async function lockHolder(client: ClickHouseClient): Promise<{ owner: string; idleMs: number } | null> {
  try {
    const [row] = await queryRows<{ owner: string; idle_ms: string | number }>(
      client,
      `SELECT argMax(owner, touched_at) AS owner, dateDiff('millisecond', max(touched_at), now64(3, 'UTC')) AS idle_ms FROM ${MIGRATION_LOCK}`,
    );
    return { owner: row.owner, idleMs: Number(row.idle_ms) };
  } catch {
    return null; // dropped meanwhile: the next CREATE tells
  }
}
