/** `portolan parse FILE`: what the declaration in parse.ts runs. */
import { existsSync } from 'node:fs';
import { formatBgpdump } from '../../collector/bgpdump/format.js';
import { BufferedWriter } from '../../collector/bgpdump/writer.js';
import { readMrtRecords, recordToElems, newStats } from '../../collector/mrt/index.js';
import { isUrl } from '../../common/input.js';
import { action } from '../action.js';
import { UsageError } from '../errors.js';

export const parse = action(async (file: string, opts: { format: 'jsonl' | 'bgpdump' }) => {
  if (file !== '-' && !isUrl(file) && !existsSync(file)) throw new UsageError(`${file}: no such file`);
  const out = new BufferedWriter(process.stdout);
  const stats = newStats();
  const bgpdump = opts.format === 'bgpdump';
  for await (const record of readMrtRecords(file, stats)) {
    if (bgpdump) await out.write(formatBgpdump(record));
    else {
      const elems = recordToElems(record);
      stats.elements += elems.length;
      let text = '';
      for (const e of elems) text += JSON.stringify(e) + '\n';
      await out.write(text);
    }
    if (!out.open) break; // reader went away (| head): stop reading
  }
  await out.end();
});
