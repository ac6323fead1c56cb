/** How the report shows each RIR: name, colour (distinct, dark enough for text on white) and dash pattern (for greyscale print). */
import type { IndexRir } from '../models/accounting.js';
import type { Rir } from '../models/registry.js';
import { rirName } from '../classify/policy.js';

/** The five RIRs, in the order the report lists them. */
export const REPORT_RIRS: readonly Rir[] = ['afrinic', 'apnic', 'arin', 'lacnic', 'ripencc'];

export const RIR_STYLE: Record<Rir, { color: string; dash?: string }> = {
  afrinic: { color: '#c25e00' },
  apnic: { color: '#1f78b4', dash: '8 4' },
  arin: { color: '#1b8a5a', dash: '2 3' },
  lacnic: { color: '#b8367e', dash: '10 3 2 3' },
  ripencc: { color: '#4b3c9e', dash: '4 2' },
};

export const displayName = (rir: IndexRir): string => (rir === 'unregistered' ? 'Unregistered' : rirName(rir));
