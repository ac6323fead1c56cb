/**
 * `portolan parse`'s end-of-file summary (logged when a file has problems) counts the elements it
 * printed, in both formats: on a self-built file of RIB entries, an UPDATE, a state change and a
 * cut-off last record.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import * as enc from '../helpers/mrt-encoder.js';
import { makeTmpDir } from '../helpers/tmp.js';

const peer = { peerAsn: 65010, localAsn: 65000, peerIp: '192.0.2.10', localIp: '192.0.2.1' };
const attrs = (asnSize: 2 | 4) => [enc.origin(0), enc.asPath([{ type: 2, asns: [65010, 65020] }], asnSize), enc.nextHop('192.0.2.10')];

function writeFile(): string {
  const records = [
    enc.tableDump('10.0.0.0/8', '192.0.2.1', 65001, attrs(2)),
    enc.tableDump('10.0.0.0/8', '192.0.2.2', 65002, attrs(2)),
    enc.bgp4mpStateChange(peer, 3, 6),
    enc.bgp4mpMessage(peer, enc.update({ attrs: attrs(4), nlri: [enc.prefix('203.0.113.0/24'), enc.prefix('198.51.100.0/24')], withdrawn: [enc.prefix('192.0.2.0/24')] })),
  ];
  const cut = enc.tableDump('172.16.0.0/12', '192.0.2.3', 65003, attrs(2)).subarray(0, 20);
  const file = join(makeTmpDir('parse-summary'), 'cut.mrt');
  writeFileSync(file, Buffer.concat([...records.map((r) => Buffer.from(r)), Buffer.from(cut)]));
  return file;
}

/** The summary line pino wrote to stderr. */
function summaryOf(stderr: string): { records: number; elements: number; warnings: Record<string, number> } {
  const line = stderr.split('\n').find((l) => l.includes('warning(s) while reading'));
  expect(line, stderr).toBeDefined();
  return JSON.parse(line as string);
}

describe('portolan parse: the summary of a damaged file', () => {
  const file = writeFile();

  it.each(['bgpdump', 'jsonl'])('--format %s counts the elements it printed', async (format) => {
    const r = await runCli(['parse', '--format', format, file]);
    expect(r.code).toBe(0);
    const printed = r.stdout.split('\n').filter((l) => l && !l.includes('|STATE|'));
    expect(printed).toHaveLength(5); // 2 RIB entries, 2 announcements, 1 withdrawal
    const summary = summaryOf(r.stderr);
    expect(summary).toMatchObject({ records: 4, elements: printed.length, warnings: { truncated: 1 } });
  });
});
