/**
 * `portolan ingest --jobs N` against `--jobs 1` on self-contained files (a TABLE_DUMP_V2 RIB and
 * two updates files written by the test MRT encoder, over the classifier fixture's registry and
 * geo database), each run a real CLI process into its own real chDB store: the stores must hold
 * the same rows in every table, the summaries the same counts, through reruns (saved shard
 * states taken back, or replayed under another N) and a SIGTERM. Then the same on every MRT file
 * of shared data at once, over a real registry and the bundled geo database.
 */
import { spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { jobsFor } from '../../cli/commands/ingest.action.js';
import { projectRoot } from '../../common/paths.js';
import { portolanCli, runCli, saveStateAfterSmallFiles } from '../helpers/cli.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../helpers/shared-data.js';
import { queryStore, storeDigest } from '../helpers/store-contents.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { writeCapture, writeRib, type Capture } from '../reliability/fixture.js';
import { readMrtRecordElems } from '../../collector/mrt/index.js';
import { openInput } from '../../common/input.js';
import { asPath, attr, bgp4mpMessage, nextHop, origin, peerIndexTable, prefix, rib, update } from '../helpers/mrt-encoder.js';

const dir = makeTmpDir('ingest-jobs');
saveStateAfterSmallFiles();
let files: string[];
let empty: string;
let capture: Capture;
let elements: number;

/** The registry and geo database the self-contained files are classified with. */
const fixtureData = (): string[] => ['--rir-dir', capture.rirDir, '--geo', capture.mmdb];
const args = (db: string, jobs: number, data = fixtureData()) => ['ingest', '--json', '--jobs', String(jobs), ...data, '--db', db, '--log-level', 'info'];

interface Summary {
  files: Array<{ file: string; status: string; records: number; elements: number; errors: number }>;
  elements: number;
  stored: number;
  [k: string]: unknown;
}

async function ingest(db: string, jobs: number, input = files, extra: string[] = [], data = fixtureData()): Promise<{ summary: Summary; stderr: string }> {
  const r = await runCli([...args(db, jobs, data), ...extra, ...input]);
  expect(r.code, r.stderr.slice(-3000)).toBe(0);
  return { summary: JSON.parse(r.stdout.trim().split('\n').pop()!) as Summary, stderr: r.stderr };
}


/** What a summary says of the data (not of the clock or the store's insert counts). */
const counts = (s: Summary) => {
  const { elapsedSeconds, processingSeconds, elementsPerSecond, stored, spooled, ...rest } = s;
  return rest;
};

/**
 * Bad input of each kind the shards count differently: an UPDATE with a malformed attribute
 * (every shard decodes it), RIB records with one (only the shard owning the prefix decodes them)
 * and a truncated record at the end, right after a RIB record all shards but one skip.
 */
function writeBadFile(): string {
  const peer = { peerAsn: 64501, localAsn: 12654, peerIp: '192.0.2.1', localIp: '192.0.2.254' };
  const badPath = attr(2, [2, 5, 0, 0]);
  const good = [origin(0), asPath([{ type: 2, asns: [64501, 174, 37000] }]), nextHop('192.0.2.1')];
  const ribPrefixes = ['41.0.1.0/24', '41.0.2.0/24', '185.0.3.0/24', '185.1.4.0/24', '23.0.5.0/24', '41.3.6.0/24', '41.4.7.0/24', '185.0.8.0/24'];
  const file = join(dir, 'bad.mrt');
  writeFileSync(
    file,
    Buffer.concat([
      peerIndexTable([{ ip: peer.peerIp, asn: peer.peerAsn }]),
      bgp4mpMessage(peer, update({ attrs: [origin(0), badPath, nextHop(peer.peerIp)], nlri: [prefix('41.0.9.0/24')] }), 4, { seconds: 1_700_000_100 }),
      ...ribPrefixes.map((p, i) => rib(p, [{ peerIndex: 0, attrs: i % 2 ? [origin(0), badPath] : good }], i)),
      Buffer.from([0, 0, 0, 1, 0, 13]),
    ]),
  );
  return file;
}

const messagesOf = (stderr: string, msg: string): number => stderr.split('\n').filter((l) => l.includes(`"msg":"${msg}"`)).length;

describe('portolan ingest --jobs N stores what --jobs 1 stores', { timeout: 300_000 }, () => {
  let single: { summary: Summary; digest: Record<string, string> };

  beforeAll(async () => {
    const rib = writeRib(dir, { seed: 7 });
    capture = writeCapture(dir, { seed: 8, messages: 3000, name: 'a.mrt.gz', peerDowns: 3 });
    const b = writeCapture(dir, { seed: 9, messages: 3000, startTime: capture.lastTime + 1, name: 'b.mrt.gz', peerDowns: 3 });
    files = [rib.file, capture.mrt, b.mrt, writeBadFile()];
    empty = join(dir, 'empty.mrt.gz');
    writeFileSync(empty, gzipSync(Buffer.alloc(0)));
    elements = rib.entries + capture.elements + b.elements;
    const db = join(dir, 'db-jobs-1');
    const { summary } = await ingest(db, 1);
    single = { summary, digest: await storeDigest(db) };
  });

  it("a peer going down: its routes' withdrawals stored at that time, as a replay of the files by hand says", async () => {
    // Independent of the routing state: each peer's routes in a Map, from the decoded records.
    const held = new Map<string, Set<string>>();
    const expected: string[] = [];
    const downs: number[] = [];
    for (const file of files) {
      for await (const { record, elems } of readMrtRecordElems(await openInput(file))) {
        for (const e of elems) {
          const routes = held.get(`${e.peer_ip} ${e.peer_asn}`) ?? held.set(`${e.peer_ip} ${e.peer_asn}`, new Set()).get(`${e.peer_ip} ${e.peer_asn}`)!;
          if (e.elem_type === 'announce' && e.as_path?.length) routes.add(e.prefix);
          else routes.delete(e.prefix);
        }
        if (record.kind === 'bgp4mp-state-change' && record.oldState === 6 && record.newState !== 6) {
          const us = Math.round(record.timestamp * 1e6);
          downs.push(us);
          const key = `${record.peerIp} ${record.peerAsn}`;
          for (const p of held.get(key) ?? []) expected.push(`${key} ${p} ${us}`);
          held.delete(key);
        }
      }
    }
    expect(downs).toHaveLength(6);
    expect(expected.length).toBeGreaterThan(100);
    // One row (the query prints at most 1,000): every withdrawal stored at a down's time.
    const [{ rows }] = await queryStore<{ rows: string[] }>(
      join(dir, 'db-jobs-1'),
      `SELECT groupArray(concat(peer_ip, ' ', toString(peer_asn), ' ', prefix, ' ', toString(toUnixTimestamp64Micro(time)))) AS rows FROM route_events FINAL WHERE elem_type = 'withdraw' AND toUnixTimestamp64Micro(time) IN (${downs.join(',')})`,
    );
    expect(rows.sort()).toEqual(expected.sort());
    expect(single.summary.peerDownWithdrawals).toBe(expected.length);
    // The source's elements are what the files hold; the withdrawals made are counted apart.
    expect(single.summary.elements).toBe(elements + 9);
  });

  it('three jobs: the same rows in every table and the same counts as one', async () => {
    expect(single.summary.elements).toBe(elements + 9);
    // Its nine elements; four RIB records and the UPDATE with a bad attribute, the truncated record: each counted once.
    expect(single.summary.files[3]).toMatchObject({ records: 10, errors: 6 });
    // The comparison means something: the RIB's snapshot rows, route events, lifecycle events and findings are all there.
    for (const table of ['rib_snapshots', 'route_events', 'finding_events', 'mismatch_events', 'origin_prefixes', 'prefix_latest']) {
      expect(Number(single.digest[table].split(' ')[0]), table).toBeGreaterThan(0);
    }
    const db = join(dir, 'db-jobs-3');
    const { summary } = await ingest(db, 3);
    expect(counts(summary)).toEqual(counts(single.summary));
    expect(summary.stored).toBeGreaterThan(0);
    expect(await storeDigest(db)).toEqual(single.digest);
  });

  it('a later run with the same jobs takes back each shard\'s saved state; with other jobs it replays the files done; both end as one job does', async () => {
    for (const [label, rerunJobs, message, times] of [
      ['same', 3, 'routing state after the completed files taken back', 3],
      ['other', 2, 'completed files replayed into the routing state (not stored again)', 2],
    ] as const) {
      const db = join(dir, `db-rerun-${label}`);
      // A run's last file leaves no saved state: an empty one comes last, so each shard saves the state after the first two.
      await ingest(db, 3, [...files.slice(0, 2), empty]);
      expect(readdirSync(`${db}.ingest-state`).filter((f) => f.endsWith('-of-3'))).toHaveLength(3);
      const { summary, stderr } = await ingest(db, rerunJobs);
      expect(summary.files.map((f) => f.status)).toEqual(['skipped (already ingested)', 'skipped (already ingested)', 'ingested', 'ingested']);
      expect(messagesOf(stderr, message), label).toBe(times);
      expect(await storeDigest(db), label).toEqual(single.digest);
    }
  });

  it('a file read again (--force) is redone with the --jobs it was stored under, whatever is asked: the same batches, so nothing is stored twice', async () => {
    const db = join(dir, 'db-force');
    await ingest(db, 2);
    // Under one job its batches would differ from the two shards' (other dedup tokens), and the summing read models would count the landed rows again.
    const { stderr } = await ingest(db, 1, files, ['--force']);
    expect(messagesOf(stderr, 'files read again are redone with the --jobs they were stored under (2), so what already landed is not stored twice')).toBe(1);
    expect(await storeDigest(db)).toEqual(single.digest);
    expect(await queryStore(db, 'SELECT DISTINCT jobs FROM ingest_ledger FINAL')).toEqual([{ jobs: 2 }]);
  });

  // One job too: a stop used to flush its partial batches, cut where the rerun does not cut, so they landed twice.
  it.each([1, 2])('SIGTERM with %i job(s) stops the reading, keeps what landed, exits 130; the rerun completes the store to what one job stores, nothing twice', async (jobs) => {
    const db = join(dir, `db-sigterm-${jobs}`);
    const child = spawn(process.execPath, [...portolanCli().args, ...args(db, jobs), ...files], {
      cwd: projectRoot(),
      env: { ...process.env, PORTOLAN_LOG_FORMAT: 'json' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    let sent = false;
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      // Stopped while the workers read the second file.
      if (!sent && messagesOf(stderr, 'ingesting') >= 2) {
        sent = true;
        child.kill('SIGTERM');
      }
    });
    const code = await exited;
    expect([0, 130]).toContain(code);
    expect(stderr).toContain('"msg":"shutdown complete"');
    const stopped = JSON.parse(stdout.trim().split('\n').pop()!) as Summary & { interrupted: boolean };
    expect(stopped.interrupted).toBe(code === 130);

    await ingest(db, jobs);
    expect(await storeDigest(db)).toEqual(single.digest);
  });
});

describe('jobsFor: the jobs an ingest runs with', () => {
  const none = new Map<number, string[]>();
  it('runs with the jobs asked when no file is read again', () => {
    expect(jobsFor(3, none, false)).toBe(3);
  });
  it('redoes files with the jobs they were stored under', () => {
    expect(jobsFor(1, new Map([[4, ['a', 'b']]]), false)).toBe(4);
    expect(jobsFor(4, new Map([[1, ['a']]]), false)).toBe(1);
  });
  it('reads a URL with one job', () => {
    expect(jobsFor(3, none, true)).toBe(1);
    expect(jobsFor(3, new Map([[1, ['a']]]), true)).toBe(1);
  });
  it('refuses what cannot be redone exactly in one run', () => {
    expect(() => jobsFor(2, new Map([[1, ['a']], [2, ['b']]]), false)).toThrow(/a.*--jobs 2: b.*separate runs/);
    expect(() => jobsFor(1, new Map([[2, ['a']]]), true)).toThrow(/URL.*run of its own/);
  });
});

describe.skipIf(!hasSharedData)(`every MRT file of shared data at once: --jobs 3 stores and counts what --jobs 1 does (${sharedDataSkipReason})`, { timeout: 600_000 }, () => {
  it('the same rows in every table and the same counts per file, bad inputs included', async () => {
    const mrt = sharedData('mrt');
    const all = readdirSync(mrt, { recursive: true, withFileTypes: true })
      .filter((f) => f.isFile())
      .map((f) => join(f.parentPath, f.name))
      .sort();
    const data = ['--rir-dir', sharedData('rir', '2013-08-13'), '--iana-dir', sharedData('iana')];
    const one = await ingest(join(dir, 'db-shared-1'), 1, all, [], data);
    const three = await ingest(join(dir, 'db-shared-3'), 3, all, [], data);
    expect(one.summary.files).toHaveLength(all.length);
    expect(counts(three.summary)).toEqual(counts(one.summary));
    const stored = await storeDigest(join(dir, 'db-shared-1'));
    expect(await storeDigest(join(dir, 'db-shared-3'))).toEqual(stored);
    // What makes the comparison mean something: cut and damaged files (counted once, not once per
    // shard), and a RIB of more than 200,000 entries, so that one job's ledger checkpoint falls
    // inside a prefix's entries (its snapshot rows must not depend on where).
    expect(one.summary.files.filter((f) => f.errors > 0).length).toBeGreaterThan(3);
    expect(Math.max(...one.summary.files.map((f) => f.elements))).toBeGreaterThan(200_000);
    expect(Number(stored.rib_snapshots.split(' ')[0])).toBeGreaterThan(100_000);
  });
});
