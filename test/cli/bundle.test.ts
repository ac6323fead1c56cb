/**
 * The bundled start (scripts/bundle-cli.mjs, run by `npm run build`): `bin/portolan.js` runs
 * `parse`, `completion`, help (a command's too) and the version from dist/cli/main.bundle.cjs
 * (with V8's code cache the build wrote beside it), `index build` and `index backfill` from the
 * compiled modules, and every other command from dist/cli/main.all.cjs. Checked on the built
 * files, as a user runs them: the same output as the CLI from sources, no compiled module loaded
 * on the main thread from a bundle, the workers from their compiled modules, and a code cache
 * that is used only when it describes the light bundle. Skips where the CLI is not built (`npm
 * ci` builds it).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../common/paths.js';
import { runCli } from '../helpers/cli.js';
import * as enc from '../helpers/mrt-encoder.js';
import { runTracingLoads } from '../helpers/load-trace.js';
import { hasSharedData, sharedData } from '../helpers/shared-data.js';
import { makeTmpDir } from '../helpers/tmp.js';

const root = projectRoot();
const bundle = join(root, 'dist/cli/main.bundle.cjs');
const codeCache = `${bundle}.v8cache`;
const allBundle = join(root, 'dist/cli/main.all.cjs');
const main = join(root, 'dist/cli/main.js');
/** Built, and not older than tsc's output (bin/portolan.js does not start a stale bundle). */
const built = existsSync(main) && [bundle, allBundle].every((b) => existsSync(b) && statSync(b).mtimeMs >= statSync(main).mtimeMs);
const dir = makeTmpDir('bundle');

