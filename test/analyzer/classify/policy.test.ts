/**
 * The cited RIR policy table (issue 20): each entry quotes its rule and section exactly, and
 * severity and the why follow the rule as it is, at its thresholds: AFRINIC before/after soft
 * landing, LACNIC at 49% and 51% in region, ARIN allowed, RIPE NCC and APNIC unrestricted.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createClassifier, type Classifier } from '../../../analyzer/classify/index.js';
import {
  AFRINIC_SOFT_LANDING,
  assessUse,
  POLICY_BEGIN,
  POLICY_END,
  policyRows,
  policyTableMarkdown,
  RIR_POLICIES,
  withPolicySection,
} from '../../../analyzer/classify/policy.js';
import { NO_BREACH_CAP, severityOf, severityScore, type SeverityInput } from '../../../analyzer/classify/severity.js';
import { openGeo } from '../../../analyzer/geo/index.js';
import { loadRegistry } from '../../../analyzer/registry/index.js';
import { writeMmdb, type MmdbNetwork } from '../../helpers/mmdb-writer.js';
import { makeTmpDir } from '../../helpers/tmp.js';

describe('the cited policy table', () => {
  it('quotes each rule and section exactly', () => {
    expect(RIR_POLICIES.afrinic).toMatchObject({
      rule: 'in-region-expected',
      test: 'connectivity-back',
      section: '5.4.6.2 (in 5.4 "Soft Landing")',
      quote:
        'AFRINIC resources are for AFRINIC service region and any use outside the region should be solely in support of connectivity back to the AFRINIC region',
    });
    expect(RIR_POLICIES.lacnic).toMatchObject({
      rule: 'in-region-expected',
      test: 'main-share',
      section: '1.2 "Principles for Proper Administration and Stewardship" (1.14 in v2.14)',
      quote:
        'must be distributed among organizations legally constituted within its service region and mainly serving networks and services operating in this region',
    });
    expect(RIR_POLICIES.arin).toMatchObject({
      rule: 'allowed-with-conditions',
      test: 'allowed',
      section: '9. Out of Region Use',
      quote: 'ARIN registered resources may be used outside the ARIN service region',
    });
    expect(RIR_POLICIES.ripencc).toMatchObject({
      rule: 'no-restriction',
      test: 'none',
      document: 'RIPE NCC IPv4 policy (ripe-733 or later) and the other RIPE policies',
      section: 'none (no section restricts use)',
      quote: null,
      absence: 'No RIPE policy restricts where resources are used: there is no rule to quote.',
    });
    expect(RIR_POLICIES.apnic).toMatchObject({
      rule: 'no-restriction',
      test: 'none',
      section: 'none in APNIC-127 (no out-of-region clause); the eligibility nexus is in the membership rules',
      quote: 'only to organizations, which are legally present, or have networks located in the APNIC region',
    });
  });

  it('drops the wrong citations of the old table and names the right ones', () => {
    const all = JSON.stringify(RIR_POLICIES);
    expect(all).not.toContain('2.3.2.18');
    expect(all).not.toContain('ARIN-2014-1');
    expect(all).not.toContain('ripe-592');
    expect(all).not.toContain('1.1 Scope');
    expect(RIR_POLICIES.arin.document).toContain('ARIN-2015-5, in force since July 2016');
    expect(RIR_POLICIES.apnic.document).toContain('APNIC-127');
    expect(RIR_POLICIES.lacnic.document).toContain('Spanish text is authoritative');
  });

  it('lists the disputes and open proposals by id, and when each entry was checked', () => {
    const ids = (rir: keyof typeof RIR_POLICIES) => RIR_POLICIES[rir].disputes.map((d) => d.id);
    expect(ids('afrinic')).toEqual(['Cloud Innovation dispute', 'AFPUB-2026-IPv4-001']);
    expect(ids('lacnic')).toEqual(['LAC-2019-9', 'LAC-2025-2']);
    expect(ids('arin')).toEqual(['ARIN-2025-3']);
    expect(ids('ripencc')).toEqual([]);
    expect(ids('apnic')).toEqual([]);
    expect(RIR_POLICIES.arin.disputes[0].text).toContain('/24');
    for (const p of Object.values(RIR_POLICIES)) {
      expect(p.checked).toBe('2026-12-01');
      expect(p.url).toMatch(/^https:\/\//);
      // Exactly one of a quote or a stated absence.
      expect((p.quote === null) !== (p.absence === null)).toBe(true);
    }
  });

  it('renders as plain rows and as the README Markdown table', () => {
    const rows = policyRows();
    expect(rows.map((r) => r.rir)).toEqual(['afrinic', 'lacnic', 'arin', 'ripencc', 'apnic']);
    expect(rows[3]).toMatchObject({ name: 'RIPE NCC', quote: null, ruleLabel: 'no restriction' });
    // Plain data: a caller changing a row does not change the table.
    rows[0].disputes.length = 0;
    expect(RIR_POLICIES.afrinic.disputes).toHaveLength(2);

    const md = policyTableMarkdown();
    const lines = md.trim().split('\n');
    expect(lines).toHaveLength(2 + 5);
    expect(lines[2]).toMatch(/^\| AFRINIC \| use outside the region only in support of connectivity back to it\. /);
    expect(md).toContain(`"${RIR_POLICIES.afrinic.quote}"`);
    expect(md).toContain(`"${RIR_POLICIES.arin.quote}"`);
    expect(md).toContain(`(no quote) ${RIR_POLICIES.ripencc.absence}`);
    expect(md).toContain('AFPUB-2026-IPv4-001: Under discussion');
    expect(md).toContain(`](${RIR_POLICIES.lacnic.url}), section 1.2 "Principles for Proper Administration and Stewardship" (1.14 in v2.14) |`);
    // Every row has the same number of cells (no unescaped pipe in the text).
    for (const l of lines) expect(l.replace(/\\\|/g, '').split('|').length).toBe(8);

    const readme = `intro\n${POLICY_BEGIN}\nold table\n${POLICY_END}\nrest\n`;
    expect(withPolicySection(readme)).toBe(`intro\n${POLICY_BEGIN}\n\n${md}\n${POLICY_END}\nrest\n`);
    expect(() => withPolicySection('no markers')).toThrow(/policy:begin/);
  });
});

const geoInput = (over: Partial<SeverityInput>): SeverityInput => ({
  kinds: ['geo-out-of-region'],
  geoSubkind: 'abroad-as-registered',
  prefixRir: 'afrinic',
  shareAbroad: 1,
  announced: true,
  ...over,
});

describe('severity follows each rule at its threshold', () => {
  it('AFRINIC: a breach from soft landing (2017-04-03) on; before it, or undated, disputed and capped at medium', () => {
    expect(AFRINIC_SOFT_LANDING).toBe('20170403');
    expect(assessUse('afrinic', { shareAbroad: 1, delegated: '20170403' })).toBe('breach');
    expect(assessUse('afrinic', { shareAbroad: 1, delegated: '20170402' })).toBe('disputed');
    expect(assessUse('afrinic', { shareAbroad: 1, delegated: null })).toBe('disputed');
    expect(severityOf(geoInput({ delegated: '20170403' }))).toBe('high');
    expect(severityOf(geoInput({ delegated: '20170402' }))).toBe('medium');
    expect(severityOf(geoInput({ delegated: null }))).toBe('medium');
    // Not even a foreign origin and an inconsistent holder make disputed space a breach.
    const corroborated = geoInput({ delegated: '20100101', kinds: ['geo-out-of-region', 'origin-out-of-region'], geoSubkind: 'abroad-inconsistent' });
    expect(severityScore(corroborated)).toBe(NO_BREACH_CAP);
    expect(severityOf(corroborated)).toBe('medium');
    expect(severityOf({ ...corroborated, delegated: '20180101' })).toBe('high');
  });

  it('LACNIC: more than 50% in region meets the rule; 50% or less is a breach whatever the share abroad', () => {
    const lacnic = (regionShare: number) => geoInput({ prefixRir: 'lacnic', regionShare, shareAbroad: 1 - regionShare });
    expect(assessUse('lacnic', { shareAbroad: 0.49, regionShare: 0.51 })).toBe('compliant');
    expect(assessUse('lacnic', { shareAbroad: 0.5, regionShare: 0.5 })).toBe('breach');
    expect(severityOf(lacnic(0.51))).toBe('info');
    expect(severityOf(lacnic(0.49))).toBe('high');
    expect(severityOf(lacnic(0.5))).toBe('high');
    // Unlike AFRINIC's weight x share, the threshold itself is the breach: 51% abroad is no less one than 100%.
    expect(severityOf(lacnic(0))).toBe('high');
    expect(severityOf(geoInput({ shareAbroad: 0.51, delegated: '20180101' }))).toBe('medium');
  });

  it('ARIN allows out-of-region use: low alone, never high', () => {
    expect(assessUse('arin', { shareAbroad: 1 })).toBe('allowed');
    expect(severityOf(geoInput({ prefixRir: 'arin' }))).toBe('low');
    const corroborated = geoInput({ prefixRir: 'arin', kinds: ['geo-out-of-region', 'origin-out-of-region'], geoSubkind: 'abroad-inconsistent' });
    expect(severityOf(corroborated)).toBe('medium');
    expect(severityScore(corroborated)).toBeLessThan(0.75);
  });

  it('RIPE NCC and APNIC: no restriction, below ARIN for the same use', () => {
    for (const rir of ['ripencc', 'apnic'] as const) {
      expect(assessUse(rir, { shareAbroad: 1 })).toBe('unrestricted');
      expect(severityOf(geoInput({ prefixRir: rir }))).toBe('low');
      expect(severityScore(geoInput({ prefixRir: rir }))).toBeLessThan(severityScore(geoInput({ prefixRir: 'arin' })));
    }
  });
});

/** Aligned CIDRs covering `count` addresses from the dotted quad `start`. */
function cidrs(start: string, count: number): string[] {
  let n = start.split('.').reduce((a, o) => a * 256 + Number(o), 0);
  const out: string[] = [];
  while (count > 0) {
    let size = 1;
    while (n % (size * 2) === 0 && size * 2 <= count) size *= 2;
    out.push(`${[24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.')}/${32 - Math.log2(size)}`);
    n += size;
    count -= size;
  }
  return out;
}

