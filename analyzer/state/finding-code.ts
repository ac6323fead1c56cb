/**
 * The essentials of a Finding in 16 bits, so a full table's pairs cost two bytes each for it:
 * bits 0-7 the kinds (MISMATCH_KINDS order), bits 8-10 the severity (SEVERITIES order),
 * bit 12 "stale": the stored values predate a registry/geo reload and must be recomputed.
 */
import { MISMATCH_KINDS, SEVERITIES, type Finding, type MismatchKind, type Severity } from '../models/finding.js';

const KIND_BITS = new Map<string, number>(MISMATCH_KINDS.map((k, i) => [k, 1 << i]));
const SEVERITY_INDEX = new Map<string, number>(SEVERITIES.map((s, i) => [s, i]));

export const STALE = 1 << 12;

/** Throws when the classifier returns a severity outside SEVERITIES (a contract breach). */
export function encodeFinding(f: Finding): number {
  const sev = SEVERITY_INDEX.get(f.severity);
  if (sev === undefined) throw new Error(`classifier returned unknown severity ${JSON.stringify(f.severity)}`);
  let mask = 0;
  for (const k of f.kinds) mask |= KIND_BITS.get(k) ?? 0;
  return mask | (sev << 8);
}

export const hasFinding = (code: number): boolean => ((code >> 8) & 7) !== 0;

export const isStale = (code: number): boolean => (code & STALE) !== 0;

export const severityOf = (code: number): Severity => SEVERITIES[(code >> 8) & 7] ?? 'none';

export function kindsOf(code: number): MismatchKind[] {
  const out: MismatchKind[] = [];
  for (let i = 0; i < MISMATCH_KINDS.length; i++) if (code & (1 << i)) out.push(MISMATCH_KINDS[i]);
  return out;
}
