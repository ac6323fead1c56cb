/**
 * `portolan registry holders`: the delegated-extended records grouped by the holder's opaque id
 * (analyzer/registry/holders.ts), named after the holder's AS where the AS-name list knows it.
 */
import { loadRegistry } from '../../analyzer/registry/index.js';
import { registeredHolders } from '../../analyzer/registry/holders.js';
import type { RegistryIndex } from '../../analyzer/registry/registry-index.js';
import { RIRS } from '../../analyzer/models/registry.js';
import type { CommonOptions } from '../../common/config.js';
import { action } from '../action.js';
import { UsageError } from '../errors.js';
import { render } from '../render.js';
import { loadAsNamesFor } from '../setup.js';

interface HoldersOptions extends Pick<CommonOptions, 'rirDir' | 'ianaDir' | 'cacheDir' | 'asNames'> {
  rir?: string;
  cc?: string;
  limit: string;
  format: string;
}

const COLUMNS = ['holder_id', 'rir', 'cc', 'records', 'ipv4_addresses', 'ipv6_48s', 'asns', 'first_asn', 'name', 'first_date', 'last_date'];

export const holders = action(async (opts: HoldersOptions): Promise<void> => {
  const rir = opts.rir?.toLowerCase();
  if (rir && !(RIRS as readonly string[]).includes(rir)) throw new UsageError(`--rir must be one of ${RIRS.join(', ')}, not ${opts.rir}`);
  const cc = opts.cc?.toUpperCase();
  if (cc && !/^[A-Z]{2}$/.test(cc)) throw new UsageError(`--cc takes a two-letter country code, not ${opts.cc}`);
  const limit = Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 0) throw new UsageError(`--limit takes a whole number (0: all), not ${opts.limit}`);
  const [index, names] = [(await loadRegistry({ rirDir: opts.rirDir, ianaDir: opts.ianaDir, cacheDir: opts.cacheDir })) as RegistryIndex, loadAsNamesFor(opts)];
  const all = registeredHolders(index.records).filter((h) => (!rir || h.rir === rir) && (!cc || h.cc === cc || h.other_ccs.includes(cc)));
  if (!all.length) {
    process.stderr.write(`portolan registry holders: no holder with an opaque id${rir || cc ? ' matches' : ''}: holder ids come from the delegated-extended files (standard files carry none)\n`);
  }
  const rows = (limit ? all.slice(0, limit) : all).map((h) => ({ ...h, other_ccs: undefined, name: h.first_asn !== null ? (names?.get(h.first_asn)?.name ?? null) : null }));
  process.stdout.write(render(opts.format, COLUMNS, rows));
});
