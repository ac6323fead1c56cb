/**
 * THE table of each RIR's rule on out-of-region use of the space it registers, with the policy
 * document, section and a verbatim quote of the rule, the disputes and open proposals about it,
 * and the date the entry was last checked. Severity (severity.ts) and the why (why.ts) read the
 * rule from here and nowhere else; `npm run docs` writes the table into the README
 * (policyTableMarkdown) and the report's method section renders policyRows().
 *
 * Summaries are ours (plain language); quotes are verbatim; follow `url` for the authoritative
 * text (for LACNIC the Spanish text is authoritative), and re-check when the RIRs change their
 * policies (then update `checked`).
 */
import type { Rir } from '../models/registry.js';

/**
 * The rule in three classes (kept from the first table, other code keys on them):
 * - `in-region-expected` (AFRINIC, LACNIC): the RIR's policy says its resources are for use in its
 *   region; `test` says how (AFRINIC: outside use only for connectivity back; LACNIC: mainly in region).
 * - `allowed-with-conditions` (ARIN): out-of-region use is allowed; the conditions (an in-region
 *   nexus) govern only using that use to justify additional resources.
 * - `no-restriction` (RIPE NCC, APNIC): no policy limits where the resources are used.
 */
export type OutOfRegionRule = 'in-region-expected' | 'allowed-with-conditions' | 'no-restriction';

/**
 * The test the rule puts on use, as Portolan applies it (assessUse):
 * - `connectivity-back` (AFRINIC): use outside the region only in support of connectivity back to
 *   the region; Portolan cannot see that purpose, and the scope is disputed for older space.
 * - `main-share` (LACNIC): mainly (more than 50% of the located addresses) in region.
 * - `allowed` (ARIN): out-of-region use alone is not a breach.
 * - `none` (RIPE NCC, APNIC): no rule.
 */
export type UseTest = 'connectivity-back' | 'main-share' | 'allowed' | 'none';

/** A dispute about the rule, or a proposal that would change it (id: the proposal's, or null). */
export interface PolicyDispute {
  id: string | null;
  text: string;
}

/** The rule quoted verbatim, or (where no rule exists) null with the absence stated instead. */
export type PolicyQuote = { quote: string; absence: null } | { quote: null; absence: string };

export type RirPolicy = PolicyQuote & {
  rir: Rir;
  /** How people write the RIR's name. */
  displayName: string;
  rule: OutOfRegionRule;
  test: UseTest;
  /** 0..1: how much out-of-region use of this RIR's space weighs in severity (see severity.ts). */
  weight: number;
  /** One plain sentence: the rule. */
  summary: string;
  /** The policy document, exactly, with version or date. */
  document: string;
  /** The section, exactly (or why there is none). */
  section: string;
  /** Document and section in a few words, for the why sentence. */
  citation: string;
  disputes: PolicyDispute[];
  url: string;
  /** When this entry was last checked against the RIR's published text (YYYY-MM-DD). */
  checked: string;
};

/**
 * AFRINIC's soft landing (CPM 5.4) phase 1 began on 2017-04-03 (the date this table uses).
 * Whether 5.4.6.2 binds space allocated before then is disputed, so records delegated before
 * that day, or with no delegation date, get `disputed` rather than `breach` (YYYYMMDD, as in the
 * delegated files).
 */
export const AFRINIC_SOFT_LANDING = '20170403';

/** LACNIC: more than this share of located addresses in the region is "mainly" in region (LAC-2019-9). */
export const LACNIC_MAIN_SHARE = 0.5;

const CHECKED = '2026-12-01';

