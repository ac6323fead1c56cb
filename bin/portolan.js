#!/usr/bin/env node
// Runs the compiled CLI (built by `npm run build`, which `npm ci` runs through `prepare`).
// CommonJS (bin/package.json): `parse`, help and the version then run without Node's ES module
// loader, which costs about 10 ms to start.
const { readFileSync, statSync, writeFileSync } = require('node:fs');
const { Module } = require('node:module');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');
const { Script, constants } = require('node:vm');

const dist = join(__dirname, '..', 'dist');
const args = process.argv.slice(2);
const [command, sub] = args;
// A command's help (`portolan ingest --help`): commander prints it from the declarations, which
// the light bundle holds, and runs no action. Only when the flag ends the line after a word that
// is not an option: after an option it may be that option's value, and the action would run.
const asksHelp = args.length > 1 && (args.at(-1) === '--help' || args.at(-1) === '-h') && !args.at(-2).startsWith('-');
// `index build` and `index backfill` read their route files on a worker thread: started here, its
// start-up overlaps the CLI's own (~60 ms). Unused (a usage error), it stops at exit.
const readsRouteTables = !asksHelp && command === 'index' && (sub === 'build' || sub === 'backfill');
if (readsRouteTables) import(pathToFileURL(join(dist, 'analyzer/accounting/table-worker.js')).href).then((m) => m.prestartTableReader(), () => {});

// `parse`, `completion`, help (a command's too) and the version start from the light bundle, with
// its code cache; `index build` and `index backfill` from the compiled modules, since their reader
// thread was started above from a compiled module whose state the command must find; every other
// command from the bundle of all actions (scripts/bundle-cli.mjs). Never from two of these in one
// process. A bundle older than the compiled entry (tsc run alone since) is not used: it would run
// the code before that build.
const LIGHT_COMMANDS = new Set([undefined, 'parse', 'completion', 'help', '--help', '-h', '--version', '-V']);
const light = asksHelp || LIGHT_COMMANDS.has(command);
const main = join(dist, 'cli', 'main.js');
const bundle = join(dist, 'cli', light ? 'main.bundle.cjs' : 'main.all.cjs');
const modified = (path) => statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? -1;
const bundleTime = readsRouteTables ? -1 : modified(bundle);
if (bundleTime >= modified(main)) runBundle();
else
  import(pathToFileURL(main).href).catch((err) => {
    if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/main')) {
      console.error('portolan: the CLI is not built yet; run `npm run build` (npm ci does it for you).');
      process.exit(1);
    }
    throw err;
  });

/**
 * Runs the bundle as require() would, from V8's code cache when the build wrote one after the
 * bundle: V8 then skips compiling what the cache holds (and itself refuses a cache from another
 * Node or V8 version, compiling as usual). PORTOLAN_WRITE_CODE_CACHE=FILE writes the cache at exit
 * (the build does, after a `parse`), with the bytecode of every function the run compiled.
 */
function runBundle() {
  const cache = `${bundle}.v8cache`;
  const write = process.env.PORTOLAN_WRITE_CODE_CACHE;
  const cachedData = !write && modified(cache) >= bundleTime ? readFileSync(cache) : undefined;
  // The bundle is ASCII (the build checks): latin1 copies it, where utf8 would decode it.
  const script = new Script(Module.wrap(readFileSync(bundle, 'latin1')), {
    filename: bundle,
    cachedData,
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (write) process.once('exit', () => writeFileSync(write, script.createCachedData()));
  const module = { exports: {} };
  script.runInThisContext()(module.exports, Module.createRequire(bundle), module, bundle, join(dist, 'cli'));
}
