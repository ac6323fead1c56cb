import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../helpers/shared-data.js';
import { AFRINIC_STANDARD, writeFixtureDir } from '../analyzer/registry/fixtures.js';

describe('portolan registry', () => {
  it('stats --json prints per-RIR totals from --rir-dir', async () => {
    const dir = makeTmpDir('cli-registry');
    writeFixtureDir(dir);
    const r = await runCli(['registry', 'stats', '--json', '--rir-dir', dir, '--log-level', 'error']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.rirs.map((s: { rir: string }) => s.rir)).toEqual(['afrinic', 'lacnic', 'ripencc']);
    expect(out.rirs.find((s: { rir: string }) => s.rir === 'afrinic')).toMatchObject({ ipv4Addresses: 2097152, asns: 2, ipv6Slash48s: 65536, date: '2014-06-30' });
    expect(out.totals.records).toBe(3 + 5 + 8);
  });

  it('stats reads PORTOLAN_RIR_DIR and prints a table', async () => {
    const dir = makeTmpDir('cli-registry-env');
    writeFixtureDir(dir);
    const r = await runCli(['registry', 'stats'], { env: { PORTOLAN_RIR_DIR: dir, PORTOLAN_LOG_LEVEL: 'error' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^afrinic\s+2014-06-30/m);
    expect(r.stdout).toMatch(/IPv4 addresses delegated\s+2,097,152/);
  });

  it('a folder without RIR files is an error on stderr that names it', async () => {
    const dir = makeTmpDir('cli-registry-none');
    const r = await runCli(['registry', 'stats', '--rir-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`no RIR delegated file in ${dir}`);
  });

  it('every sub-command has --help', async () => {
    for (const args of [['registry', '--help'], ['registry', 'stats', '--help'], ['registry', 'update', '--help']]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/Usage: portolan registry/);
    }
    expect((await runCli(['registry', 'update', '--help'])).stdout).not.toContain('--base-url');
  });

  describe('update', () => {
    let server: Server;
    let base: string;
    beforeAll(async () => {
      server = createServer((req, res) => {
        if (req.url === '/delegated-afrinic-extended-latest') return void res.end(AFRINIC_STANDARD);
        res.writeHead(req.url?.includes('lacnic') ? 500 : 404).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('downloads into --cache-dir and reports each file', async () => {
      const cache = makeTmpDir('cli-update');
      const r = await runCli(['registry', 'update', '--cache-dir', cache, '--base-url', base, '--only', 'delegated-afrinic-extended-latest', '--log-level', 'error']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/delegated-afrinic-extended-latest\s+updated/);
      expect(existsSync(join(cache, 'delegated-afrinic-extended-latest'))).toBe(true);
    });

    it('exits non-zero and says which required files failed', async () => {
      const cache = makeTmpDir('cli-update-fail');
      const r = await runCli(['registry', 'update', '--cache-dir', cache, '--base-url', base, '--only', 'delegated-afrinic-extended-latest', 'delegated-lacnic-extended-latest', '--log-level', 'error']);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/delegated-lacnic-extended-latest\s+FAILED: HTTP 500/);
      expect(r.stderr).toMatch(/1 required file\(s\) failed \(delegated-lacnic-extended-latest\)/);
    });
  });
});

describe.skipIf(!hasSharedData)(`portolan registry stats on real files (${sharedDataSkipReason})`, () => {
  it('prints the 2014-07-01 totals with IANA files from --iana-dir', async () => {
    const r = await runCli(['registry', 'stats', '--json', '--rir-dir', sharedData('rir/2014-07-01'), '--iana-dir', sharedData('iana'), '--log-level', 'error']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.rirs).toHaveLength(4);
    expect(out.rirs.find((s: { rir: string }) => s.rir === 'ripencc').records).toBe(85681);
    expect(out.iana.length).toBe(3);
  });
});
