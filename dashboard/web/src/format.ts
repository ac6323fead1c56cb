/** Numbers and times formatted for people. */

const UNITS: Array<[number, string]> = [
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
];

/** 1234567 → "1.2 M"; small numbers as they are, with thousands separators. */
export function compact(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  const abs = Math.abs(n);
  if (abs >= 1e15) return n.toExponential(1);
  for (const [size, unit] of UNITS) if (abs >= size) return `${(n / size).toFixed(abs / size >= 100 ? 0 : 1)} ${unit}`;
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toFixed(1);
}

export const integer = (n: number | null | undefined): string => (n === null || n === undefined ? '–' : Math.round(n).toLocaleString('en-US'));

/** IPv4 addresses with their /16 (or /24) equivalents: "1.2 M addresses (≈ 18.3 /16)". */
export function addresses(n: number | null | undefined, family: 4 | 6 = 4): string {
  if (n === null || n === undefined) return '–';
  if (family === 6) return `${compact(n / 2 ** 80)} /48s`;
  if (n >= 65536) return `${compact(n)} addresses (≈ ${(n / 65536).toFixed(n >= 6553600 ? 0 : 1)} /16)`;
  if (n >= 256) return `${compact(n)} addresses (≈ ${(n / 256).toFixed(n >= 25600 ? 0 : 1)} /24)`;
  return `${integer(n)} addresses`;
}

/** Short form for table cells and the map legend. */
export function addressesShort(n: number | null | undefined): string {
  if (n === null || n === undefined) return '–';
  if (n >= 65536) return `${compact(n)} (${compact(n / 65536)} /16)`;
  return compact(n);
}

export const percent = (share: number | null | undefined): string => (share === null || share === undefined ? '–' : `${(share * 100).toFixed(share < 0.1 ? 1 : 0)} %`);

export function time(seconds: number | string | null | undefined): string {
  if (seconds === null || seconds === undefined || seconds === '') return '–';
  const n = typeof seconds === 'string' ? (/^\d+(\.\d+)?$/.test(seconds) ? Number(seconds) : Date.parse(seconds.replace(' ', 'T') + (seconds.includes('Z') ? '' : 'Z')) / 1000) : seconds;
  if (!Number.isFinite(n)) return String(seconds);
  return new Date(n * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(/:\d\dZ$/, (m) => m);
}

/** "AS3333 RIPE-NCC-AS Reseaux IP …" (the name shortened to `max` characters); "AS3333" without a name. */
export function asLabel(asn: number | string, name?: string | null, max = 40): string {
  if (!name) return `AS${asn}`;
  return `AS${asn} ${name.length > max ? `${name.slice(0, max - 1)}…` : name}`;
}

/** The name part alone, shortened: what the UI prints beside the AS number link. */
export const shortName = (name: string, max = 40): string => (name.length > max ? `${name.slice(0, max - 1)}…` : name);

export const RIR_LABELS: Record<string, string> = {
  afrinic: 'AFRINIC',
  apnic: 'APNIC',
  arin: 'ARIN',
  lacnic: 'LACNIC',
  ripencc: 'RIPE NCC',
  unknown: 'unknown',
};

export const rir = (r: string | null | undefined): string => (r ? (RIR_LABELS[r] ?? r) : '–');