const delegated = (rir: string, rows: string[]): string =>
  [`2.3|${rir}|20261201|${rows.length}|19870101|20261201|+0000`, `${rir}|*|ipv4|*|${rows.length}|summary`, ...rows.map((r) => `${rir}|${r}`), ''].join('\n');

/** One prefix per case, each geolocated as its name says. */
const FILES: Record<string, string> = {
  'delegated-afrinic-extended-latest': delegated('afrinic', [
    'ZA|ipv4|41.10.0.0|65536|20100101|allocated|AF1', // before soft landing, used in HK
    'ZA|ipv4|41.11.0.0|65536|20180601|allocated|AF1', // after soft landing, used in HK
    'ZA|ipv4|41.12.0.0|65536||allocated|AF1', // no date, used in HK
    'ZA|asn|37000|1|20100101|assigned|AF1',
  ]),
  'delegated-lacnic-extended-latest': delegated('lacnic', [
    'BR|ipv4|200.10.0.0|256|20100101|allocated|LA1', // 51% in BR, 49% in US
    'BR|ipv4|200.11.0.0|256|20100101|allocated|LA1', // 49% in BR, 51% in US
  ]),
  'delegated-arin-extended-latest': delegated('arin', ['US|ipv4|23.10.0.0|65536|20100101|allocated|AR1']),
  'delegated-ripencc-extended-latest': delegated('ripencc', ['NL|ipv4|185.10.0.0|65536|20120101|allocated|RI1']),
  'delegated-apnic-extended-latest': delegated('apnic', ['AU|ipv4|1.10.0.0|65536|20120101|allocated|AP1']),
};

