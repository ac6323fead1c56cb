/** Trust anchor against registering RIR: the mismatch and its three documented exceptions. */
import { describe, expect, it } from 'vitest';
import { checkTrustAnchors, rirOfTa } from '../../../analyzer/rpki/index.js';

describe('checkTrustAnchors', () => {
  it('maps anchors to RIRs, NIR anchors to their parent, unknown anchors to none', () => {
    expect(rirOfTa('ripe')).toEqual({ rir: 'ripencc', nir: false });
    expect(rirOfTa('apnic-as0')).toEqual({ rir: 'apnic', nir: false });
    expect(rirOfTa('jpnic')).toEqual({ rir: 'apnic', nir: true });
    expect(rirOfTa('nicbr')).toEqual({ rir: 'lacnic', nir: true });
    expect(rirOfTa('local')).toBeNull();
  });
  it('no anchor, or the registering RIR\'s: no mismatch', () => {
    expect(checkTrustAnchors({ tas: [], prefixRir: 'apnic', legacy: false }).mismatch).toBe(false);
    expect(checkTrustAnchors({ tas: ['apnic'], prefixRir: 'apnic', legacy: false })).toMatchObject({ mismatch: false, exception: null, taRirs: ['apnic'] });
  });
  it('another RIR\'s anchor is a mismatch naming it', () => {
    expect(checkTrustAnchors({ tas: ['apnic', 'ripe'], prefixRir: 'apnic', legacy: false })).toMatchObject({ mismatch: true, mismatchRir: 'ripencc', exception: null });
  });
  it('the exceptions: a NIR under its RIR, ARIN legacy space, an AS0 anchor', () => {
    expect(checkTrustAnchors({ tas: ['jpnic'], prefixRir: 'apnic', legacy: false })).toMatchObject({ mismatch: false, exception: 'nir' });
    expect(checkTrustAnchors({ tas: ['ripe'], prefixRir: 'arin', legacy: true })).toMatchObject({ mismatch: false, exception: 'arin-legacy' });
    // Legacy space of another RIR is no exception.
    expect(checkTrustAnchors({ tas: ['arin'], prefixRir: 'ripencc', legacy: true })).toMatchObject({ mismatch: true, mismatchRir: 'arin' });
    expect(checkTrustAnchors({ tas: ['lacnic-as0'], prefixRir: 'afrinic', legacy: false })).toMatchObject({ mismatch: false, exception: 'as0-ta' });
    // An AS0 anchor beside a real mismatch does not hide it.
    expect(checkTrustAnchors({ tas: ['lacnic-as0', 'ripe'], prefixRir: 'afrinic', legacy: false })).toMatchObject({ mismatch: true, mismatchRir: 'ripencc', exception: null });
  });
  it('no registering RIR (mixed or unregistered space): nothing to compare', () => {
    expect(checkTrustAnchors({ tas: ['ripe'], prefixRir: null, legacy: false })).toMatchObject({ mismatch: false, taRirs: ['ripencc'] });
  });
});
