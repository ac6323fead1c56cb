/** One colour per registry, distinct for common colour-vision deficiencies (Okabe–Ito); the same in every chart. */
export const RIR_COLOURS: Record<string, string> = { afrinic: '#E69F00', apnic: '#009E73', arin: '#0072B2', lacnic: '#CC79A7', ripencc: '#D55E00', unregistered: '#666666', unknown: '#999999' };
export const rirColour = (r: string | null | undefined): string => RIR_COLOURS[r || 'unknown'] ?? RIR_COLOURS.unknown;
/** Registries in chart order (stacks bottom to top, legends left to right). */
export const CHART_RIRS = ['afrinic', 'apnic', 'arin', 'lacnic', 'ripencc', 'unregistered', 'unknown'] as const;
/** Finding periods by severity. */
export const SEVERITY_COLOURS: Record<string, string> = { high: '#b2182b', medium: '#ef8a62', low: '#fddbc7', info: '#d1e5f0', none: '#cccccc' };
