#!/usr/bin/env node
// Runs the compiled CLI (built by `npm run build`, which `npm ci` runs through `prepare`).
import { statSync } from 'node:fs';

const [command, sub] = process.argv.slice(2);
// `index build` and `index backfill` read their route files on a worker thread: started here, its
// start-up overlaps the CLI's own (~60 ms). Unused (a usage error, --help), it stops at exit.
if (command === 'index' && (sub === 'build' || sub === 'backfill')) import('../dist/analyzer/accounting/table-worker.js').then((m) => m.prestartTableReader(), () => {});
// `parse`, help and the version start from one bundled file (scripts/bundle-cli.mjs); every other
// command from the compiled modules, never from both in one process. A bundle older than the
// compiled entry (tsc run alone since) is not used: it would run the code before that build.
const light = command === undefined || command === 'parse' || command === 'help' || command === '--help' || command === '-h' || command === '--version' || command === '-V';
const main = new URL('../dist/cli/main.js', import.meta.url);
const bundle = new URL('../dist/cli/main.bundle.js', import.meta.url);
const modified = (url) => statSync(url, { throwIfNoEntry: false })?.mtimeMs ?? -1;
const entry = light && modified(bundle) >= modified(main) ? bundle : main;
import(entry.href).catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/main')) {
    console.error('portolan: the CLI is not built yet; run `npm run build` (npm ci does it for you).');
    process.exit(1);
  }
  throw err;
});
