/**
 * origin_prefixes' latest classification (the ASN page, the `origins` query) as one plain max of
 * (time, visibility, event id, …), store migration 18. Before it the table kept two argMax states
 * (`latest` by time since migration 2, `latest_by_peers` by time then visibility since 12), whose
 * storing was the costliest step of the views' inserts, and whose ties were left to the order of
 * storage. The migration computes latest_max in the rows stored before it from those states; the
 * rows stored after carry it alone. Expectations are computed here from the rows inserted.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../analyzer/store/migrations.js';
import { asnHistory } from '../../../dashboard/server/event-queries.js';
import { clientQuery } from '../../../dashboard/server/sql-runner.js';
import { migrateStoreTo } from '../../helpers/store-version.js';
import { announcementStore, STORED_ORIGIN } from './fixtures.js';

const ASN = STORED_ORIGIN;
const [T1, T2, T3] = ['2016-08-11 16:00:00.000000', '2016-08-11 17:00:00.000000', '2016-08-11 18:00:00.000000'];

interface Row {
  event_id: number;
  prefix: string;
  time: string;
  visibility: number;
  severity: string;
  kinds: string[];
}
const row = (event_id: number, prefix: string, time: string, visibility: number, severity: string, kinds: string[] = []): Row => ({ event_id, prefix, time, visibility, severity, kinds });

/** A candidate for "latest": (time, visibility, event id) and what the readers show of it. */
type Candidate = Pick<Row, 'time' | 'visibility' | 'event_id' | 'severity' | 'kinds'>;
// Times in one format compare as text.
const later = (a: Candidate, b: Candidate): boolean =>
  a.time !== b.time ? a.time > b.time : a.visibility !== b.visibility ? a.visibility > b.visibility : a.event_id > b.event_id;
function latestOf(rows: Candidate[]): Candidate {
  return rows.reduce((best, r) => (later(r, best) ? r : best));
}
const byPrefix = (rows: Row[]): Map<string, Row[]> => {
  const out = new Map<string, Row[]>();
  for (const r of rows) out.set(r.prefix, [...(out.get(r.prefix) ?? []), r]);
  return out;
};

/**
 * What a row stored before migration 18 holds once migrated: the latest by peers among the rows
 * stored since migration 12 (the first of a time and visibility: the fixtures leave no such tie),
 * else the latest by time among those before; at the pair's last time, visibility and event id 0.
 */
function migrated(before12: Row[], since12: Row[]): Map<string, Candidate> {
  const out = new Map<string, Candidate>();
  const [old, kept] = [byPrefix(before12), byPrefix(since12)];
  for (const prefix of new Set([...old.keys(), ...kept.keys()])) {
    const all = [...(old.get(prefix) ?? []), ...(kept.get(prefix) ?? [])];
    const chosen = kept.has(prefix) ? latestOf(kept.get(prefix)!.map((r) => ({ ...r, event_id: 0 }))) : latestOf(old.get(prefix)!.map((r) => ({ ...r, visibility: 0, event_id: 0 })));
    out.set(prefix, { ...chosen, time: all.map((r) => r.time).sort().at(-1)!, visibility: 0, event_id: 0 });
  }
  return out;
}

/** Each prefix's latest of the candidates and rows given, as the ASN page shows it (severity) and the `origins` query (kinds). */
function expected(candidates: Map<string, Candidate>, rows: Row[]): { page: Record<string, string>; kinds: Record<string, string[]> } {
  const all = new Map(candidates);
  for (const r of rows) all.set(r.prefix, all.has(r.prefix) ? latestOf([all.get(r.prefix)!, r]) : r);
  const sorted = [...all].sort(([a], [b]) => a.localeCompare(b));
  return { page: Object.fromEntries(sorted.map(([p, c]) => [p, c.severity])), kinds: Object.fromEntries(sorted.map(([p, c]) => [p, [...c.kinds].sort()])) };
}

function storeAt(name: string) {
  const { ctx, insert } = announcementStore(name);
  const shown = async () => {
    const { prefixes } = await asnHistory(clientQuery(ctx.store.client, 30), ASN, 100);
    const page = Object.fromEntries(prefixes.map((r) => [r.prefix, r.severity]).sort(([a], [b]) => String(a).localeCompare(String(b))));
    const kinds: Record<string, string[]> = {};
    for (const prefix of Object.keys(page)) {
      const { rows } = await ctx.store.namedQuery('origins', { prefix });
      expect(rows.map((r) => Number(r.origin_asn))).toEqual([ASN]);
      kinds[prefix] = rows[0].kinds as string[];
    }
    return { page, kinds };
  };
  const unfilled = async () => Number((await ctx.store.readonlySql('SELECT countIf(latest_max = defaultValueOfArgumentType(latest_max)) AS n FROM origin_prefixes')).rows[0].n);
  return { ctx, insert, shown, unfilled };
}

