/**
 * Writes dist/cli/main.bundle.js: the compiled CLI's entry, its command declarations and the
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
 * Run by `npm run build`, after tsc: it bundles tsc's output, the same code the other commands run.
 */
import { build } from 'esbuild';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const entry = resolve(root, 'dist/cli/main.js');
const outfile = resolve(root, process.argv[2] ?? 'dist/cli/main.bundle.js');

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

await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['chdb', 'chdb/*', 'pino', 'pino-pretty', 'yaml'],
  plugins: [otherActionsExternal],
  // commander is CommonJS: its require() calls of Node's modules need a real require.
  banner: { js: "import { createRequire as __portolanRequire } from 'node:module'; const require = __portolanRequire(import.meta.url);" },
  logLevel: 'warning',
});
