/**
 * THE table of each RIR's rule on out-of-region use of the space it registers, with the policy
 * document and section it comes from. Severity reads `weight` from here and nowhere else.
 * Summaries are ours (paraphrased); follow `url` for the authoritative text, and re-check when
 * the RIRs change their policies.
 */
import type { Rir } from '../models/registry.js';

/**
 * - `in-region-expected`: the RIR's policy says its resources are for use in its region.
 * - `allowed-with-conditions`: out-of-region use is allowed, with an in-region nexus required.
 * - `no-restriction`: no policy limits where the resources are used.
 */
export type OutOfRegionRule = 'in-region-expected' | 'allowed-with-conditions' | 'no-restriction';

export interface RirPolicy {
  rir: Rir;
  /** How people write the RIR's name. */
  displayName: string;
  rule: OutOfRegionRule;
  /** 0..1: how much out-of-region use of this RIR's space weighs in severity. */
  weight: number;
  document: string;
  section: string;
  summary: string;
  url: string;
}

export const RIR_POLICIES: Readonly<Record<Rir, RirPolicy>> = {
  afrinic: {
    rir: 'afrinic',
    displayName: 'AFRINIC',
    rule: 'in-region-expected',
    weight: 1,
    document: 'AFRINIC Consolidated Policy Manual (CPM)',
    section: '5.4.6.2 (in 5.4 Soft Landing)',
    summary:
      'AFRINIC resources are for the AFRINIC service region; use outside it should only support connectivity back to the region. ' +
      '(Whether 5.4.6.2 binds space delegated before the exhaustion phase was disputed in 2021.)',
    url: 'https://afrinic.net/policy/manual',
  },
  lacnic: {
    rir: 'lacnic',
    displayName: 'LACNIC',
    rule: 'in-region-expected',
    weight: 1,
    document: 'LACNIC Policy Manual',
    section: '2.3.2.18 (IPv4 transfers; the in-region use condition LACNIC staff describe as the 50% rule) — section number to re-check against the current manual',
    summary:
      'Resources are delegated for networks in Latin America and the Caribbean; LACNIC expects most of the space (at least half) to be used in region.',
    url: 'https://www.lacnic.net/680/2/lacnic/policy-manual',
  },
  arin: {
    rir: 'arin',
    displayName: 'ARIN',
    rule: 'allowed-with-conditions',
    weight: 0.6,
    document: 'ARIN Number Resource Policy Manual (NRPM)',
    section: '9. Out of Region Use (adopted from ARIN-2014-1)',
    summary:
      'ARIN-registered resources may be used outside the ARIN region and such use can justify more resources, if the holder has a real ' +
      'and substantial connection to the region and uses a minimum in region (IPv4: a /22).',
    url: 'https://www.arin.net/participate/policy/nrpm/#9-out-of-region-use',
  },
  ripencc: {
    rir: 'ripencc',
    displayName: 'RIPE NCC',
    rule: 'no-restriction',
    weight: 0.3,
    document: 'IPv4 Address Allocation and Assignment Policies for the RIPE NCC Service Region (ripe-592 and later versions)',
    section: '1.1 Scope (the policy covers space the RIPE NCC allocates; no section restricts where it is used)',
    summary: 'No RIPE policy restricts use outside the service region; holders need a presence in the region to become members, not to use space.',
    url: 'https://www.ripe.net/publications/docs/ripe-policies/',
  },
  apnic: {
    rir: 'apnic',
    displayName: 'APNIC',
    rule: 'no-restriction',
    weight: 0.3,
    document: 'APNIC Internet Number Resource Policies (APNIC-127); APNIC Secretariat statement on apnic-talk',
    section: 'APNIC-127 has no out-of-region section; APNIC delegates only to organisations legally present or with networks in the region',
    summary:
      'APNIC has no out-of-region usage policy: members located in the region may use their resources anywhere; members located ' +
      'outside the region are expected to use them in the region.',
    url: 'https://www.apnic.net/community/policy/resources/',
  },
};

export const rirName = (rir: Rir): string => RIR_POLICIES[rir].displayName;
