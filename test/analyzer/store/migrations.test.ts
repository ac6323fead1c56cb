import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore, type Store } from '../../../analyzer/store/index.js';
import { MIGRATIONS, MigrationChecksumError, migrationChecksum, runMigrations, verifyApplied } from '../../../analyzer/store/migrations.js';
import { generateDdl, TABLES } from '../../../analyzer/store/schema.js';
import { sqlString } from '../../../analyzer/store/sql.js';
import { makeTmpDir } from '../../helpers/tmp.js';

/**
 * Never edit an applied migration. These are the checksums each migration recorded in the
 * stores it was applied to, as shipped (checked against every commit since: 7bcf872, 813f0d6,
 * a75bfb5, 68e27ab, 06275e5). A store keeps its recorded checksum forever, and the store
 * refuses to open when the current definition differs: if one of these fails, restore the
 * migration's statements byte for byte and put the change in a new migration.
 */
const FROZEN: Record<number, { single: string; cluster: string }> = {
  1: { single: 'bd6fb94b8de5dffc20db164406465aca2d00cc72e33a3d701af9ebc13d2f7db8', cluster: '722e29c85b7cf911f24350b89ebb7538e293cb59871e869f6c81c386f1b33215' },
  2: { single: '533beced5127810df81cc7c8a0d70b440fa9f6adfd9f050adbb5231ed9cf8740', cluster: 'bd6f20616f1f0daa4810a170d99ed96331a94bdf3a553a529073fc2934e77d0e' },
  3: { single: '7677a34901643bd76bd14f2934569ad2bbe4e4506968e86d7fb3e59322339329', cluster: '3b4cbe7c21d1782522f266aa0b92c1a044f703b24ee110b38ac23e96a4efc2f4' },
  4: { single: '674bcfbeeea7ac980475ec064426f4f01366c66d6edfe45289080ae2d7944acc', cluster: '9c31eae7a4fc064481476c393948137c88a9b07719011d34a67d4175b267a363' },
  5: { single: 'dfd7e73398d5212f23129ac8a1735e0e5ee928a6b743703ecd7218786e394d7f', cluster: '312efaca3cd0da05047313d527d43c241845f244ce9dd2a9734bab0a4e418657' },
  6: { single: '26a0466c80baf0a44f42a7636b6ea4fbad52e6a5f154f3c24002e7c91fa44732', cluster: '20fee483513f46e04ff7734f44fb9f66b9270fb1c703fa23b576e47dc6b91046' },
  7: { single: 'cf7cd802550b20bb763e604ddfd76ba73fcff50cbe77ecdf73c8557679a540cc', cluster: '07bacedb96667e9cf0b56b329599c6927b0196e39fb2bad6f35e06f587c0e1be' },
  8: { single: 'b7a4b4ce933a02131b5486606951863938af5d232656d38815f40f9e75ca5047', cluster: '3d966534aa15169f5b9cbabc5a0eb2510ae0a387912bbb016e521b60ae3c4f02' },
  9: { single: '8474e53f4c14b0dee15e6fcdce6350126cc656a1dc8749a7f0e5f34aed3ad1f6', cluster: 'b066a869477b80934dd9a9b13b3d501370aef2970d98c14fcd1b3ce9d6a5e1c4' },
  // Nothing to do in a cluster (Replicated tables deduplicate natively): the checksum of no statements.
  10: { single: '39086df8f3c7d42d75468611281b3fc5cb4ce9f39a0acf6aa72def21d11b14da', cluster: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
  11: { single: '7034030f338823fa69367b7aef716b963cd2331c607f60e3bbc6cdc98adf3969', cluster: 'c104cbba33af0bfda27982b6714c9e4c16eb591c6a202273bf342518e09e83cc' },
  12: { single: 'b16b1813ca1dd9556e6e5857bc82f372b90df922e71157ebfa22710315735b4f', cluster: '0c3241559dc18f6af60b500dacc63076da5d9ce4e5267557895b6de0caf97d1f' },
  13: { single: '9f978345e8f2ead775e70f0dd28fdd3bd4adb33d85ee9d84169d86d1cb57bfed', cluster: '2c3b326a0ae7a9f308b20f48999a28ee4ff1cb2d0df3075f858dfac201cc7f67' },
  14: { single: '7f7706e741c615088dc2706a06c7ca56bb4e42aed096452983cb7daa11fc6b70', cluster: 'f3ba8e4c1da3e0c61c8aeb090439bfa03464dc3f7571077701b8529f8974cc78' },
  15: { single: '6f923a6bdb3b176177c9f8afd86d36527daae0895e630db421f46f318a35d959', cluster: '380f89078ad94f1bdc07df273b7cb9ecab5c3f7d8fef08707452fa7eb8352daa' },
  16: { single: '24fb0d1c5180f03a434e6d1592254f0cd671ee01c864dab3105c7492c74d6ac2', cluster: '2ef9ecf87dc25f45184a457f7f98e77b56d91639a39437c8c82da95866652782' },
  17: { single: '7bea342358de255357e34bc6fd1c32ec7921dd66ea8d60a906cb18b534901d83', cluster: 'f833aa58644340ff290bfef531b5ee246b1a1af89f2e94d2e1fc1f860f7f7946' },
  18: { single: '44fd2be7d7bee1fc89c278d82c3b81eb21022d8f1e568c041dad632712077d4c', cluster: '3a5bb397e9b931119938f596c281eb2901e5a5c1c6676a58e1beb4c5268cc7fb' },
};

describe('migration freeze', () => {
  it('every migration has a frozen checksum here (add one for a new migration)', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(Object.keys(FROZEN).map(Number));
  });
  for (const m of MIGRATIONS) {
    it(`migration ${m.version} is unchanged (single node and cluster)`, () => {
      const f = FROZEN[m.version];
      expect(f, `no frozen checksum for migration ${m.version}`).toBeDefined();
      expect(migrationChecksum(m.statements({})), `migration ${m.version} (single node) changed: never edit an applied migration`).toBe(f.single);
      expect(migrationChecksum(m.statements({ cluster: 'portolan' })), `migration ${m.version} (cluster) changed: never edit an applied migration`).toBe(f.cluster);
    });
  }
  it('the raw-event retention is an option, not part of the definition: a store made with the default retention opens with another', () => {
    const recorded = MIGRATIONS.map((m) => ({ version: m.version, checksum: FROZEN[m.version].single }));
    expect(() => verifyApplied(recorded, { rawTtlDays: 30 })).not.toThrow();
  });
});

