import { describe, expect, it } from 'vitest';
import { coveredSpace, holderRecords, registeredHolders } from '../../../analyzer/registry/holders.js';
import type { DelegationRecord } from '../../../analyzer/models/registry.js';

const rec = (p: Partial<DelegationRecord>): DelegationRecord => ({ rir: 'afrinic', cc: 'SC', type: 'ipv4', start: '41.1.0.0', value: 65536, date: '20100101', status: 'allocated', opaqueId: 'AF-SC-1', ...p });

describe('registered holders', () => {
  it('groups delegated records by RIR and opaque id: space by family, ASNs, the majority country, dates', () => {
    const list = registeredHolders([
      rec({}),
      rec({ start: '41.2.0.0', date: '20120101' }),
      rec({ type: 'ipv6', start: '2c0f:f000::', value: 32, cc: 'HK' }),
      rec({ type: 'asn', start: '37100', value: 2 }),
      rec({ type: 'asn', start: '36900', value: 1 }),
      rec({ opaqueId: 'AF-ZA-1', cc: 'ZA', start: '41.0.0.0', value: 1024 }),
      // The same id at another RIR is another holder; free rows and rows without an id are no holder's.
      rec({ rir: 'apnic', opaqueId: 'AF-SC-1', cc: 'CN', start: '27.0.0.0', value: 256 }),
      rec({ status: 'available', opaqueId: null, start: '41.3.0.0' }),
      rec({ opaqueId: null, start: '41.4.0.0' }),
    ]);
    expect(list.map((h) => `${h.rir}/${h.holder_id}`)).toEqual(['afrinic/AF-SC-1', 'afrinic/AF-ZA-1', 'apnic/AF-SC-1']);
    expect(list[0]).toEqual({
      holder_id: 'AF-SC-1',
      rir: 'afrinic',
      cc: 'SC',
      other_ccs: ['HK'],
      records: 5,
      ipv4_addresses: 131072,
      ipv6_48s: 65536,
      asns: 3,
      first_asn: 36900,
      first_date: '20100101',
      last_date: '20120101',
    });
    expect(holderRecords([rec({}), rec({ rir: 'apnic' })], 'afrinic', 'AF-SC-1')).toHaveLength(1);
  });

  it('covered space counts each address once across overlapping prefixes, and skips malformed ones', () => {
    expect(coveredSpace(['41.1.0.0/16', '41.1.0.0/17', '41.1.128.0/24', '41.2.0.0/24', '2c0f:f000::/32', '2c0f:f000:1::/48', 'nonsense'])).toEqual({
      ipv4_addresses: 65536 + 256,
      ipv6_48s: 65536,
      skipped: 1,
    });
    expect(coveredSpace([])).toEqual({ ipv4_addresses: 0, ipv6_48s: 0, skipped: 0 });
  });
});