export const RIR_POLICIES: Readonly<Record<Rir, RirPolicy>> = {
  afrinic: {
    rir: 'afrinic',
    displayName: 'AFRINIC',
    rule: 'in-region-expected',
    test: 'connectivity-back',
    weight: 1,
    summary: 'AFRINIC resources are for the AFRINIC service region; use outside it should only support connectivity back to the region.',
    document: 'AFRINIC Consolidated Policy Manual (CPM), as published at afrinic.net/policy/manual (checked 2026-12-01)',
    section: '5.4.6.2 (in 5.4 "Soft Landing")',
    citation: 'AFRINIC CPM 5.4.6.2',
    quote:
      'AFRINIC resources are for AFRINIC service region and any use outside the region should be solely in support of connectivity back to the AFRINIC region',
    absence: null,
    disputes: [
      {
        id: 'Cloud Innovation dispute',
        text:
          'Whether 5.4.6.2 binds space allocated before soft landing was argued in the Cloud Innovation dispute and was still on ' +
          "AFRINIC's policy list in 2025.",
      },
      {
        id: 'AFPUB-2026-IPv4-001',
        text: 'Under discussion: would make Soft Landing take precedence where the manual conflicts.',
      },
    ],
    url: 'https://afrinic.net/policy/manual',
    checked: CHECKED,
  },
  lacnic: {
    rir: 'lacnic',
    displayName: 'LACNIC',
    rule: 'in-region-expected',
    test: 'main-share',
    weight: 1,
    summary:
      'Resources go to organisations legally established in the region and mainly (more than 50%) serving networks there; ' +
      'external clients connected directly to in-region infrastructure are allowed.',
    document: 'LACNIC Policy Manual, current version (the Spanish text is authoritative)',
    section: '1.2 "Principles for Proper Administration and Stewardship" (1.14 in v2.14)',
    citation: 'LACNIC Policy Manual 1.2',
    // English text as LAC-2025-2 quotes the current 1.2; the Spanish text is authoritative.
    quote:
      'must be distributed among organizations legally constituted within its service region and mainly serving networks and services operating in this region',
    absence: null,
    disputes: [
      { id: 'LAC-2019-9', text: 'The proposal that defined "mainly" as more than 50%.' },
      { id: 'LAC-2025-2', text: 'Proposes to edit this wording (which organisations count as legally constituted).' },
    ],
    url: 'https://www.lacnic.net/680/2/lacnic/policy-manual',
    checked: CHECKED,
  },
  arin: {
    rir: 'arin',
    displayName: 'ARIN',
    rule: 'allowed-with-conditions',
    test: 'allowed',
    // Allowed: out-of-region use alone is not a breach. The weight stays a little above the
    // no-restriction RIRs' because ARIN's nexus (a real and substantial connection plus a minimum
    // in-region use) still applies when such use justifies additional resources, which Portolan
    // cannot see; severity caps it below 'high' whatever the share (severity.ts).
    weight: 0.4,
    summary:
      'ARIN-registered resources may be used outside the ARIN region; using that use to justify additional resources needs a ' +
      'real and substantial connection to the region and a minimum in-region use (a /22, a /44 or one ASN).',
    document: 'ARIN Number Resource Policy Manual (NRPM), current version; section 9 from ARIN-2015-5, in force since July 2016',
    section: '9. Out of Region Use',
    citation: 'ARIN NRPM section 9',
    quote: 'ARIN registered resources may be used outside the ARIN service region',
    absence: null,
    disputes: [{ id: 'ARIN-2025-3', text: 'Draft: would lower the IPv4 in-region minimum from a /22 to a /24.' }],
    url: 'https://www.arin.net/participate/policy/nrpm/#9-out-of-region-use',
    checked: CHECKED,
  },
  ripencc: {
    rir: 'ripencc',
    displayName: 'RIPE NCC',
    rule: 'no-restriction',
    test: 'none',
    weight: 0.3,
    summary: 'No RIPE policy restricts where RIPE NCC resources are used.',
    document: 'RIPE NCC IPv4 policy (ripe-733 or later) and the other RIPE policies',
    section: 'none (no section restricts use)',
    citation: 'the RIPE policies',
    quote: null,
    absence: 'No RIPE policy restricts where resources are used: there is no rule to quote.',
    disputes: [],
    url: 'https://www.ripe.net/publications/docs/ripe-policies/',
    checked: CHECKED,
  },
  apnic: {
    rir: 'apnic',
    displayName: 'APNIC',
    rule: 'no-restriction',
    test: 'none',
    weight: 0.3,
    summary:
      'APNIC policies do not restrict where resources are used; the nexus is eligibility: APNIC delegates only to organisations ' +
      'legally present, or with networks, in the region.',
    document: 'APNIC Internet Number Resource Policies (APNIC-127, the combined policy document), and APNIC membership eligibility rules',
    section: 'none in APNIC-127 (no out-of-region clause); the eligibility nexus is in the membership rules',
    citation: 'APNIC-127',
    quote: 'only to organizations, which are legally present, or have networks located in the APNIC region',
    absence: null,
    disputes: [],
    url: 'https://www.apnic.net/community/policy/resources/',
    checked: CHECKED,
  },
};

export const rirName = (rir: Rir): string => RIR_POLICIES[rir].displayName;

/**
 * What the rule says about one prefix's use:
 * - `breach`: the rule, as it applies to this space, does not allow the use the data shows
 *   (AFRINIC space delegated since soft landing used abroad; LACNIC space with 50% or less in region).
 * - `disputed`: the rule may not bind this space (AFRINIC space delegated before soft landing, or undated).
 * - `allowed`: the rule allows the use (ARIN).
 * - `unrestricted`: no rule (RIPE NCC, APNIC).
 * - `compliant`: the use meets the rule (nothing abroad; LACNIC with more than 50% in region).
 */
