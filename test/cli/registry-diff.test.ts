/** `portolan registry import` and `registry diff` (JSON lines, the table, --store). */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../analyzer/store/index.js';
import { runCli } from '../helpers/cli.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../helpers/shared-data.js';

describe.skipIf(!hasSharedData)(`portolan registry import / diff (${sharedDataSkipReason})`, () => {
  const cache = makeTmpDir('cli-registry-diff');
  const db = join(makeTmpDir('cli-registry-diff-db'), 'store');

  it('import archives each folder under its files’ own dates', async () => {
    const a = await runCli(['registry', 'import', sharedData('rir', '2023-03-23'), '--date', '2023-03-23', '--cache-dir', cache, '--log-level', 'error']);
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/^2023-03-23\s+delegated-afrinic-extended-latest\.gz\s+archived/m);
    const b = await runCli(['registry', 'import', sharedData('rir', '2024-01-05'), '--date', '2024-01-05', '--cache-dir', cache, '--log-level', 'error']);
    expect(b.code).toBe(0);
    expect(b.stdout).toMatch(/^2024-01-04\s+delegated-lacnic-extended-latest\.gz\s+archived/m);
    const bad = await runCli(['registry', 'import', sharedData('rir', '2024-01-05'), '--date', '2023-01-01', '--cache-dir', cache]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('after --date 2023-01-01');
  }, 120_000);

  it('diff --json prints one event per line with the documented fields, the same as diffing the folders', async () => {
    const r = await runCli(['registry', 'diff', '--from', '2023-03-31', '--to', '2024-01-31', '--json', '--cache-dir', cache, '--log-level', 'error']);
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(events.length).toBeGreaterThan(1000);
    for (const k of ['kind', 'family', 'start', 'end', 'addresses', 'from_rir', 'to_rir', 'from_cc', 'to_cc', 'from_file_date', 'to_file_date']) expect(events[0]).toHaveProperty(k);
    const dirs = await runCli(['registry', 'diff', '--from-dir', sharedData('rir', '2023-03-23'), '--to-dir', sharedData('rir', '2024-01-05'), '--json', '--log-level', 'error']);
    expect(dirs.stdout).toBe(r.stdout);
  }, 120_000);

  it('diff prints a summary and a table by kind and RIR pair, naming the RIRs left out; --store writes registry_changes', async () => {
    const r = await runCli(['registry', 'diff', '--from-dir', sharedData('rir', '2013-08-13'), '--to-dir', sharedData('rir', '2014-07-01'), '--store', '--db', db, '--log-level', 'error']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('compared: apnic, lacnic, ripencc');
    expect(r.stdout).toContain('left out (present on one side only; --all-rirs compares them): afrinic (only in to), arin (only in from)');
    expect(r.stdout).toMatch(/^kind\s+from\s+to\s+family\s+events\s+amount\s+unit\s+logged\s+unlogged$/m);
    expect(r.stdout).toMatch(/^added\s+-\s+ripencc\s+ipv4\s+[\d,]+\s+[\d,]+\s+IPv4 addresses$/m);
    expect(r.stderr).toMatch(/stored \d+ event\(s\) in registry_changes \(2013-08-12 → 2014-06-30\)/);
    const stored = Number(/stored (\d+) event/.exec(r.stderr)![1]);
    const store = await openStore({ db });
    try {
      const rs = await store.client.query({ query: "SELECT count() AS n, countIf(kind = 'added' AND to_rir = 'ripencc') AS ripe FROM registry_changes FINAL", format: 'JSONEachRow' });
      const [row] = await rs.json<{ n: string; ripe: string }>();
      expect(Number(row.n)).toBe(stored);
      expect(Number(row.ripe)).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  }, 180_000);

  it('a folder older than the archive’s newest file of a RIR is refused unless backfilling', async () => {
    const back = await runCli(['registry', 'import', sharedData('rir', '2013-08-13'), '--date', '2013-08-13', '--cache-dir', cache]);
    expect(back.code).toBe(1); // LACNIC 2013 is older than the LACNIC file archived
    expect(back.stderr).toMatch(/lacnic file the archive already has .*goes backwards.*--allow-older/);
    const backfill = await runCli(['registry', 'import', sharedData('rir', '2013-08-13'), '--date', '2013-08-13', '--allow-older', '--cache-dir', cache, '--log-level', 'error']);
    expect(backfill.code).toBe(0);
  }, 120_000);

  it('usage errors', async () => {
    const r = await runCli(['registry', 'diff', '--from', '2024-01-01']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('give exactly one of --to DATE or --to-dir DIR');
  });
});
