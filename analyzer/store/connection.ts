import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { createRequire } from 'node:module';
import type { ChdbExtension } from 'chdb/connection';
import { DEFAULT_DB } from '../../common/defaults.js';
import { pageOutMappedFile } from '../../common/page-out.js';

export interface ConnectionOptions {
  /** Embedded chDB store folder (used when `clickhouse` is not given). */
  db?: string;
  /** ClickHouse server URL, e.g. http://user:pass@host:8123/portolan (the path names the database). */
  clickhouse?: string;
  /** A server's request fails once its connection has been idle this long (default REQUEST_TIMEOUT_MS). */
  requestTimeoutMs?: number;
}

export const REQUEST_TIMEOUT_MS = 30_000;

/**
 * A request allowed to wait longer than a minute for its answer (a migration's backfill) asks the
 * server for a progress header every PROGRESS_HEADER_MS: a proxy or load balancer in between then
 * sees bytes where it would cut an idle connection (AWS's load balancers do after 60 s). They
 * accumulate in the response's headers (about 200 bytes each), beyond Node's 16 KB limit after
 * an hour or so: the limit is raised to hold as many as the request may wait for.
 */
const LONG_REQUEST_MS = 60_000;
export const PROGRESS_HEADER_MS = 50_000;
const PROGRESS_HEADER_BYTES = 512;

function serverClient(url: string, requestTimeoutMs: number): ClickHouseClient {
  if (requestTimeoutMs <= LONG_REQUEST_MS) return createClient({ url, request_timeout: requestTimeoutMs });
  return createClient({
    url,
    request_timeout: requestTimeoutMs,
    clickhouse_settings: { send_progress_in_http_headers: 1, http_headers_progress_interval_ms: String(PROGRESS_HEADER_MS) },
    max_response_headers_size: 16_384 + Math.ceil(requestTimeoutMs / PROGRESS_HEADER_MS) * PROGRESS_HEADER_BYTES,
  });
}

/** Thrown when another process holds the embedded store (chDB allows one process per folder). */
export class StoreLockedError extends Error {
  constructor(readonly path: string) {
    super(
      `the store ${path} is in use by another process (a running \`portolan run\` or \`serve\`?); ` +
        'chDB allows one process per store folder: stop that process, or query it through its API',
    );
    this.name = 'StoreLockedError';
  }
}

/** What `connect` opens: the client, and for the embedded store its folder and chDB's own surface. */
export interface StoreConnection {
  client: ClickHouseClient;
  /** The embedded store's folder; null with a server. */
  embeddedPath: string | null;
  /** The embedded chDB connection's extension (its raw insert), behind `client`; null with a server. */
  chdb: ChdbExtension | null;
}

/**
 * chDB's allocator (the jemalloc inside its library, which reads JE_MALLOC_CONF when the library
 * loads) hands pages freed by its inserts and merges back to the kernel after 250 ms instead of
 * the seconds it keeps them by default: an ingest's peak RSS 559-578 MiB instead of 624-669, at no
 * measurable cost in time (docs/scaling.md, session 18). A JE_MALLOC_CONF the user set is left as it is.
 */
export const CHDB_ALLOCATOR = 'dirty_decay_ms:250';

/**
 * One `@clickhouse/client` for both back ends: chDB in-process on disk, or a server by URL.
 * Everything above this function is the same for the two, but for the embedded inserts, which
 * use `chdb` directly.
 */
export function connect(opts: ConnectionOptions): StoreConnection {
  if (opts.clickhouse) {
    return { client: serverClient(opts.clickhouse, opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS), embeddedPath: null, chdb: null };
  }
  const path = resolve(opts.db ?? DEFAULT_DB);
  mkdirSync(path, { recursive: true });
  // chDB's native library (about 200 ms and 200 MB to load) is loaded with the first embedded
  // connection, not at import: commands that never open a store start without it.
  process.env.JE_MALLOC_CONF ??= CHDB_ALLOCATOR;
  const { createChdbConnection } = createRequire(import.meta.url)('chdb/connection') as typeof import('chdb/connection');
  let connection;
  try {
    connection = createChdbConnection({ path });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // chDB prints the lock error natively; the JS error only says the connection failed. A store
    // that already has a status file and cannot be opened is held by another process.
    const locked = /Cannot lock file|already running/i.test(message) || (/Failed to create connection/i.test(message) && existsSync(join(path, 'status')));
    if (locked) throw new StoreLockedError(path);
    throw err;
  }
  // The chDB connection implements client-common's Connection contract; the two packages'
  // type declarations differ only nominally.
  return { client: createClient({ connection: connection as never }), embeddedPath: path, chdb: connection.chdb };
}

/**
 * Pages out chDB's library once the engine has started: its static initialisation and
 * relocation leave 130-200 MiB of the 540 MiB file resident, most of it never used again; what
 * the engine does use comes back as it works. The bytes advised; null without the native addon.
 */
export function releaseEngineStartupPages(): number | null {
  return pageOutMappedFile('/libchdb.');
}