const at = (cc: string) => (prefix: string): MmdbNetwork => ({ prefix, data: { country_code: cc } });
const NETWORKS: MmdbNetwork[] = [
  ...['41.10.0.0/16', '41.11.0.0/16', '41.12.0.0/16', '23.10.0.0/16', '185.10.0.0/16'].map(at('HK')),
  at('US')('1.10.0.0/16'),
  // 130 of 256 addresses (50.8%) in region, then 126 (49.2%).
  ...cidrs('200.10.0.0', 130).map(at('BR')),
  ...cidrs('200.10.0.130', 126).map(at('US')),
  ...cidrs('200.11.0.0', 126).map(at('BR')),
  ...cidrs('200.11.0.126', 130).map(at('US')),
];

describe('classifier findings carry the rule: severity and a why citing document, section and source', () => {
  let classifier: Classifier;
  beforeAll(async () => {
    const dir = makeTmpDir('classify-policy');
    const files = Object.entries(FILES).map(([name, text]) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    });
    writeFileSync(join(dir, 'geo.mmdb'), writeMmdb(NETWORKS, { ipVersion: 6, recordSize: 24 }));
    classifier = createClassifier({ registry: await loadRegistry({ files }), geo: await openGeo(join(dir, 'geo.mmdb')) });
  });
  const classify = (prefix: string) => classifier.classify({ prefix, originAsns: [37000], time: 1_800_000_000, visibility: 20 });

  it('AFRINIC before soft landing: scope disputed, no breach claimed; after it: high', () => {
    const before = classify('41.10.0.0/16');
    expect(before.kinds[0]).toBe('geo-out-of-region');
    expect(before.severity).toBe('medium');
    expect(before.why).toBe(
      '41.10.0.0/16 is registered with AFRINIC to a holder in ZA; 100% of its geolocated addresses are in HK (APNIC region); ' +
        'AFRINIC CPM 5.4.6.2 expects use outside the region only in support of connectivity back to it ' +
        '(scope disputed for space allocated before soft landing on 2017-04-03, as this was in 2010), see https://afrinic.net/policy/manual; ' +
        'origin AS37000 is registered with AFRINIC.',
    );
    const undated = classify('41.12.0.0/16');
    expect(undated.severity).toBe('medium');
    expect(undated.why).toContain('(scope disputed for space allocated before soft landing on 2017-04-03, and this record has no date)');

    const after = classify('41.11.0.0/16');
    expect(after.severity).toBe('high');
    expect(after.why).toContain(
      '; AFRINIC CPM 5.4.6.2 expects use outside the region only in support of connectivity back to it (which the routing data cannot show), see https://afrinic.net/policy/manual;',
    );
    expect(after.why).not.toContain('disputed');
  });

  it('LACNIC at 51% in region: no finding; at 49%: a breach, citing Policy Manual 1.2', () => {
    const compliant = classify('200.10.0.0/24');
    expect(compliant.shareAbroad).toBeCloseTo(126 / 256, 9);
    expect(compliant.kinds).toEqual(['origin-out-of-region']);
    expect(compliant.severity).toBe('low'); // the foreign origin alone, not the use
    expect(compliant.why).not.toContain('LACNIC Policy Manual');

    const breach = classify('200.11.0.0/24');
    expect(breach.shareAbroad).toBeCloseTo(130 / 256, 9);
    expect(breach.kinds).toEqual(['geo-out-of-region', 'origin-out-of-region']);
    expect(breach.severity).toBe('high');
    expect(breach.why).toContain(
      '; LACNIC Policy Manual 1.2 expects resources mainly (more than 50%) serving networks in the region, and only 49% of its located addresses are in it, see https://www.lacnic.net/680/2/lacnic/policy-manual;',
    );
    // The registry lookup (no origin, no visibility) says the same.
    expect(classifier.describePrefix('200.11.0.0/24').severity).toBe('high');
    expect(classifier.describePrefix('200.10.0.0/24').severity).toBe('none');
  });

  it('ARIN: allowed, low; RIPE NCC and APNIC: no restriction, low', () => {
    const arin = classifier.describePrefix('23.10.0.0/16');
    expect(arin.severity).toBe('low');
    expect(arin.why).toContain(
      '; ARIN NRPM section 9 allows use outside the ARIN service region, see https://www.arin.net/participate/policy/nrpm/#9-out-of-region-use.',
    );
    const ripe = classifier.describePrefix('185.10.0.0/16');
    expect(ripe.severity).toBe('low');
    expect(ripe.why).toContain('; no RIPE NCC policy restricts use outside the region (none in the RIPE policies), see https://www.ripe.net/publications/docs/ripe-policies/.');
    const apnic = classifier.describePrefix('1.10.0.0/16');
    expect(apnic.severity).toBe('low');
    expect(apnic.why).toContain('; no APNIC policy restricts use outside the region (none in APNIC-127), see https://www.apnic.net/community/policy/resources/.');
  });
});
