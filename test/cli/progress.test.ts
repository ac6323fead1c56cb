/** The progress line over several files: files done, elements/s, and an ETA from the bytes of the files done. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FilesProgress } from '../../cli/progress.js';
import { makeTmpDir } from '../helpers/tmp.js';

const dir = makeTmpDir('progress');
const file = (name: string, bytes: number): string => {
  const path = join(dir, name);
  writeFileSync(path, Buffer.alloc(bytes));
  return path;
};

describe('FilesProgress', () => {
  it('estimates the time left from the byte rate of the files done, leaving skipped files out', () => {
    const [a, b, c, d] = [file('a', 1000), file('b', 3000), file('c', 2000), file('d', 500)];
    const t0 = Date.now();
    const p = new FilesProgress([a, b, c, d], t0);
    expect(p.etaSeconds(t0 + 1000)).toBeNull(); // nothing done yet: no rate
    expect(p.line(a, 0, 0, t0 + 1000)).not.toMatch(/ETA/);
    p.fileSkipped(d); // already ingested: its 500 bytes are neither done nor left
    p.fileDone(a); // 1000 bytes in 10 s: 100 bytes/s, 5000 left
    expect(p.etaSeconds(t0 + 10_000)).toBeCloseTo(50, 0);
    p.fileDone(b); // 4000 bytes in 20 s: 200 bytes/s, 2000 left
    expect(p.etaSeconds(t0 + 20_000)).toBeCloseTo(10, 0);
    const line = p.line(c, 40_000, 7, t0 + 20_000);
    expect(line).toMatch(/^\[3\/4 files done\] c: 40,000 elements, 2,000\/s, 7 findings, ETA 10 s$/);
  });

  it('gives no ETA when a file has no known size (a URL)', () => {
    const a = file('e', 1000);
    const p = new FilesProgress([a, 'https://example.net/updates.gz']);
    p.fileDone(a);
    expect(p.etaSeconds(Date.now() + 1000)).toBeNull();
  });
});
