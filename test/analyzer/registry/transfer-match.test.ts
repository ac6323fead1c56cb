/** Transfer logs in the published NRO format explain moved / holder-changed events; one transfer in two RIRs' logs counts once. */
import { describe, expect, it } from 'vitest';
import { parseDelegatedText } from '../../../analyzer/registry/delegated-parser.js';
import { diffRegistries, type DiffSide } from '../../../analyzer/registry/diff.js';
import { parseTransferLogText } from '../../../analyzer/registry/transfer-log.js';

const file = (rir: string, date: string, lines: string[]) => ({
  rir: rir as 'arin',
  date,
  records: parseDelegatedText([`2.3|${rir}|${date.replace(/-/g, '')}|${lines.length}|19850101|${date.replace(/-/g, '')}|+0000`, ...lines].join('\n')).records,
});

/** A log as the RIRs publish it (transfers_latest.json). */
function log(production: string, transfers: object[]): string {
  return JSON.stringify({ version: { stats_version: '1.0', production_date: `${production}T00:00:00Z` }, transfers });
}
const interRir = {
  type: 'RESOURCE_TRANSFER',
  transfer_date: '2020-06-15T04:00:00Z',
  source_rir: 'ARIN',
  recipient_rir: 'APNIC',
  source_organization: { name: 'Seller Inc', country_code: 'US' },
  recipient_organization: { name: 'Buyer Pte', country_code: 'SG' },
  ip4nets: { original_set: [{ start_address: '23.0.0.0', end_address: '23.0.3.255' }], transfer_set: [{ start_address: '23.0.0.0', end_address: '23.0.1.255' }] },
};
const merger = {
  type: 'MERGER_ACQUISITION',
  transfer_date: '2020-03-01T00:00:00Z',
  source_rir: 'APNIC',
  recipient_rir: 'APNIC',
  ip4nets: { transfer_set: [{ start_address: '1.0.0.0', end_address: '1.0.0.255' }] },
  asns: { transfer_set: [{ start_as_number: 64500, end_as_number: 64500 }] },
};
const tooEarly = { ...interRir, transfer_date: '2018-01-01T00:00:00Z', ip4nets: { transfer_set: [{ start_address: '23.0.2.0', end_address: '23.0.2.255' }] } };

describe('transfer-log matching', () => {
  const from: DiffSide = {
    label: '2020-01-01',
    files: [
      file('arin', '2020-01-01', ['arin|US|ipv4|23.0.0.0|1024|20100101|allocated|a1']),
      file('apnic', '2020-01-01', ['apnic|AU|ipv4|1.0.0.0|256|20110101|assigned|H1', 'apnic|AU|asn|64500|2|20110101|assigned|H1', 'apnic|AU|ipv4|1.0.1.0|256|20110101|assigned|H3']),
    ],
  };
  const to: DiffSide = {
    label: '2021-01-01',
    files: [
      file('arin', '2021-01-01', []),
      file('apnic', '2021-01-01', [
        'apnic|SG|ipv4|23.0.0.0|1024|20200615|allocated|H2',
        'apnic|AU|ipv4|1.0.0.0|256|20110101|assigned|H9',
        'apnic|AU|asn|64500|2|20110101|assigned|H9',
        'apnic|AU|ipv4|1.0.1.0|256|20110101|assigned|H4',
      ]),
    ],
    // ARIN and APNIC both report the inter-RIR transfer.
    transfers: [...parseTransferLogText(log('2021-01-01', [interRir, tooEarly]), 'arin.json'), ...parseTransferLogText(log('2021-01-01', [interRir, merger]), 'apnic.json')],
  };
  const r = diffRegistries(from, to);
  const pick = (kind: string) => r.events.filter((e) => e.kind === kind).map((e) => [e.family, e.start, e.end, e.transfer, e.transfer_date, e.transfer_type]);

  it('a moved range is cut where the logged transfer ends; the logged part carries its date and type', () => {
    expect(pick('moved')).toEqual([
      ['ipv4', '23.0.0.0', '23.0.1.255', 'logged', '2020-06-15', 'RESOURCE_TRANSFER'],
      // 23.0.2.0/24's log entry predates the "from" file: it does not explain this change.
      ['ipv4', '23.0.2.0', '23.0.3.255', 'unlogged', null, null],
    ]);
  });

  it('holder changes within one RIR are explained by its intra-RIR entries (merger), others are unlogged', () => {
    expect(pick('holder-changed')).toEqual([
      ['ipv4', '1.0.0.0', '1.0.0.255', 'logged', '2020-03-01', 'MERGER_ACQUISITION'],
      ['ipv4', '1.0.1.0', '1.0.1.255', 'unlogged', null, null],
      ['asn', '64500', '64500', 'logged', '2020-03-01', 'MERGER_ACQUISITION'],
      ['asn', '64501', '64501', 'unlogged', null, null],
    ]);
  });

  it('a transfer reported by both RIRs counts once', () => {
    // interRir (twice: once), tooEarly, merger's IPv4 and ASN ranges
    expect(r.transfers.entries).toBe(4);
    expect(r.transfers.matched).toBe(3);
  });

  it('other kinds carry no transfer fields', () => {
    for (const e of r.events.filter((x) => x.kind !== 'moved' && x.kind !== 'holder-changed')) expect(e.transfer).toBeNull();
  });
});
