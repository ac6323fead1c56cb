/** The routed-space filter flags, shared by `run` and `index build|backfill`. */
import type { Command } from 'commander';
import { DEFAULT_FILTERS, type RoutedFilters } from '../analyzer/models/accounting.js';
import { UsageError } from './errors.js';

export interface FilterOptions {
  minLength: string;
  maxLength: string;
  minPeers: string;
}

export function addFilterOptions(cmd: Command): Command {
  const f = DEFAULT_FILTERS;
  return cmd
    .option('--min-length <V4,V6>', 'index: shortest prefix length counted as routed, IPv4,IPv6', `${f.ipv4_length[0]},${f.ipv6_length[0]}`)
    .option('--max-length <V4,V6>', 'index: longest prefix length counted as routed, IPv4,IPv6', `${f.ipv4_length[1]},${f.ipv6_length[1]}`)
    .option('--min-peers <N>', 'index: distinct peers that must announce a prefix (1 for a single-peer file)', String(f.min_peers));
}

/** Parses the filter flags; a bad value is a usage error naming the flag. */
export function parseFilters(opts: FilterOptions): RoutedFilters {
  const pair = (flag: string, text: string): [number, number] => {
    const m = /^(\d{1,2}),(\d{1,3})$/.exec(text.trim());
    if (!m || Number(m[1]) > 32 || Number(m[2]) > 128) throw new UsageError(`${flag} takes IPv4,IPv6 prefix lengths such as 8,16 (not "${text}")`);
    return [Number(m[1]), Number(m[2])];
  };
  const min = pair('--min-length', opts.minLength);
  const max = pair('--max-length', opts.maxLength);
  if (min[0] > max[0] || min[1] > max[1]) throw new UsageError(`--min-length ${opts.minLength} is longer than --max-length ${opts.maxLength}`);
  if (!/^\d+$/.test(opts.minPeers.trim()) || Number(opts.minPeers) < 1) throw new UsageError(`--min-peers takes a whole number of at least 1 (not "${opts.minPeers}")`);
  return { ipv4_length: [min[0], max[0]], ipv6_length: [min[1], max[1]], min_peers: Number(opts.minPeers), exclude_special_purpose: true };
}

/** `--confirmed`, shared by `run` and `index build|backfill`. */
export const CONFIRMED_HELP =
  "also count the day with only the addresses every independent --geo database places in the same RIR region (needs two or more; registry echoes are not consulted): printed under `confirmed`, stored for the dashboard's confirmed-only matrix, map and index";
