/**
 * One process migrates a store at a time (analyzer/store/migration-lock.ts). Processes sharing
 * a ClickHouse server are played by connections to one real chDB store (one engine per process):
 * each connection runs its own queries, at the same time as the others', as separate processes'
 * would on a server. No wall-clock assertions: what is checked is the order things happened in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { connect } from '../../../analyzer/store/connection.js';
import { MIGRATION_LOCK, withMigrationLock, type LockTiming } from '../../../analyzer/store/migration-lock.js';
import { MIGRATIONS, runMigrations } from '../../../analyzer/store/migrations.js';
import { queryRows } from '../../../analyzer/store/sql.js';
import { makeTmpDir } from '../../helpers/tmp.js';

// A lease no stall of a shared machine reaches; the stale-lock case sets its own.
const TIMING: LockTiming = { touchMs: 50, leaseMs: 600_000, pollMs: 20 };
const ALL = MIGRATIONS.map((m) => m.version);

describe('the store migration lock', () => {
  const db = join(makeTmpDir('migration-lock'), 'db');
  const clients: ClickHouseClient[] = [];
  const open = (): ClickHouseClient => {
    const c = connect({ db }).client;
    clients.push(c);
    return c;
  };
  let a: ClickHouseClient;
  let b: ClickHouseClient;
  beforeAll(() => {
    [a, b] = [open(), open()];
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
  });

  const count = async (query: string): Promise<number> => Number((await queryRows<{ n: string }>(a, query))[0].n);
  const lockExists = () => count(`SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = '${MIGRATION_LOCK}'`);
  const recorded = () => count('SELECT count() AS n FROM schema_migrations');

  it('a process that finds the lock held waits for its holder, then reads what is pending again and applies nothing twice', async () => {
    const events: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const acquired = new Promise<void>((resolve) => (holding = resolve));
    // A: holds the lock while it migrates (the store is new: every migration pending).
    const first = withMigrationLock(
      a,
      async () => {
        holding();
        await held;
        const r = await runMigrations(a, {});
        events.push('a migrated');
        return r;
      },
      TIMING,
    );
    await acquired;
    expect(await lockExists()).toBe(1);
    // B: finds every migration pending, and the lock held.
    const second = runMigrations(b, {}, undefined, TIMING).then((r) => {
      events.push('b done');
      return r;
    });
    // Let B poll a while: it cannot finish before A releases.
    for (let i = 0; i < 10; i++) await count('SELECT 1 AS n');
    events.push('a releases');
    release();
    const [ra, rb] = await Promise.all([first, second]);
    expect(events).toEqual(['a releases', 'a migrated', 'b done']);
    expect(ra.applied).toEqual(ALL);
    expect(rb).toEqual({ applied: [], skipped: ALL });
    expect(await recorded()).toBe(ALL.length);
    expect(await lockExists()).toBe(0);
  });

  it('two processes that open a store with migrations pending at the same moment apply each once', async () => {
    // Migrations 16 and after pending again (each can run again: insert-order.test.ts, latest-max-migration.test.ts).
    await a.command({ query: 'ALTER TABLE schema_migrations DELETE WHERE version >= 16', clickhouse_settings: { mutations_sync: '2' } });
    const pending = ALL.filter((v) => v >= 16);
    expect(await recorded()).toBe(ALL.length - pending.length);
    const results = await Promise.all([runMigrations(a, {}, undefined, TIMING), runMigrations(b, {}, undefined, TIMING)]);
    expect(results.map((r) => r.applied).sort((x, y) => y.length - x.length)).toEqual([pending, []]);
    expect(await recorded()).toBe(ALL.length);
    expect(await lockExists()).toBe(0);
  });

  it('a lock its holder stopped touching (a crash) is taken over; a store with nothing pending never takes it', async () => {
    await a.command({ query: 'ALTER TABLE schema_migrations DELETE WHERE version = 17', clickhouse_settings: { mutations_sync: '2' } });
    await a.command({ query: `CREATE TABLE ${MIGRATION_LOCK} (owner String, touched_at DateTime64(3, 'UTC')) ENGINE = Memory` });
    await a.command({ query: `INSERT INTO ${MIGRATION_LOCK} SELECT 'crashed pid 1', now64(3) - INTERVAL 1 HOUR` });
    expect((await runMigrations(b, {}, undefined, { ...TIMING, leaseMs: 60_000 })).applied).toEqual([17]);
    expect(await lockExists()).toBe(0);

    // Held by a live process, but nothing to apply: no wait.
    let release!: () => void;
    let holding!: () => void;
    const acquired = new Promise<void>((resolve) => (holding = resolve));
    const held = withMigrationLock(a, () => new Promise<void>((resolve) => ((release = resolve), holding())), TIMING);
    await acquired;
    expect(await runMigrations(b, {}, undefined, TIMING)).toEqual({ applied: [], skipped: ALL });
    release();
    await held;
  });
});
