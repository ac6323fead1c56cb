/** The parse cache: a file with the same bytes is parsed once, under any path; a changed file is parsed again. */
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParseCache } from '../../../analyzer/registry/parse-cache.js';
import { loadDiffFiles } from '../../../analyzer/registry/diff-load.js';
import { diffRegistries } from '../../../analyzer/registry/diff.js';
import { makeTmpDir } from '../../helpers/tmp.js';

const dir = makeTmpDir('parse-cache');
const file = (name: string, date: string, lines: string[]): string => {
  const path = join(dir, name);
  writeFileSync(path, [`2.3|arin|${date}|${lines.length}|19850101|${date}|+0000`, ...lines].join('\n') + '\n');
  return path;
};

describe('ParseCache', () => {
  it('parses a file once for both sides of a diff, even under another name, and shares its records', async () => {
    const a = file('a', '20240104', ['arin|US|ipv4|45.10.0.0|512|20000101|allocated']);
    const b = join(dir, 'b');
    copyFileSync(a, b);
    const c = file('c', '20240105', ['arin|US|ipv4|45.10.0.0|256|20000101|allocated']);
    const cache = new ParseCache();
    const [x, y, z] = await Promise.all([cache.get(a), cache.get(b), cache.get(c)]);
    expect(cache.counters).toEqual({ parsed: 2, reused: 1 });
    expect(y.records).toBe(x.records);
    expect(z.records).not.toBe(x.records);
    // The same file on both sides: no events; a changed one: its changes.
    const [s1, s2] = await Promise.all([loadDiffFiles('from', [a], [], cache), loadDiffFiles('to', [b], [], cache)]);
    expect(diffRegistries(s1, s2).events).toEqual([]);
    expect(s2.files[0].path).toBe(b);
    const s3 = await loadDiffFiles('to', [c], [], cache);
    expect(diffRegistries(s1, s3).events.map((e) => [e.kind, e.start, e.end])).toEqual([['removed', '45.10.1.0', '45.10.1.255']]);
  });

  it('keeps at most its capacity; a missing file fails with its own error and is not kept', async () => {
    const cache = new ParseCache(1);
    const a = file('d', '20240104', ['arin|US|ipv4|45.10.0.0|512|20000101|allocated']);
    const b = file('e', '20240105', ['arin|US|ipv4|45.10.0.0|256|20000101|allocated']);
    await cache.get(a);
    await cache.get(b);
    await cache.get(a);
    expect(cache.counters).toEqual({ parsed: 3, reused: 0 });
    await expect(cache.get(join(dir, 'missing'))).rejects.toThrow(/missing/);
  });
});
