/**
 * `node --import tsx test/helpers/store-dump.ts DB`: prints what the store at DB shows (see
 * store-contents.ts) as one JSON object, so a test can compare stores that the CLI filled, each
 * opened in a process of its own (chDB allows one store per process).
 */
import { openStore } from '../../analyzer/store/index.js';
import { readModelContents, routeEventContents } from './store-contents.js';

const store = await openStore({ db: process.argv[2] });
try {
  process.stdout.write(`${JSON.stringify({ ...(await readModelContents(store.client)), routeEvents: await routeEventContents(store.client) })}\n`);
} finally {
  await store.close();
}
