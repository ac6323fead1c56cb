/**
 * Writes the CLI's two bundles (esbuild, CommonJS), from tsc's output in dist/:
 *
 * - dist/cli/main.bundle.cjs: the entry, its command declarations, the `parse` action with the
 *   MRT reader and the `completion` action (a shell's start runs it). `bin/portolan.js` starts
 *   `parse`, `completion`, help and `--version` from it, with V8's code cache (below): one 190 KB
 *   file instead of about 70 modules, the start-up the issue-13 aim is about (docs/scaling.md).
 *   Every other action stays out, as an import of the compiled module.
 * - dist/cli/main.all.cjs: the same entry with every action bundled, for every other command but
 *   `index build` and `index backfill` (bin/portolan.js says why): about 530 modules, 1.6 MB, that
 *   the ES module loader took ~240 ms to find, link and start before a store command ran; from
 *   the bundle, ~120 ms less (docs/scaling.md).
 *
 * In both, each module keeps its own `import.meta.url` (its file in dist/, found from the bundle's
 * location): the workers start from their compiled module files as without a bundle, and files
 * found beside a module (packages, native addons, the dashboard) are found where they are. A
 * process runs one bundle, or dist/'s modules, never two of them: each has its own copy of the
 * shared modules (logger, shutdown hooks). Packages that are native, start workers or read files
 * beside themselves (chdb, pino, yaml) stay external; the others are bundled.
 *
 * CommonJS, so bin/portolan.js (CommonJS too) runs a bundle without starting Node's ES module
 * loader. Run by `npm run build`, after tsc: it bundles tsc's output, the code the workers run.
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
const allOutfile = resolve(root, 'dist/cli/main.all.cjs');
const codeCache = `${outfile}.v8cache`;

/** The actions the light bundle holds; the others stay imports of the compiled modules, relative to the bundle. */
const LIGHT_ACTIONS = ['/parse.action.js', '/completion.action.js'];
const otherActionsExternal = {
  name: 'other-actions-external',
  setup(b) {
    b.onResolve({ filter: /\.action\.js$/ }, (args) => {
      const path = resolve(args.resolveDir, args.path);
      if (LIGHT_ACTIONS.some((a) => path.endsWith(a))) return undefined;
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

/**
 * Each compiled module's `import.meta.url` as its own file's URL, found from the bundle's location
 * at run time (the two bundles sit in dist/cli/): the project can be moved after the build.
 */
const moduleUrls = {
  name: 'module-urls',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, (args) => {
      if (!args.path.startsWith(resolve(root, 'dist') + '/')) return undefined;
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const own = JSON.stringify(relative(dirname(outfile), args.path));
      return { contents: text.replaceAll('import.meta.url', `new URL(${own}, __bundleUrl).href`), loader: 'js' };
    });
  },
};

/** What both bundles share. */
const bundleOptions = {
  entryPoints: [entry],
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['chdb', 'chdb/*', 'pino', 'pino-pretty', 'yaml'],
  banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  // Without blanks and comments the light bundle is 190 KB instead of 310: less to read at each start.
  minifyWhitespace: true,
  logLevel: 'warning',
};

rmSync(codeCache, { force: true }); // it would describe the bundle before this one
await build({ ...bundleOptions, outfile, plugins: [otherActionsExternal, lazyChildProcess, moduleUrls] });
await build({
  ...bundleOptions,
  outfile: allOutfile,
  plugins: [lazyChildProcess, moduleUrls],
  // import.meta.resolve is used only when a worker starts from TypeScript sources (common/worker.ts), never from a bundle.
  logOverride: { 'empty-import-meta': 'silent' },
});
// bin/portolan.js reads a bundle as latin1, a plain copy, which only ASCII text survives (esbuild
// escapes other characters in strings; comments are gone).
for (const file of [outfile, allOutfile]) if (readFileSync(file).some((byte) => byte > 0x7f)) throw new Error(`bundle-cli: ${file} is not ASCII; bin/portolan.js reads it as latin1`);

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
