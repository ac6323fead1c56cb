/**
 * The RPKI clauses of the why: the trust anchors against the registering RIR (once per prefix)
 * and the route-origin validation of the announcement (per event).
 */
import type { Rir } from '../models/registry.js';
import type { RovState, TaCheck } from '../models/rpki.js';
import { rirOfTa } from '../rpki/ta-check.js';
import { rirName } from './policy.js';

const taName = (ta: string): string => {
  const r = rirOfTa(ta);
  return r && !r.nir && !/as0/.test(ta) ? `${rirName(r.rir)}` : ta;
};

/** Trust anchors vs registering RIR; '' when they agree or there are no ROAs. */
export function taClause(check: TaCheck, prefixRir: Rir | null): string {
  if (!prefixRir || check.tas.length === 0) return '';
  const anchors = check.tas.map(taName).join(', ');
  if (check.mismatch && check.mismatchRir) return `ROAs covering it are certified under ${rirName(check.mismatchRir)}'s trust anchor, though ${rirName(prefixRir)} registered it`;
  switch (check.exception) {
    case 'nir':
      return `its ROAs come through a national registry under ${rirName(prefixRir)} (trust anchor ${anchors})`;
    case 'arin-legacy':
      return `its ROAs are under the ${anchors} trust anchor: ARIN legacy space, which ARIN certifies only under a registration services agreement the files do not show`;
    case 'as0-ta':
      return `an AS0 trust anchor (${anchors}) covers it: unallocated space as that RIR sees it, not another holder's certification`;
    default:
      return '';
  }
}

/** The announcement's RPKI state, as a clause. */
export function rovClause(state: RovState): string {
  switch (state) {
    case 'valid':
      return 'RPKI valid';
    case 'invalid-origin':
      return 'RPKI invalid: the covering ROAs authorise other origins';
    case 'invalid-length':
      return "RPKI invalid: longer than the maxLength of its origin's ROA";
    case 'not-found':
      return 'RPKI not found: no ROA covers it';
  }
}