/** bin/portolan.js as installed; `trace` lists the project's files it loads (packages apart). */
function bin(args: string[], trace = false, from = root): { status: number | null; stdout: string; stderr: string; loaded: string[] } {
  const env = { PORTOLAN_LOG_FORMAT: 'json', PORTOLAN_LOG_LEVEL: 'silent' };
  const entry = [join(from, 'bin/portolan.js'), ...args];
  if (!trace) {
    const r = spawnSync(process.execPath, entry, { cwd: dir, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 26 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, loaded: [] };
  }
  const r = runTracingLoads(dir, entry, env);
  const prefix = `file://${root}/`;
  return { ...r, loaded: r.loaded.filter((u) => u.startsWith(prefix) && !u.includes('/node_modules/')).map((u) => u.slice(prefix.length)) };
}

/** A small MRT file of RIB entries, an UPDATE with attributes of several kinds and a state change. */
function mrtFile(): string {
  const peer = { peerAsn: 65010, localAsn: 65000, peerIp: '192.0.2.10', localIp: '192.0.2.1' };
  const attrs = [enc.origin(0), enc.asPath([{ type: 2, asns: [65010, 65020] }], 2), enc.nextHop('192.0.2.10'), enc.communities([[65010, 7]])];
  const records = [
    enc.tableDump('10.0.0.0/8', '192.0.2.1', 65001, attrs),
    enc.bgp4mpStateChange(peer, 3, 6),
    enc.bgp4mpMessage(peer, enc.update({ attrs: [enc.origin(1), enc.asPath([{ type: 2, asns: [65010, 4200000000] }]), enc.nextHop('192.0.2.10'), enc.largeCommunities([[65010, 1, 2]])], nlri: [enc.prefix('203.0.113.0/24')], withdrawn: [enc.prefix('192.0.2.0/24')] })),
  ];
  const file = join(dir, 'small.mrt');
  writeFileSync(file, Buffer.concat(records.map((r) => Buffer.from(r))));
  return file;
}

/** A RIR folder of one tiny delegated file. */
function registryDir(): string {
  const rir = join(dir, 'rir');
  mkdirSync(rir, { recursive: true });
  const rows = ['ripencc|NL|ipv4|10.0.0.0|16777216|20000101|allocated', 'ripencc|FR|ipv4|203.0.113.0|256|20100101|assigned'];
  writeFileSync(join(rir, 'delegated-ripencc-latest'), ['2.3|ripencc|20240101|2|19850101|20240101|+0000', ...rows, ''].join('\n'));
  return rir;
}

describe.skipIf(!built)(`the bundled start${built ? '' : ' (skipped: the CLI is not built here, or tsc ran alone after the bundle; `npm run build` writes both)'}`, () => {
  const file = mrtFile();
  const rir = registryDir();
  const inputs = [file, ...(hasSharedData ? [sharedData('mrt', 'bgpdump-testdata', 'updates.20020722.2238.gz')] : [])];

  it.each(['bgpdump', 'jsonl'])('parse --format %s prints what the CLI from sources prints, from the bundle alone', async (format) => {
    for (const input of inputs) {
      const fromBundle = bin(['parse', '--format', format, input], true);
      expect(fromBundle.status, fromBundle.stderr).toBe(0);
      expect(fromBundle.loaded).toEqual(['bin/portolan.js']); // the bundle is read as a script, not loaded as a module
      const fromSources = await runCli(['parse', '--format', format, input]);
      expect(fromSources.code).toBe(0);
      expect(fromBundle.stdout.length).toBeGreaterThan(0);
      expect(fromBundle.stdout).toBe(fromSources.stdout);
    }
  });

  it('help (a command\'s too), the completion scripts and the version are those of the CLI from sources, from the light bundle', async () => {
    const commandHelp = [['ingest', '--help'], ['index', 'build', '--help'], ['query', 'SELECT 1', '-h']];
    const completion = [['completion', 'bash'], ['completion', 'fish']]; // a shell's start runs it
    for (const args of [['--help'], ['help', 'ingest'], ['parse', '--help'], ['--version'], ...commandHelp, ...completion]) {
      const fromBundle = bin(args, true);
      expect(fromBundle.status, args.join(' ')).toBe(0);
      expect(fromBundle.loaded, args.join(' ')).toEqual(['bin/portolan.js']);
      expect(fromBundle.stdout, args.join(' ')).toBe((await runCli(args)).stdout);
    }
  });

  it('a help flag after an option (it may be that option\'s value) is left to the bundle of all actions, which prints the same help', async () => {
    const args = ['ingest', '--force', '--help'];
    const r = bin(args, true);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe((await runCli(args)).stdout);
    expect(r.stdout).toContain('Usage: portolan ingest');
  });

  it('index build and backfill start from the compiled modules (their reader thread is started from one), never from a bundle', () => {
    for (const sub of ['build', 'backfill']) {
      const r = bin(['index', sub, '--no-such-option'], true);
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toContain("unknown option '--no-such-option'");
      expect(r.loaded).toContain('dist/cli/main.js');
      expect(r.loaded).toContain('dist/analyzer/accounting/table-worker.js');
    }
  });

  it('every other command runs from the bundle of all actions as from sources; its workers start from their compiled modules', async () => {
    const summary = (stdout: string) => {
      const { elapsedSeconds, processingSeconds, elementsPerSecond, ...rest } = JSON.parse(stdout) as Record<string, unknown>;
      expect([elapsedSeconds, processingSeconds, elementsPerSecond].every((v) => typeof v === 'number')).toBe(true);
      return rest;
    };
    const fromSources = await runCli(['ingest', file, '--db', join(dir, 'db-sources'), '--rir-dir', rir, '--json']);
    expect(fromSources.code, fromSources.stderr).toBe(0);
    expect(summary(fromSources.stdout)).toMatchObject({ elements: 3, announcements: 2, withdrawals: 1 });
    for (const jobs of ['1', '2']) {
      const db = join(dir, `db-bundle-${jobs}`);
      const r = bin(['ingest', file, '--db', db, '--rir-dir', rir, '--jobs', jobs, '--json'], true);
      expect(r.status, r.stderr).toBe(0);
      expect(summary(r.stdout), `--jobs ${jobs}`).toEqual(summary(fromSources.stdout));
      // This thread loads no compiled module (the bundle is read as a script); each worker its own.
      expect(r.loaded[0]).toBe('bin/portolan.js');
      expect(r.loaded).not.toContain('dist/cli/main.js');
      expect(r.loaded.includes('dist/cli/ingest/worker.js'), `--jobs ${jobs}`).toBe(jobs === '2');
      const sql = 'SELECT * FROM prefix_latest FINAL ORDER BY prefix';
      const stored = bin(['query', '--db', db, '--format', 'csv', sql]);
      expect(stored.status, stored.stderr).toBe(0);
      expect(stored.stdout.trim().split('\n')).toHaveLength(3); // the header and both prefixes
      expect(stored.stdout).toBe((await runCli(['query', '--db', join(dir, 'db-sources'), '--format', 'csv', sql])).stdout);
    }
    const lookup = ['lookup', '10.1.0.0/16', '203.0.113.7', '--rir-dir', rir];
    expect(bin(lookup).stdout).toBe((await runCli(lookup)).stdout);
  });

  it('reads a RIS Live capture from the bundle with nothing on stderr: the bundles import() no package or builtin (Node would warn of its experimental loader)', async () => {
    const capture = join(dir, 'capture.jsonl');
    const data = { timestamp: 1558620047.08, peer: '192.0.2.10', peer_asn: '65010', host: 'rrc00', type: 'UPDATE', path: [65010, 65020], origin: 'igp', announcements: [{ next_hop: '192.0.2.10', prefixes: ['203.0.113.0/24'] }] };
    writeFileSync(capture, `${JSON.stringify({ type: 'ris_message', data })}\nnot json\n`);
    const args = ['ingest', capture, '--db', join(dir, 'db-capture'), '--rir-dir', rir, '--json'];
    const r = bin(args);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ elements: 1, announcements: 1 });
    expect(r.stderr).toBe(''); // the log is silenced; before, the import() of node:readline warned here
    for (const b of [bundle, allBundle]) {
      const specifiers = [...readFileSync(b, 'utf8').matchAll(/\bimport\("([^"]+)"\)/g)].map((m) => m[1]);
      expect(specifiers.filter((s) => !s.startsWith('./')), b).toEqual([]); // only the actions' compiled modules
    }
  });

  it('parse (plain or gzip) and help load neither child_process (commander asks for it) nor Node’s fs streams', () => {
    const list = join(dir, 'builtins.cjs');
    writeFileSync(list, "process.on('exit', () => require('node:fs').writeFileSync(process.env.BUILTINS_OUT, process.moduleLoadList.join('\\n')));\n");
    const gz = join(dir, 'small.mrt.gz');
    writeFileSync(gz, gzipSync(readFileSync(file)));
    for (const args of [['parse', '--format', 'bgpdump', file], ['parse', gz], ['--help']]) {
      const out = join(dir, 'builtins.txt');
      const r = spawnSync(process.execPath, ['--require', list, join(root, 'bin/portolan.js'), ...args], { cwd: dir, env: { ...process.env, PORTOLAN_LOG_LEVEL: 'silent', BUILTINS_OUT: out }, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const builtins = readFileSync(out, 'utf8').split('\n');
      expect(builtins, args.join(' ')).toContain('NativeModule stream'); // the list is Node's own
      expect(builtins.filter((m) => /^NativeModule (child_process|internal\/fs\/(streams|promises))$/.test(m)), args.join(' ')).toEqual([]);
    }
  });

  it('holds no other command\'s action: each is imported from the compiled file beside it, which exists', () => {
    const text = readFileSync(bundle, 'utf8');
    const imports = [...text.matchAll(/import\("(\.\/[^"]+\.action\.js)"\)/g)].map((m) => m[1]);
    const actions = readdirSync(join(root, 'dist/cli/commands')).filter((f) => f.endsWith('.action.js'));
    expect(new Set(imports).size).toBe(actions.length - 2); // every action but parse's and completion's
    for (const path of imports) expect(existsSync(resolve(dirname(bundle), path)), path).toBe(true);
    expect(imports.some((p) => p.endsWith('/parse.action.js') || p.endsWith('/completion.action.js'))).toBe(false);
  });

  it('the build wrote a code cache after the bundle, which Node takes', () => {
    expect(statSync(codeCache).mtimeMs).toBeGreaterThanOrEqual(statSync(bundle).mtimeMs);
    expect(cacheAccepted(bundle, codeCache)).toBe(true);
  });

  it('a code cache older than the bundle is not used: V8 would take it for a changed bundle of the same length', () => {
    const to = copyOfBuild('stale-cache');
    const changed = join(to, 'dist/cli/main.bundle.cjs');
    const text = readFileSync(changed, 'utf8');
    expect(text.split(USAGE_HINT).length).toBe(2);
    writeFileSync(changed, text.replace(USAGE_HINT, USAGE_HINT.toUpperCase()));
    expect(cacheAccepted(changed, codeCache)).toBe(true); // V8 checks the source's length, not its text
    utimesSync(changed, BUILT_AT + 20, BUILT_AT + 20); // the bundle changed after its cache was written

    const r = bin(['parse'], false, to); // a usage error, then the hint
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(USAGE_HINT.toUpperCase());
  });

  it('a code cache that Node refuses (another build of Node, a damaged file) only costs the compile', () => {
    const to = copyOfBuild('damaged-cache');
    const cache = join(to, 'dist/cli/main.bundle.cjs.v8cache');
    writeFileSync(cache, Buffer.from(readFileSync(codeCache).map((b, i) => (i < 64 ? b ^ 0xff : b))));
    utimesSync(cache, BUILT_AT + 20, BUILT_AT + 20);
    expect(cacheAccepted(bundle, cache)).toBe(false);
    for (const args of [['--version'], ['parse', '--format', 'bgpdump', file]]) {
      const r = bin(args, false, to);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout, args.join(' ')).toBe(bin(args).stdout);
    }
  });
});

const USAGE_HINT = '(run with --help for usage)';
/** The copies' times, in seconds: the compiled entry, then 10 s later the bundle and its cache. */
const BUILT_AT = Math.floor(Date.now() / 1000) - 3600;

/** The built entry, bundle and code cache copied under the temporary folder, with the project's packages. */
function copyOfBuild(name: string): string {
  const to = join(dir, name);
  mkdirSync(join(to, 'dist/cli'), { recursive: true });
  cpSync(join(root, 'bin'), join(to, 'bin'), { recursive: true });
  copyFileSync(join(root, 'package.json'), join(to, 'package.json'));
  symlinkSync(join(root, 'node_modules'), join(to, 'node_modules'));
  const files: Array<[string, number]> = [[main, 0], [bundle, 10], [codeCache, 10]];
  for (const [from, at] of files) {
    const copy = join(to, 'dist/cli', from.slice(from.lastIndexOf('/') + 1));
    copyFileSync(from, copy);
    utimesSync(copy, BUILT_AT + at, BUILT_AT + at);
  }
  return to;
}

/** Whether a plain `node` (V8 keys a cache by its flags too, and this test's process has others) takes `cache` for the script `source`. */
function cacheAccepted(source: string, cache: string): boolean {
  const check = `const fs = require('node:fs');
const s = new (require('node:vm').Script)(require('node:module').Module.wrap(fs.readFileSync(process.argv[1], 'utf8')), { filename: process.argv[1], cachedData: fs.readFileSync(process.argv[2]) });
process.stdout.write(String(!s.cachedDataRejected));`;
  const r = spawnSync(process.execPath, ['-e', check, source, cache], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout === 'true';
}

