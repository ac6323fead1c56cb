import { describe, expect, it } from 'vitest';
import { humanDuration } from '../../common/duration.js';

describe('humanDuration', () => {
  it('words seconds as the largest unit and the next one down', () => {
    expect(humanDuration(2.34)).toBe('2.3 s');
    expect(humanDuration(45.4)).toBe('45 s');
    expect(humanDuration(252)).toBe('4 min 12 s');
    expect(humanDuration(7_205)).toBe('2 h');
    expect(humanDuration(90_000)).toBe('1 d 1 h');
    // The replay of 2016 data: "325230017.1 s" of lag.
    expect(humanDuration(325_230_017.1)).toBe('10 y 3 mo');
    expect(humanDuration(-5)).toBe('-5.0 s');
  });

  it('gives a dash for no number', () => {
    expect(humanDuration(null)).toBe('–');
    expect(humanDuration(undefined)).toBe('–');
    expect(humanDuration(Number.NaN)).toBe('–');
  });
});
