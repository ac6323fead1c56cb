/** `portolan parse FILE`: what the declaration in parse.ts runs. */
import { existsSync } from 'node:fs';
import { formatBgpdump } from '../../collector/bgpdump/format.js';
import { BufferedWriter } from '../../collector/bgpdump/writer.js';
import { readMrtRecordBatches, recordToElems, newStats } from '../../collector/mrt/index.js';
import { isUrl } from '../../common/input.js';
import { action } from '../action.js';
import { UsageError } from '../errors.js';

export const parse = action(async (file: string, opts: { format: 'jsonl' | 'bgpdump' }) => {
  if (file !== '-' && !isUrl(file) && !existsSync(file)) throw new UsageError(`${file}: no such file`);
  const out = new BufferedWriter(process.stdout);
  const stats = newStats();
  const bgpdump = opts.format === 'bgpdump';
  // A batch of records (one input chunk) becomes one string and one write.
  for await (const records of readMrtRecordBatches(file, stats)) {
    let text = '';
    for (const record of records) {
      if (bgpdump) {
        const lines = formatBgpdump(record);
        text += lines;
        // The elements printed, for the end-of-file summary: one line each, but state changes.
        if (record.kind !== 'bgp4mp-state-change') stats.elements += lineCount(lines);
      } else {
        const elems = recordToElems(record);
        stats.elements += elems.length;
        for (const e of elems) text += JSON.stringify(e) + '\n';
      }
    }
    await out.write(text);
    if (!out.open) break; // reader went away (| head): stop reading
  }
  await out.end();
});

function lineCount(text: string): number {
  let n = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) n++;
  return n;
}
