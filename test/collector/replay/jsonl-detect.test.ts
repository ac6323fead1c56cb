import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isJsonlCapture } from '../../../collector/replay/jsonl.js';
import * as enc from '../../helpers/mrt-encoder.js';
import { makeTmpDir } from '../../helpers/tmp.js';

describe('isJsonlCapture (which reader a file goes to)', () => {
  const dir = makeTmpDir('jsonl-detect');
  const file = (name: string, bytes: Uint8Array | string) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };

  it('takes the first byte that is not white space, as /\\s/ reads latin1', async () => {
    expect(await isJsonlCapture(file('plain.jsonl', '{"type":"ris_message"}\n'))).toBe(true);
    // Tab, newline, CR, space and latin1's no-break space (0xA0) are white space; 0x85 is not.
    expect(await isJsonlCapture(file('spaced.jsonl', Buffer.from([0x09, 0x0a, 0x0d, 0x20, 0xa0, 0x7b, 0x7d])))).toBe(true);
    expect(await isJsonlCapture(file('nel.jsonl', Buffer.from([0x85, 0x7b])))).toBe(false);
    expect(await isJsonlCapture(file('gz.jsonl.gz', gzipSync('\n\n{"a":1}\n')))).toBe(true);
    expect(await isJsonlCapture(file('blank.jsonl', ' \n\t '))).toBe(false);
    expect(await isJsonlCapture(file('empty.jsonl', ''))).toBe(false);
  });

  it('says no for MRT, whose header starts with a timestamp', async () => {
    const mrt = enc.mrt(16, 4, new Uint8Array(4));
    expect(await isJsonlCapture(file('updates.mrt', mrt))).toBe(false);
    expect(await isJsonlCapture(file('updates.gz', gzipSync(mrt)))).toBe(false);
  });
});
