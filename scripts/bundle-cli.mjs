/**
 * Writes dist/cli/main.bundle.cjs: the compiled CLI's entry, its command declarations and the
 * `parse` action with the MRT reader, in one file. `bin/portolan.js` starts `parse`, help and
 * `--version` from it: Node then loads one module instead of about 70 (commander's seven among
 * them), 15-30 ms of a 150 ms start (docs/scaling.md).
 *
 * Every other action stays out, imported from dist/ as compiled, and bin/portolan.js starts
 * those commands from dist/cli/main.js: a process must not mix the bundle's copies of the shared
 * modules (logger, shutdown hooks) with dist/'s. Packages that are native, start workers or read
 * files beside themselves (chdb, pino, yaml) stay external; the others parse uses (commander,
 * unbzip2-stream) are bundled.
 *
 * The bundle is CommonJS, so bin/portolan.js (CommonJS too) runs it without starting Node's ES
 * module loader, and from V8's code cache: dist/cli/main.bundle.cjs.v8cache, written here by a
 * `parse` of a small MRT file, so it holds the bytecode of what `parse` runs (the start-up of
 * `parse` and help, 10-15 ms less; docs/scaling.md).
 *
 * Run by `npm run build`, after tsc: it bundles tsc's output, the same code the other commands run.
 */
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const entry = resolve(root, 'dist/cli/main.js');
const outfile = resolve(root, 'dist/cli/main.bundle.cjs');
const codeCache = `${outfile}.v8cache`;

/** Actions other than parse's: left as imports of the compiled modules, relative to the bundle. */
const otherActionsExternal = {
  name: 'other-actions-external',
  setup(b) {
    b.onResolve({ filter: /\.action\.js$/ }, (args) => {
      const path = resolve(args.resolveDir, args.path);
      if (path.endsWith('/parse.action.js')) return undefined;
      return { path: `./${relative(dirname(outfile), path)}`, external: true };
    });
  },
};

/**
 * commander requires child_process when it loads, for subcommands that are executables (portolan
 * has none): in the bundle it is required on first use instead, 1-2 ms of `parse` and help.
 */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) => (args.importer.includes('/node_modules/commander/') ? { path: 'child_process', namespace: 'lazy' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({ contents: "module.exports = new Proxy({}, { get: (_, key) => require('node:child_process')[key] });", loader: 'js' }));
  },
};

rmSync(codeCache, { force: true }); // it would describe the bundle before this one
await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['chdb', 'chdb/*', 'pino', 'pino-pretty', 'yaml'],
  plugins: [otherActionsExternal, lazyChildProcess],
  // The modules find the package and its files from their own URL.
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  // Without blanks and comments the bundle is 190 KB instead of 310: less to read at each start.
  minifyWhitespace: true,
  logLevel: 'warning',
});
// bin/portolan.js reads the bundle as latin1, a plain copy, which only ASCII text survives (esbuild
// escapes other characters in strings; comments are gone).
if (readFileSync(outfile).some((byte) => byte > 0x7f)) throw new Error(`bundle-cli: ${outfile} is not ASCII; bin/portolan.js reads it as latin1`);

/**
 * The code cache, from a `parse --format bgpdump` of one RIB entry and one UPDATE (an announcement
 * and a withdrawal; origin, AS path, next hop, communities, large communities), as written by
 * test/helpers/mrt-encoder.ts. bin/portolan.js writes the cache when PORTOLAN_WRITE_CODE_CACHE
 * names its file, and reads it only when it is newer than the bundle.
 */
const WARM_UP_MRT =
  'ZVPxAAANAAEAAAAZwAACAQAEdGVzdAABAgoAAAHAAAIKAAD98mVT8QAADQACAAAALwAAAAAICgABAABfXhAAAB9AAQEAQAIKAgIAAP3yAAD9/EADBMAAAgrACAT98gAHZVPxAAAQAAQAAABhAAD98gAA/egAAAABwAACCsAAAgH/////////////////////AE0CAAQYxjNkAC5AAQEAQAIKAgIAAP3yAAD9/EADBMAAAgrACAT98gAHwCAMAAD98gAAAAEAAAACGMsAcQ==';
const dir = mkdtempSync(join(tmpdir(), 'portolan-code-cache-'));
try {
  const mrt = join(dir, 'warm-up.mrt');
  writeFileSync(mrt, Buffer.from(WARM_UP_MRT, 'base64'));
  const run = spawnSync(process.execPath, [resolve(root, 'bin/portolan.js'), 'parse', '--format', 'bgpdump', mrt], {
    env: { ...process.env, PORTOLAN_WRITE_CODE_CACHE: codeCache, PORTOLAN_LOG_LEVEL: 'silent' },
    encoding: 'utf8',
  });
  // Without the cache the CLI is as correct, only slower to start: say so, do not fail the build.
  if (run.status !== 0 || run.stdout.split('\n').length !== 4) process.stderr.write(`bundle-cli: the code cache was not written (parse exited ${run.status}: ${run.stderr.trim()})\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
