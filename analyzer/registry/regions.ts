import { RIRS, type Rir } from '../models/registry.js';

/**
 * Country → RIR service region, written by hand from the service-region lists the five RIRs
 * publish on their web sites (arin.net "ARIN region", lacnic.net "LACNIC service region",
 * afrinic.net "AFRINIC service region", apnic.net "APNIC region", ripe.net "RIPE NCC service
 * region"), checked in test/analyzer/registry/regions.test.ts against the codes each RIR uses
 * in the real delegated files. Codes that are not ISO 3166 countries:
 * - `EU` (European Union, used by RIPE NCC for pan-European holders) → ripencc;
 * - `AP` (Asia/Pacific, used by APNIC for region-wide holders) → apnic;
 * - `AN` (Netherlands Antilles, withdrawn 2010, still in old files) → lacnic;
 * - `XK` (Kosovo, user-assigned code some files use) → ripencc;
 * - `ZZ`, '' and anything unknown → null (no region).
 * Unsure entries are noted inline.
 */
export const SERVICE_REGIONS: Readonly<Record<Rir, readonly string[]>> = {
  // Africa and the Indian Ocean islands around it. TF (Kerguelen etc.) is in the Indian Ocean.
  afrinic: [
    'AO', 'BF', 'BI', 'BJ', 'BW', 'CD', 'CF', 'CG', 'CI', 'CM', 'CV', 'DJ', 'DZ', 'EG', 'EH', 'ER', 'ET', 'GA', 'GH', 'GM',
    'GN', 'GQ', 'GW', 'KE', 'KM', 'LR', 'LS', 'LY', 'MA', 'MG', 'ML', 'MR', 'MU', 'MW', 'MZ', 'NA', 'NE', 'NG', 'RE', 'RW',
    'SC', 'SD', 'SL', 'SN', 'SO', 'SS', 'ST', 'SZ', 'TD', 'TF', 'TG', 'TN', 'TZ', 'UG', 'YT', 'ZA', 'ZM', 'ZW',
  ],
  // Asia-Pacific: East, South and South-East Asia, Oceania. IO (Chagos) is served by APNIC.
  apnic: [
    'AP', 'AF', 'AS', 'AU', 'BD', 'BN', 'BT', 'CC', 'CK', 'CN', 'CX', 'FJ', 'FM', 'GU', 'HK', 'ID', 'IN', 'IO', 'JP', 'KH',
    'KI', 'KP', 'KR', 'LA', 'LK', 'MH', 'MM', 'MN', 'MO', 'MP', 'MV', 'MY', 'NC', 'NF', 'NP', 'NR', 'NU', 'NZ', 'PF', 'PG',
    'PH', 'PK', 'PN', 'PW', 'SB', 'SG', 'TH', 'TK', 'TL', 'TO', 'TV', 'TW', 'VN', 'VU', 'WF', 'WS',
  ],
  // US, Canada, the non-Latin Caribbean and North Atlantic islands, Antarctica and sub-Antarctic islands.
  arin: [
    'AG', 'AI', 'AQ', 'BB', 'BL', 'BM', 'BS', 'BV', 'CA', 'DM', 'GD', 'GP', 'HM', 'JM', 'KN', 'KY', 'LC', 'MF', 'MQ', 'MS',
    'PM', 'PR', 'SH', 'TC', 'UM', 'US', 'VC', 'VG', 'VI',
  ],
  // Latin America and the Latin/Dutch Caribbean.
  lacnic: [
    'AN', 'AR', 'AW', 'BO', 'BQ', 'BR', 'BZ', 'CL', 'CO', 'CR', 'CU', 'CW', 'DO', 'EC', 'FK', 'GF', 'GS', 'GT', 'GY', 'HN',
    'HT', 'MX', 'NI', 'PA', 'PE', 'PY', 'SR', 'SV', 'SX', 'TT', 'UY', 'VE',
  ],
  // Europe, the Middle East and Central Asia.
  ripencc: [
    'EU', 'XK', 'AD', 'AE', 'AL', 'AM', 'AT', 'AX', 'AZ', 'BA', 'BE', 'BG', 'BH', 'BY', 'CH', 'CY', 'CZ', 'DE', 'DK', 'EE',
    'ES', 'FI', 'FO', 'FR', 'GB', 'GE', 'GG', 'GI', 'GL', 'GR', 'HR', 'HU', 'IE', 'IL', 'IM', 'IQ', 'IR', 'IS', 'IT', 'JE',
    'JO', 'KG', 'KW', 'KZ', 'LB', 'LI', 'LT', 'LU', 'LV', 'MC', 'MD', 'ME', 'MK', 'MT', 'NL', 'NO', 'OM', 'PL', 'PS', 'PT',
    'QA', 'RO', 'RS', 'RU', 'SA', 'SE', 'SI', 'SJ', 'SK', 'SM', 'SY', 'TJ', 'TM', 'TR', 'UA', 'UZ', 'VA', 'YE',
  ],
};

const byCountry = new Map<string, Rir>();
for (const rir of RIRS) {
  for (const cc of SERVICE_REGIONS[rir]) {
    if (byCountry.has(cc)) throw new Error(`regions table: ${cc} listed for ${byCountry.get(cc)} and ${rir}`);
    byCountry.set(cc, rir);
  }
}

/** The RIR whose service region contains the country; null for ZZ, empty or unknown codes. */
export function regionOf(cc: string): Rir | null {
  // Codes from the files and the geo database are already upper case: no trim/upper per call.
  return byCountry.get(cc) ?? byCountry.get(cc.trim().toUpperCase()) ?? null;
}

/** The codes in a RIR's service region (including its pseudo-codes EU/AP/AN/XK). */
export function countriesOf(rir: Rir): readonly string[] {
  return SERVICE_REGIONS[rir];
}
