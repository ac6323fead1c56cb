/**
 * `--rpki` on the commands: lookup shows the covering ROAs' trust anchors (and the kind they
 * imply), ingest stores each announcement's ROV state, a VRP file that cannot be used is a clear
 * error naming it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../analyzer/store/index.js';
import { spawn } from 'node:child_process';
import { portolanCli, runCli } from '../helpers/cli.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { writeFixture } from '../analyzer/classify/fixture.js';

let dir: string;
let mmdb: string;
let vrps: string;
const base = () => ['--rir-dir', dir, '--geo', mmdb, '--log-level', 'error'];

beforeAll(() => {
  dir = makeTmpDir('rpki-cli');
  mmdb = writeFixture(dir).mmdb;
  vrps = join(dir, 'vrps.json');
  writeFileSync(vrps, JSON.stringify({ roas: [
    { asn: 4134, prefix: '41.1.0.0/16', maxLength: 24, ta: 'apnic' },
    { asn: 37000, prefix: '41.0.0.0/16', maxLength: 16, ta: 'afrinic' },
  ] }));
});

const message = (prefix: string, path: number[], t: number) =>
  JSON.stringify({ type: 'ris_message', data: { timestamp: t, peer: '192.0.2.1', peer_asn: '64496', host: 'rrc00', type: 'UPDATE', path, announcements: [{ next_hop: '192.0.2.1', prefixes: [prefix] }] } });

describe('--rpki', () => {
  it('lookup: the trust anchors, and rpki-rir-mismatch where another RIR certified the space', async () => {
    const human = await runCli(['lookup', ...base(), '--rpki', vrps, '41.1.0.0/16', '41.4.0.0/16']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/rpki\s+ROAs cover it under apnic/);
    expect(human.stdout).toMatch(/rpki\s+no ROA covers it/);
    const json = await runCli(['lookup', ...base(), '--rpki', vrps, '--json', '41.1.0.0/16']);
    const row = JSON.parse(json.stdout.trim()) as { rpkiTas: string[]; kinds: string[]; why: string };
    expect(row.rpkiTas).toEqual(['apnic']);
    expect(row.kinds).toContain('rpki-rir-mismatch');
    // Without --rpki: no field, no kind.
    const plain = JSON.parse((await runCli(['lookup', ...base(), '--json', '41.1.0.0/16'])).stdout.trim()) as Record<string, unknown>;
    expect('rpkiTas' in plain).toBe(false);
    expect(plain.kinds).not.toContain('rpki-rir-mismatch');
  }, 60_000);

  it('a VRP file that cannot be used is an error naming it; nothing is looked up', async () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"roas": [');
    const r = await runCli(['lookup', ...base(), '--rpki', broken, '41.1.0.0/16']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`RPKI VRP file ${broken}: not valid JSON`);
    expect(r.stdout).toBe('');
    const missing = await runCli(['lookup', ...base(), '--rpki', join(dir, 'nope.csv'), '41.1.0.0/16']);
    expect(missing.stderr).toMatch(/nope\.csv cannot be read: does not exist/);
  }, 60_000);

  it('ingest stores the ROV state of each announcement', async () => {
    const feed = join(dir, 'feed.jsonl');
    writeFileSync(feed, [
      message('41.1.0.0/16', [64496, 4134], 1_700_000_000), // valid
      message('41.0.0.0/24', [64496, 37000], 1_700_000_001), // longer than maxLength 16
      message('41.0.0.0/16', [64496, 37001], 1_700_000_002), // another origin
      message('41.4.0.0/16', [64496, 37000], 1_700_000_003), // no ROA
    ].join('\n') + '\n');
    const db = join(dir, 'db');
    const r = await runCli(['ingest', ...base(), '--db', db, '--rpki', vrps, feed]);
    expect(r.code, r.stderr).toBe(0);
    const store = await openStore({ db });
    try {
      const rows = (await store.readonlySql('SELECT prefix, rov, rpki_tas FROM route_events ORDER BY time')).rows;
      expect(rows).toEqual([
        { prefix: '41.1.0.0/16', rov: 'valid', rpki_tas: ['apnic'] },
        { prefix: '41.0.0.0/24', rov: 'invalid-length', rpki_tas: ['afrinic'] },
        { prefix: '41.0.0.0/16', rov: 'invalid-origin', rpki_tas: ['afrinic'] },
        { prefix: '41.4.0.0/16', rov: 'not-found', rpki_tas: [] },
      ]);
    } finally {
      await store.close();
    }
  }, 120_000);

  it('serve with a VRP file that cannot be used still loads the registry and geo, and its warning names the file and what is wrong', async () => {
    const broken = join(dir, 'serve-broken.json');
    writeFileSync(broken, '{"roas": [');
    const child = spawn(process.execPath, [...portolanCli().args, 'serve', '--rir-dir', dir, '--geo', mmdb, '--rpki', broken, '--db', join(dir, 'serve-db'), '--port', '0', '--log-level', 'warn'], {
      env: { ...process.env, PORTOLAN_LOG_FORMAT: 'json' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => {
          out += d;
          const m = /portolan dashboard on (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]);
        });
        child.once('exit', (code) => reject(new Error(`serve exited (${code}): ${stderr}`)));
      });
      const page = (await (await fetch(`${url}/api/prefix/41.1.0.0/16`)).json()) as Record<string, any>;
      // The analysis is loaded: the prefix is classified (no ROV state without VRPs).
      expect(page.classification).toMatchObject({ prefixRir: 'afrinic', kinds: expect.arrayContaining(['geo-out-of-region']) });
      expect(page.classification.rov ?? null).toBeNull();
      const warnings = stderr.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { msg: string; err?: string; rpki?: string });
      const w = warnings.find((x) => /RPKI VRPs/.test(x.msg));
      expect(w).toMatchObject({ rpki: broken });
      expect(w!.err).toContain(`RPKI VRP file ${broken}: not valid JSON`);
      expect(warnings.some((x) => /registry or geolocation not loaded/.test(x.msg))).toBe(false);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('close', r));
    }
  }, 120_000);
});
