/** `portolan parse FILE`: what the declaration in parse.ts runs. */
import { existsSync } from 'node:fs';
import { DirectBgpdumpWriter } from '../../collector/bgpdump/direct.js';
import { formatBgpdump } from '../../collector/bgpdump/format.js';
import { BufferedWriter } from '../../collector/bgpdump/writer.js';
import { DirectJsonlWriter } from '../../collector/jsonl/direct.js';
import { readMrtFrameBatches, type FrameDecoder } from '../../collector/mrt/records.js';
import { newStats } from '../../collector/mrt/stats.js';
import { isUrl } from '../../common/input.js';
import { TextBytes } from '../../common/text-bytes.js';
import { action } from '../action.js';
import { UsageError } from '../errors.js';

export const parse = action(async (file: string, opts: { format: 'jsonl' | 'bgpdump' }) => {
  if (file !== '-' && !isUrl(file) && !existsSync(file)) throw new UsageError(`${file}: no such file`);
  const out = new BufferedWriter(process.stdout);
  const stats = newStats();
  const text = new TextBytes();
  const bgpdump = opts.format === 'bgpdump';
  // Clean UPDATEs are written straight from their bytes; every other record is decoded and formatted.
  const direct = bgpdump ? new DirectBgpdumpWriter(text) : new DirectJsonlWriter(text);
  // Elements of the other records (only JSON lines need them: loaded for those alone).
  const recordToElems = bgpdump ? undefined : (await import('../../collector/mrt/elems.js')).recordToElems;
  let decode: FrameDecoder | undefined;
  // A batch of frames (one input chunk) becomes one write.
  for await (const batch of readMrtFrameBatches(file, stats)) {
    for (const frame of batch.frames) {
      if (direct.message(frame)) {
        stats.records++;
        continue;
      }
      decode ??= await batch.decoder();
      const record = decode(frame);
      if (!record) continue;
      if (bgpdump) {
        const lines = formatBgpdump(record);
        text.text(lines);
        // The elements printed, for the end-of-file summary: one line each, but state changes.
        if (record.kind !== 'bgp4mp-state-change') stats.elements += lineCount(lines);
      } else if (recordToElems) {
        const elems = recordToElems(record);
        stats.elements += elems.length;
        for (const e of elems) text.text(JSON.stringify(e) + '\n');
      }
    }
    stats.elements += direct.elements;
    direct.elements = 0;
    await out.write(text.take());
    if (!out.open) break; // reader went away (| head): stop reading
  }
  await out.end();
}, { exitWhenDone: true });

function lineCount(text: string): number {
  let n = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) n++;
  return n;
}
