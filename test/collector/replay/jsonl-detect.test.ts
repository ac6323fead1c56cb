import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openByContent, readJsonlCapture } from '../../../collector/replay/jsonl.js';
import { newStats, readMrtRecords } from '../../../collector/mrt/index.js';
import { fileServer } from '../../helpers/http.js';
import * as enc from '../../helpers/mrt-encoder.js';
import { makeTmpDir } from '../../helpers/tmp.js';

describe('openByContent (which reader a file goes to)', () => {
  const dir = makeTmpDir('jsonl-detect');
  const file = (name: string, bytes: Uint8Array | string) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };
  const isJsonl = async (path: string) => {
    const input = await openByContent(path);
    input.stream.destroy();
    return input.jsonl;
  };

  it('takes the first byte that is not white space, as /\\s/ reads latin1', async () => {
    expect(await isJsonl(file('plain.jsonl', '{"type":"ris_message"}\n'))).toBe(true);
    // Tab, newline, CR, space and latin1's no-break space (0xA0) are white space; 0x85 is not.
    expect(await isJsonl(file('spaced.jsonl', Buffer.from([0x09, 0x0a, 0x0d, 0x20, 0xa0, 0x7b, 0x7d])))).toBe(true);
    expect(await isJsonl(file('nel.jsonl', Buffer.from([0x85, 0x7b])))).toBe(false);
    expect(await isJsonl(file('gz.jsonl.gz', gzipSync('\n\n{"a":1}\n')))).toBe(true);
    expect(await isJsonl(file('blank.jsonl', ' \n\t '))).toBe(false);
    expect(await isJsonl(file('empty.jsonl', ''))).toBe(false);
  });

  it('says no for MRT, whose header starts with a timestamp', async () => {
    const mrt = enc.mrt(16, 4, new Uint8Array(4));
    expect(await isJsonl(file('updates.mrt', mrt))).toBe(false);
    expect(await isJsonl(file('updates.gz', gzipSync(mrt)))).toBe(false);
  });

  it('hands back every byte it read to tell, also when they end the input', async () => {
    const lines = `  \n${'{"type":"ris_message"}\n'.repeat(3)}`;
    expect(await text((await openByContent(file('back.jsonl.gz', gzipSync(lines)))).stream)).toBe(lines);
    expect(await text((await openByContent(file('short.jsonl', ' {'))).stream)).toBe(' {');
    // White space over many chunks, then the capture: every chunk read is handed back.
    const long = `${' '.repeat(3 << 20)}{}`;
    expect((await text((await openByContent(file('long.jsonl', long))).stream)).length).toBe(long.length);
  });

  it('fetches a URL once to tell its format and read it', async () => {
    const line = '{"type":"ris_message","data":{"timestamp":1,"peer":"192.0.2.1","peer_asn":"64500","id":"x","host":"rrc00","type":"UPDATE"}}\n';
    file('capture.jsonl', line.repeat(5));
    const peer = { peerAsn: 64500, localAsn: 64501, peerIp: '192.0.2.1', localIp: '192.0.2.2' };
    const local = file('updates.gz', gzipSync(Buffer.concat([enc.bgp4mpStateChange(peer, 1, 6), enc.bgp4mpStateChange(peer, 6, 1)])));
    const records = async (source: Parameters<typeof readMrtRecords>[0]) => {
      const stats = newStats();
      const out = [];
      for await (const record of readMrtRecords(source, stats, { summary: false })) out.push(record);
      return { out, stats };
    };
    const server = await fileServer(dir, { ranges: true });
    try {
      const jsonl = await openByContent(`${server.base}/capture.jsonl`);
      expect(jsonl.jsonl).toBe(true);
      let messages = 0;
      for await (const _ of readJsonlCapture(jsonl)) messages++;
      expect(messages).toBe(5);
      expect(server.requests()).toBe(1);

      const updates = await openByContent(`${server.base}/updates.gz`);
      expect(updates.jsonl).toBe(false);
      const read = await records(updates);
      expect(read.stats.records).toBe(2);
      expect(read).toEqual(await records(local));
      expect(server.requests()).toBe(2);
    } finally {
      await server.close();
    }
  });
});