describe('verifyApplied', () => {
  it('accepts the checksums recorded by earlier versions', () => {
    expect(() => verifyApplied(MIGRATIONS.map((m) => ({ version: m.version, checksum: FROZEN[m.version].single })), {})).not.toThrow();
    expect(() => verifyApplied(MIGRATIONS.map((m) => ({ version: m.version, checksum: FROZEN[m.version].cluster })), { cluster: 'portolan' })).not.toThrow();
  });
  it('refuses an applied migration whose definition changed, naming it and saying what to do', () => {
    const recorded = [{ version: 1, checksum: FROZEN[1].single }, { version: 3, checksum: 'f'.repeat(64) }];
    expect(() => verifyApplied(recorded, {})).toThrow(MigrationChecksumError);
    expect(() => verifyApplied(recorded, {})).toThrow(/store migration 3 .*edited.*Never edit an applied migration.*new migration/);
  });
  it('ignores migrations it does not know (a newer version wrote them)', () => {
    expect(() => verifyApplied([{ version: 999, checksum: 'x' }], {})).not.toThrow();
  });
});

describe('runMigrations on a store', () => {
  let store: Store;
  const dir = makeTmpDir('migrations');
  beforeAll(async () => {
    store = await openStore({ db: join(dir, 'db') });
  });
  afterAll(async () => store?.close());

  it('records the checksum of what it applied, and a second start verifies and applies nothing', async () => {
    // The hook (the embedded store's deduplication-log repair) runs once, before the first pending migration.
    const hookSaw: number[] = [];
    const countApplied = async () => Number((await store.readonlySql('SELECT count() AS n FROM schema_migrations')).rows[0].n);
    const first = await runMigrations(store.client, {}, async () => void hookSaw.push(await countApplied()));
    expect(hookSaw).toEqual([0]);
    expect(first.applied).toEqual(MIGRATIONS.map((m) => m.version));
    const rows = (await store.readonlySql('SELECT version, checksum FROM schema_migrations FINAL ORDER BY version')).rows;
    expect(rows.map((r) => [Number(r.version), r.checksum])).toEqual(MIGRATIONS.map((m) => [m.version, migrationChecksum(m.statements({}))]));
    expect((await store.migrate()).applied).toEqual([]);
    expect((await runMigrations(store.client, { rawTtlDays: 30 }, async () => void hookSaw.push(-1))).applied).toEqual([]);
    expect(hookSaw).toEqual([0]);
  });

  it('a column comment a later migration replaced reads as the schema states it (created with the earlier text, then replaced)', async () => {
    const recommented = TABLES.flatMap((t) => t.columns.filter((c) => c.recommented).map((c) => ({ table: t.name, column: c.name, added: c.since !== undefined, comment: c.comment, was: c.recommented!.was })));
    expect(recommented.map((c) => `${c.table}.${c.column}`)).toEqual(['route_events.collector', 'prefix_latest.last_time', 'origin_prefixes.latest', 'origin_prefixes.latest_by_peers', 'rib_snapshots.collector']);
    for (const c of recommented) {
      const creates = c.added ? `ALTER TABLE ${c.table} ADD COLUMN IF NOT EXISTS ${c.column} ` : `CREATE TABLE IF NOT EXISTS ${c.table}\n`;
      const create = generateDdl({}).find((s) => s.startsWith(creates))!;
      expect(create, c.table).toContain(sqlString(c.was)); // the creating migration's frozen text
      const stored = await store.readonlySql(`SELECT comment FROM system.columns WHERE database = currentDatabase() AND table = '${c.table}' AND name = '${c.column}'`);
      expect(stored.rows, c.table).toEqual([{ comment: c.comment }]);
    }
  });

  it('refuses to start when an applied migration was edited', async () => {
    // Simulate a store whose migration 2 was applied from another definition.
    await store.client.command({ query: "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (2, 'edited', 'deadbeef', now() + 10)" });
    await expect(store.migrate()).rejects.toThrow(/store migration 2 was applied with checksum deadbeef.*edited/);
  });
});
