/** The prefix timeline's finding periods: each start paired with the next end of the same origin. */
import { describe, expect, it } from 'vitest';
import { findingPeriods } from '../../dashboard/web/src/charts/prefix-timeline.js';

const ev = (time: number, type: string, origin: number | null, severity = 'high') => ({ time, type, reason: '', origin_asn: origin, kinds: ['geo-out-of-region'], severity });

describe('finding periods', () => {
  it('pairs starts and ends per origin, keeps a start without an end open, ignores an end without a start and origin changes', () => {
    const periods = findingPeriods([
      ev(50, 'finding-ended', 1), // its start is before what was read
      ev(100, 'finding-started', 1),
      ev(110, 'finding-started', 2, 'low'),
      ev(120, 'finding-started', 1), // a repeated start does not open a second period
      ev(130, 'origin-changed', 2),
      ev(200, 'finding-ended', 1),
      ev(300, 'finding-started', 1, 'medium'),
    ]);
    expect(periods.map((p) => [p.origin, p.start, p.end, p.severity])).toEqual([
      [1, 100, 200, 'high'],
      [2, 110, null, 'low'],
      [1, 300, null, 'medium'],
    ]);
  });

  it('orders events by time first (the store answers in time order, but a merge may not)', () => {
    expect(findingPeriods([ev(200, 'finding-ended', 7), ev(100, 'finding-started', 7)]).map((p) => [p.start, p.end])).toEqual([[100, 200]]);
  });
});