export type PolicyStatus = 'breach' | 'disputed' | 'allowed' | 'unrestricted' | 'compliant';

export interface UseFacts {
  /** Share of located addresses outside the RIR's region. */
  shareAbroad: number;
  /** Share of located addresses in the RIR's region; default 1 - shareAbroad. */
  regionShare?: number;
  /** Delegation date of the registration record(s), YYYYMMDD; null or undefined when unknown. */
  delegated?: string | null;
}

export function assessUse(rir: Rir, facts: UseFacts): PolicyStatus {
  const test = RIR_POLICIES[rir].test;
  if (test === 'none') return 'unrestricted';
  if (test === 'main-share') {
    // "Mainly" is more than 50% in region: exactly half, or less, is not.
    const inRegion = facts.regionShare ?? 1 - facts.shareAbroad;
    return inRegion > LACNIC_MAIN_SHARE ? 'compliant' : 'breach';
  }
  if (facts.shareAbroad <= 0) return 'compliant';
  if (test === 'allowed') return 'allowed';
  // connectivity-back: Portolan cannot see whether the use supports connectivity back to
  // the region; for space delegated before soft landing (or undated) the scope itself is disputed.
  return facts.delegated && facts.delegated >= AFRINIC_SOFT_LANDING ? 'breach' : 'disputed';
}

/** The rule in a few words, by its test. */
export const RULE_LABELS: Record<UseTest, string> = {
  'connectivity-back': 'use outside the region only in support of connectivity back to it',
  'main-share': 'mainly (more than 50%) used in region',
  allowed: 'allowed',
  none: 'no restriction',
};

/** One row of the table as plain data (for the README and the HTML report's method section). */
export interface PolicyRow {
  rir: Rir;
  name: string;
  rule: OutOfRegionRule;
  test: UseTest;
  ruleLabel: string;
  summary: string;
  document: string;
  section: string;
  quote: string | null;
  /** When quote is null: the statement that no rule exists. */
  absence: string | null;
  disputes: PolicyDispute[];
  url: string;
  checked: string;
}

/** The rows in the README's order (the RIRs with a rule first). */
const ROW_ORDER: Rir[] = ['afrinic', 'lacnic', 'arin', 'ripencc', 'apnic'];

export function policyRows(): PolicyRow[] {
  return ROW_ORDER.map((rir) => {
    const p = RIR_POLICIES[rir];
    return {
      rir,
      name: p.displayName,
      rule: p.rule,
      test: p.test,
      ruleLabel: RULE_LABELS[p.test],
      summary: p.summary,
      document: p.document,
      section: p.section,
      quote: p.quote,
      absence: p.absence,
      disputes: p.disputes.map((d) => ({ ...d })),
      url: p.url,
      checked: p.checked,
    };
  });
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The table as Markdown (the README's cited policy table). */
export function policyTableMarkdown(): string {
  const out = [
    '| RIR | rule on out-of-region use | source | the rule, quoted | disputes and proposals | checked |',
    '|---|---|---|---|---|---|',
  ];
  for (const r of policyRows()) {
    const source = `[${r.document}](${r.url}), section ${r.section}`;
    const quote = r.quote !== null ? `"${r.quote}"` : `(no quote) ${r.absence}`;
    const disputes = r.disputes.length ? r.disputes.map((d) => (d.id ? `${d.id}: ${d.text}` : d.text)).join(' ') : 'none known';
    out.push(`| ${r.name} | ${cell(`${r.ruleLabel}. ${r.summary}`)} | ${cell(source)} | ${cell(quote)} | ${cell(disputes)} | ${r.checked} |`);
  }
  return `${out.join('\n')}\n`;
}

export const POLICY_BEGIN = '<!-- policy:begin (generated by `npm run docs` from analyzer/classify/policy.ts) -->';
export const POLICY_END = '<!-- policy:end -->';

/** The README with its policy table section replaced by the current one. */
export function withPolicySection(readme: string): string {
  const begin = readme.indexOf(POLICY_BEGIN);
  const end = readme.indexOf(POLICY_END);
  if (begin < 0 || end < begin) throw new Error(`README has no ${POLICY_BEGIN} … ${POLICY_END} section`);
  return `${readme.slice(0, begin + POLICY_BEGIN.length)}\n\n${policyTableMarkdown()}\n${readme.slice(end)}`;
}
