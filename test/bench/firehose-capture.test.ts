/** The firehose bench's synthetic reset: valid RIS Live messages whose raw BGP and JSON fields agree. */
import { describe, expect, it } from 'vitest';
import { burstScenario, resetMessages } from '../../bench/firehose-capture.js';
import { decodeRisMessage } from '../../collector/rislive/decode.js';
import { syntheticMessages } from '../collector/rislive/fixtures.js';

describe('firehose bench capture', () => {
  it('a full-table reset: n distinct prefixes, raw and JSON decode to the same events', () => {
    const msgs = [...resetMessages(2_000, 1_700_000_000)];
    const prefixes = new Set<string>();
    for (const m of msgs) {
      const r = decodeRisMessage(m);
      expect(r.source).toBe('raw');
      expect(r.disagreement).toBe(false);
      expect(r.problems).toEqual([]);
      for (const e of r.events) prefixes.add(e.prefix);
    }
    expect(prefixes.size).toBe(2_000);
  });

  it('the burst scenario: background at its rate, the reset inside its window, timestamps in order', () => {
    const out = [...burstScenario({ background: syntheticMessages(10), rate: 100, seconds: 5, burstAt: 2, burstPrefixes: 800, burstSeconds: 1, t0: 1_000 })];
    const burst = out.filter((m) => m.id.startsWith('burst-'));
    expect(out.length - burst.length).toBe(500);
    expect(burst.reduce((n, m) => n + m.announcements!.reduce((k, a) => k + a.prefixes.length, 0), 0)).toBe(800);
    expect(burst.every((m) => m.timestamp >= 1_002 && m.timestamp <= 1_003)).toBe(true);
    for (let i = 1; i < out.length; i++) expect(out[i].timestamp).toBeGreaterThanOrEqual(out[i - 1].timestamp);
  });
});
