/**
 * Defaults that more than one part of Portolan needs (flags, the dashboard server, links
 * to it). Each lives here once; the flags' help shows them through common/config.ts.
 */

/** The embedded chDB store folder. */
export const DEFAULT_DB = './data/portolan';

/** The RIS Live WebSocket endpoint (the `client` parameter names us to RIPE). */
export const DEFAULT_RIS_LIVE_URL = 'wss://ris-live.ripe.net/v1/ws/?client=portolan';

/** The dashboard, API, /metrics and /healthz. */
export const DEFAULT_PORT = 8080;

/** The address they listen on: this machine only. */
export const DEFAULT_HOST = '127.0.0.1';

/** A RIR file more than this many days older than its snapshot's date is stale (`registry diff --max-age`). */
export const DEFAULT_MAX_AGE_DAYS = 3;

/** Where alerts that could not be delivered wait for `alerts replay`. */
export const DEFAULT_DEAD_LETTER = './data/alerts-dead-letter.jsonl';

/** Addresses that mean "every address of this machine" when listened on. */
const ALL_ADDRESSES = new Map([
  ['0.0.0.0', '127.0.0.1'],
  ['::', '::1'],
  ['::0', '::1'],
]);

/** Whether listening on `host` listens on all addresses (0.0.0.0, ::). */
export const listensOnAll = (host: string): boolean => ALL_ADDRESSES.has(host);

/**
 * A link to a server listening on `host`:`port` that works from this machine: the host as
 * given (a name, an IPv4 or a bracketed IPv6 address), or loopback when it listens on all
 * addresses (`0.0.0.0` is no address to connect to).
 */
export function httpLink(host: string, port: number): string {
  const h = ALL_ADDRESSES.get(host) ?? host;
  return `http://${h.includes(':') && !h.startsWith('[') ? `[${h}]` : h}:${port}`;
}