// Stored before migration 12: the latest by time alone.
const BEFORE_12 = [row(11, '10.0.0.0/8', T1, 1, 'low', ['legacy']), row(12, '10.0.0.0/8', T2, 1, 'medium', ['geo-out-of-region']), row(13, '10.1.0.0/16', T1, 1, 'low')];
// Stored from 12 to 17: by time, then the most peers (b2 over b1, at one time).
const SINCE_12 = [row(21, '10.1.0.0/16', T2, 2, 'info'), row(22, '10.1.0.0/16', T2, 5, 'high', ['origin-out-of-region']), row(23, '10.2.0.0/16', T2, 3, 'medium', ['legacy'])];
// Stored after 18: an older announcement (not the latest), a newer one, a tie of time and peers
// broken by event id (the winner stored first; the loser's kinds are greater), and a new pair.
const AFTER_18 = [
  row(31, '10.0.0.0/8', T1, 9, 'high', ['unregistered']),
  row(32, '10.1.0.0/16', T3, 1, 'low'),
  row(41, '10.2.0.0/16', T3, 4, 'high', ['transferred']),
];
const AFTER_18_LAST = [row(40, '10.2.0.0/16', T3, 4, 'info', ['unregistered']), row(50, '10.3.0.0/16', T1, 1, 'low', ['legacy'])];

describe('migration 18 on a store written before it', () => {
  const { ctx, insert, shown, unfilled } = storeAt('latest-max-migration');

  it('computes latest_max in the rows stored before it from their states, as the ASN page read them; a run again after a crash changes nothing; later rows follow LATEST_ORDER', async () => {
    const { store } = ctx;
    await migrateStoreTo(store.client, 11);
    await insert(BEFORE_12);
    await migrateStoreTo(store.client, 17, 12);
    await insert(SINCE_12);
    // What version 17's readers showed: latest_by_peers where kept, else latest.
    const old17 = async () =>
      Object.fromEntries(
        (
          await store.readonlySql(
            `SELECT prefix, argMaxMerge(latest_by_peers) AS p, if(p.7 = 1, p.5, argMaxMerge(latest).5) AS severity FROM origin_prefixes WHERE origin_asn = ${ASN} GROUP BY prefix ORDER BY prefix`,
          )
        ).rows.map((r) => [r.prefix, r.severity]),
      );
    const before = migrated(BEFORE_12, SINCE_12);
    const want = expected(before, []);
    expect(await old17()).toEqual(want.page);
    expect(new Set(Object.values(want.page)).size).toBeGreaterThan(1);

    expect((await store.migrate()).applied).toEqual([18]);
    expect(await unfilled()).toBe(0);
    expect(await shown()).toEqual(want);
    const columns = async () => (await store.readonlySql("SELECT name, type, comment FROM system.columns WHERE database = currentDatabase() AND table = 'origin_prefixes' ORDER BY position")).rows;
    const described = await columns();
    expect(described.map((c) => c.name)).toContain('latest_max');

    // Run again after a crash at each point (before it was recorded): its first k statements, then all.
    const statements = MIGRATIONS.find((m) => m.version === 18)!.statements({});
    for (let k = 0; k <= statements.length; k++) {
      for (const query of statements.slice(0, k)) await store.client.command({ query });
      for (const query of statements) await store.client.command({ query });
      expect({ k, shown: await shown(), unfilled: await unfilled(), columns: await columns() }).toEqual({ k, shown: want, unfilled: 0, columns: described });
    }

    // The views created again feed latest_max alone; the rows stored before keep theirs.
    await insert(AFTER_18);
    await insert(AFTER_18_LAST);
    const after = expected(before, [...AFTER_18, ...AFTER_18_LAST]);
    expect(after.page['10.0.0.0/8']).toBe(want.page['10.0.0.0/8']);
    expect(after.page['10.2.0.0/16']).toBe('high');
    expect(await shown()).toEqual(after);
    expect(Number((await store.readonlySql("SELECT countIf(notEmpty(finalizeAggregation(latest).1) OR finalizeAggregation(latest_by_peers).7 = 1) AS n FROM origin_prefixes WHERE prefix = '10.3.0.0/16'")).rows[0].n)).toBe(0);
    await store.client.command({ query: 'OPTIMIZE TABLE origin_prefixes FINAL' });
    expect(await shown()).toEqual(after);
  });
});

describe('a new store', () => {
  const { ctx, insert, shown } = storeAt('latest-max-new');
  beforeAll(async () => void (await ctx.store.migrate()));

  it('shows each pair\'s latest by LATEST_ORDER, in whichever order its rows were stored, and after merging', async () => {
    const rows = [...BEFORE_12, ...SINCE_12, ...AFTER_18, ...AFTER_18_LAST];
    // Each row in a block of its own, the ones that should lose stored last.
    for (const r of [...rows].sort((a, b) => (later(a, b) ? -1 : 1))) await insert([r]);
    const want = expected(new Map(), rows);
    expect(await shown()).toEqual(want);
    await ctx.store.client.command({ query: 'OPTIMIZE TABLE origin_prefixes FINAL' });
    expect(await shown()).toEqual(want);
  });
});
