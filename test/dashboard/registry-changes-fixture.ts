import type { RegistryChange } from '../../analyzer/models/registry.js';

/** A change event with defaults; `over` sets what the test cares about. */
export const change = (over: Partial<RegistryChange> & Pick<RegistryChange, 'kind' | 'family' | 'start' | 'end' | 'addresses'>): RegistryChange => ({
  from_rir: null,
  to_rir: null,
  from_cc: null,
  to_cc: null,
  from_status: 'allocated',
  to_status: 'allocated',
  from_holder: null,
  to_holder: null,
  from_reg_date: null,
  to_reg_date: null,
  from_file_date: null,
  to_file_date: null,
  transfer: null,
  transfer_date: null,
  transfer_type: null,
  ...over,
});

/** Two stored diffs: 2022-12-01 → 2023-01-05 and 2023-01-05 → 2024-01-05. */
export const DIFF_2023: RegistryChange[] = [
  // 192.0.2.0 – 192.0.3.255 is a /23; 198.51.100.0 – 198.51.100.191 is a /25 + a /26.
  change({ kind: 'moved', family: 'ipv4', start: '198.51.100.0', end: '198.51.100.191', addresses: 192, from_rir: 'arin', to_rir: 'apnic', from_cc: 'US', to_cc: 'HK', transfer: 'logged', transfer_date: '2022-12-20', transfer_type: 'RESOURCE_TRANSFER' }),
  change({ kind: 'moved', family: 'ipv4', start: '203.0.113.0', end: '203.0.113.255', addresses: 256, from_rir: 'apnic', to_rir: 'ripencc', from_cc: 'AU', to_cc: 'DE', transfer: 'unlogged' }),
  change({ kind: 'added', family: 'ipv4', start: '192.0.2.0', end: '192.0.3.255', addresses: 512, to_rir: 'ripencc', to_cc: 'NL', from_status: 'available' }),
  change({ kind: 'cc-changed', family: 'ipv6', start: '2001:db8::', end: '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', addresses: 65536, from_rir: 'ripencc', to_rir: 'ripencc', from_cc: 'DE', to_cc: 'FR' }),
  change({ kind: 'removed', family: 'asn', start: '64500', end: '64501', addresses: 2, from_rir: 'lacnic', from_cc: 'BR', to_status: 'available' }),
];
export const DIFF_2024: RegistryChange[] = [
  change({ kind: 'moved', family: 'ipv4', start: '100.64.0.0', end: '100.64.3.255', addresses: 1024, from_rir: 'ripencc', to_rir: 'apnic', from_cc: 'NL', to_cc: 'SG', transfer: 'unlogged' }),
  change({ kind: 'moved', family: 'ipv4', start: '100.65.0.0', end: '100.65.0.255', addresses: 256, from_rir: 'apnic', to_rir: 'arin', from_cc: 'JP', to_cc: 'US', transfer: 'logged', transfer_date: '2023-06-01', transfer_type: 'RESOURCE_TRANSFER' }),
  change({ kind: 'holder-changed', family: 'ipv4', start: '100.66.0.0', end: '100.66.0.255', addresses: 256, from_rir: 'afrinic', to_rir: 'afrinic', from_cc: 'ZA', to_cc: 'ZA', from_holder: 'F-1', to_holder: 'F-2', transfer: 'unlogged' }),
];
