import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Option } from 'commander';
import { DEFAULT_DB, DEFAULT_RIS_LIVE_URL } from './defaults.js';

/**
 * The flags every command shares. Each is also an environment variable `PORTOLAN_<NAME>`
 * and a key in an optional `portolan.yml`; precedence: flag > environment > file > default.
 */
export const COMMON_OPTIONS = {
  'rir-dir': { arg: 'DIR', help: 'local folder of RIR delegated files (delegated-<rir>-[extended-]latest[.gz]) instead of the download cache' },
  'iana-dir': { arg: 'DIR', help: 'local folder of IANA registry CSVs (ipv4-address-space.csv, ipv6-unicast-address-assignments.csv, as-numbers-*.csv)' },
  'cache-dir': { arg: 'DIR', help: 'where `registry update` keeps downloaded registry files (and prepared/, the registry as commands loaded it, to load it faster on the same files)', default: './data/registry' },
  geo: { arg: 'FILE[,FILE…]', help: 'MaxMind-format country database(s) (.mmdb); several, comma-separated (or a YAML list), are compared per prefix, the first independent one drives the kinds; echo:FILE marks a registry echo (shown, never counted as confirmation); default: the bundled DB-IP Lite country database' },
  db: { arg: 'PATH', help: 'embedded ClickHouse (chDB) store folder', default: DEFAULT_DB },
  clickhouse: { arg: 'URL', help: 'ClickHouse server URL (e.g. http://user:pass@host:8123/portolan) instead of the embedded store' },
  'clickhouse-cluster': { arg: 'NAME', help: 'with --clickhouse: the cluster the store spans (Replicated tables ON CLUSTER with {shard}/{replica} macros, Distributed tables under the same names; untested on a live cluster)' },
  'raw-ttl-days': { arg: 'DAYS', help: "days raw route events are kept after they are stored (route_events, rib_snapshots, mismatch_events; 0: forever); when given, an existing store's tables are changed to it; a new store's default: 90" },
  'ris-live': { arg: 'URL', help: 'RIS Live WebSocket endpoint', default: DEFAULT_RIS_LIVE_URL },
  alerts: { arg: 'FILE', help: 'alert rules and channels (alerts.yml)' },
  'as-names': { arg: 'FILE', help: 'AS names with countries (RIPE NCC asn.txt, potaroo asn.txt[.gz], pyasn JSON); default: asn.txt in --cache-dir when present' },
  'query-memory': { arg: 'SIZE', help: 'memory cap per analyst query (SQL console, `query`): ClickHouse max_memory_usage, e.g. 512M, 1G', default: '1G' },
  'console-queries': { arg: 'N', help: 'SQL console queries running at once; more are refused with 429 and Retry-After', default: '2' },
  'console-rate': { arg: 'N', help: 'SQL console queries a minute per client address (token bucket, bursts of 10); more are refused with 429', default: '30' },
  'api-token': { arg: 'TOKEN', help: 'bearer token for the dashboard API (Authorization: Bearer TOKEN); required when listening beyond loopback' },
  overload: { arg: 'MODE', help: 'what `run` does when the feed outruns it: pause (stop reading; lag grows, nothing lost), drop (a full queue drops new UPDATEs, counted; never a RIS_PEER_STATE) or shed (as drop, and while behind withdrawals of unknown routes are not stored, counted); default: drop for RIS Live, pause for a replay server' },
  rpki: { arg: 'FILE|URL', help: 'validated ROA payloads for route-origin validation (RPKI): rpki-client JSON, Routinator jsonext or RIPE NCC roas.csv; several, comma-separated, are merged' },
  'rpki-refresh': { arg: 'MINUTES', help: 'how often `run` reloads --rpki (a failed reload keeps the last good set)', default: '60' },
  'log-level': { arg: 'LEVEL', help: 'trace, debug, info, warn, error, fatal or silent', default: 'info' },
} as const;

export type CommonOptionName = keyof typeof COMMON_OPTIONS;

/** The environment variable for a flag: `rir-dir` → `PORTOLAN_RIR_DIR`. */
export const envName = (flag: string): string => `PORTOLAN_${flag.toUpperCase().replace(/-/g, '_')}`;

let fileConfig: Record<string, unknown> | undefined;

/** Reads `portolan.yml` (or `$PORTOLAN_CONFIG`) once; keys are flag names (`rir-dir` or `rirDir`). */
export function loadConfigFile(path = process.env.PORTOLAN_CONFIG ?? 'portolan.yml'): Record<string, unknown> {
  if (fileConfig) return fileConfig;
  fileConfig = {};
  if (!existsSync(path)) {
    if (process.env.PORTOLAN_CONFIG) throw new Error(`config file ${path} (from PORTOLAN_CONFIG) does not exist`);
    return fileConfig;
  }
  // The YAML parser loads only when there is a file: most runs have none, and it costs start-up time.
  const { parse: parseYaml } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  const parsed = parseYaml(readFileSync(path, 'utf8')) as unknown;
  if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed))) {
    throw new Error(`${path}: expected a mapping of option names to values`);
  }
  for (const [key, value] of Object.entries((parsed as Record<string, unknown>) ?? {})) {
    fileConfig[key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)] = value;
  }
  return fileConfig;
}

/** A commander Option for a shared flag, wired to its environment variable and config-file key. */
export function commonOption(name: CommonOptionName): Option {
  const spec = COMMON_OPTIONS[name];
  const option = new Option(`--${name} <${spec.arg}>`, spec.help).env(envName(name));
  const fromFile = loadConfigFile()[name];
  const fallback = fromFile !== undefined ? String(fromFile) : 'default' in spec ? spec.default : undefined;
  if (fallback !== undefined) option.default(fallback);
  return option;
}

/** Options of a command after commander has parsed them (camelCase keys). */
export interface CommonOptions {
  rirDir?: string;
  ianaDir?: string;
  cacheDir: string;
  geo?: string;
  db: string;
  clickhouse?: string;
  clickhouseCluster?: string;
  rawTtlDays?: string;
  risLive: string;
  alerts?: string;
  asNames?: string;
  logLevel: string;
  queryMemory?: string;
  consoleQueries?: string;
  consoleRate?: string;
  apiToken?: string;
  publicPages?: boolean;
  rpki?: string;
  rpkiRefresh?: string;
  overload?: string;
}
