import { describe, expect, it } from 'vitest';
import { LruCache } from '../../common/lru.js';

describe('LruCache', () => {
  it('never holds more than its capacity', () => {
    const c = new LruCache<number, number>(10);
    for (let i = 0; i < 1000; i++) c.set(i, i);
    expect(c.size).toBeLessThanOrEqual(10);
    expect(c.get(999)).toBe(999);
    expect(c.get(0)).toBeUndefined();
  });

  it('keeps entries that keep being used and evicts those that are not', () => {
    const c = new LruCache<string, number>(8);
    c.set('hot', 1);
    for (let i = 0; i < 100; i++) {
      c.set(`k${i}`, i);
      expect(c.get('hot')).toBe(1);
    }
    expect(c.get('k0')).toBeUndefined();
  });

  it('overwrites values and rejects a useless capacity', () => {
    const c = new LruCache<string, number>(4);
    c.set('a', 1);
    c.set('a', 2);
    expect(c.get('a')).toBe(2);
    expect(c.size).toBe(1);
    expect(() => new LruCache(1)).toThrow(/capacity/);
  });
});
