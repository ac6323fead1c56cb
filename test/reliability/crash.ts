/**
 * Crash-test helpers: `portolan` as a child process that is really killed (SIGKILL) at a chosen
 * moment, and a fingerprint of a store (row counts per table, plain and deduplicated, and
 * checksums of the events) read through `portolan query`, so two stores can be compared
 * without opening two chDB engines in one process.
 */
import { spawn } from 'node:child_process';
import { expect } from 'vitest';
import { projectRoot } from '../../common/paths.js';
import { portolanCli, runCli } from '../helpers/cli.js';

export interface ChildRun {
  /** Exit code (null when killed). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  stdout: string;
  /** The last log message before the kill (where it landed), '' when not killed. */
  killedAfter: string;
}

export interface KillPlan {
  /** Where it lands, for the test's log. */
  label: string;
  /** Start the delay once this holds (polled every 5 ms and on each stderr chunk); absent: at spawn. */
  when?: (child: { pid: number; stderr: string }) => boolean;
  delayMs: number;
}

const lastMessage = (stderr: string): string => {
  const msgs = [...stderr.matchAll(/"msg":"([^"]*)"/g)];
  return msgs.length ? msgs[msgs.length - 1][1] : '(no log line yet)';
};

/**
 * Runs `portolan ARGS` (JSON logs on stderr). With a `kill` plan, sends SIGKILL `delayMs` after
 * its `when` first holds; a child still running after `limitMs` is killed too (a bounded test).
 * `signalWhen` hands out a way to send the child a signal (e.g. SIGINT for a clean stop).
 * `under` runs it under another command (its argv before node's), e.g. strace.
 */
export function runChild(
  args: string[],
  opts: {
    kill?: KillPlan;
    env?: NodeJS.ProcessEnv;
    limitMs?: number;
    onStderr?: (all: string) => void;
    signalWhen?: (send: (s: NodeJS.Signals) => void) => void;
    under?: string[];
  } = {},
): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const argv = [...(opts.under ?? []), process.execPath, ...portolanCli().args, ...args];
    const child = spawn(argv[0], argv.slice(1), {
      cwd: projectRoot(),
      env: { ...process.env, PORTOLAN_LOG_FORMAT: 'json', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    let killedAfter = '';
    let armed = false;
    const timers: NodeJS.Timeout[] = [];
    const kill = () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      killedAfter = lastMessage(stderr);
      child.kill('SIGKILL');
    };
    const check = () => {
      const plan = opts.kill;
      if (armed || !plan || (plan.when && !plan.when({ pid: child.pid!, stderr }))) return;
      armed = true;
      timers.push(setTimeout(kill, plan.delayMs));
    };
    check();
    const poll = opts.kill?.when ? setInterval(check, 5) : null;
    opts.signalWhen?.((s) => child.kill(s));
    timers.push(setTimeout(kill, opts.limitMs ?? 300_000));
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      check();
      opts.onStderr?.(stderr);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      for (const t of timers) clearTimeout(t);
      if (poll) clearInterval(poll);
      resolve({ code, signal, stderr, stdout, killedAfter: signal === 'SIGKILL' ? killedAfter : '' });
    });
  });
}

/**
 * What a store holds, table by table: plain row counts (what `SELECT count()` shows an
 * analyst), counts and checksums with FINAL, distinct event ids, the read models' sums and
 * uniq counts, and the ingest ledger. Checksums cover every column but `stored_at`.
 */
export const FINGERPRINT_SQL = `SELECT
  (SELECT count() FROM route_events) AS route_rows,
  (SELECT count() FROM route_events FINAL) AS route_final,
  (SELECT uniqExact(event_id) FROM route_events) AS route_ids,
  (SELECT toString(sum(cityHash64(event_id, time, collector, peer_ip, peer_asn, elem_type, prefix, path_id, as_path, origin_asns, next_hop, communities,
     classified, addresses, prefix_rir, registered_cc, holder_id, iana_rir, legacy, origin_rir, origin_cc, usage_region, main_country, share_abroad,
     kinds, geo_subkind, severity, visibility))) FROM route_events FINAL) AS route_checksum,
  (SELECT count() FROM finding_events) AS finding_rows,
  (SELECT count() FROM finding_events FINAL) AS finding_final,
  (SELECT toString(sum(cityHash64(event_id, time, type, reason, prefix, origin_asns, previous_origin_asns, addresses, prefix_rir, usage_region,
     main_country, kinds, severity, visibility, geo_countries, why))) FROM finding_events FINAL) AS finding_checksum,
  (SELECT sum(events) FROM prefix_activity) AS prefix_activity_events,
  (SELECT sum(events) FROM origin_prefixes) AS origin_prefixes_events,
  (SELECT sum(events) FROM prefix_routes_daily) AS prefix_routes_daily_events,
  (SELECT sum(events) FROM mismatch_prefix_total) AS mismatch_total_events,
  (SELECT sum(events) FROM mismatch_prefix_daily) AS mismatch_daily_events,
  (SELECT sum(events) FROM mismatch_prefix_hourly) AS mismatch_hourly_events,
  (SELECT count() FROM mismatch_events) AS mismatch_events_rows,
  (SELECT uniqMerge(announcements) FROM mismatch_matrix_hourly) AS matrix_announcements,
  (SELECT uniqMerge(announcements) FROM origin_hourly) AS origin_hourly_announcements,
  (SELECT uniqMerge(announcements) FROM country_hourly) AS country_hourly_announcements,
  (SELECT count() FROM prefix_latest FINAL) AS prefix_latest_rows,
  (SELECT groupArray(status) FROM (SELECT status FROM ingest_ledger FINAL ORDER BY path)) AS ledger`;

export type Fingerprint = Record<string, unknown>;

export async function fingerprint(db: string): Promise<Fingerprint> {
  const r = await runCli(['query', FINGERPRINT_SQL, '--format', 'json', '--db', db, '--log-level', 'warn']);
  expect(r.code, r.stderr).toBe(0);
  const row = JSON.parse(r.stdout) as Fingerprint | Fingerprint[];
  return Array.isArray(row) ? row[0] : row;
}
