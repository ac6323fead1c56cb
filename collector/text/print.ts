/**
 * An MRT file as text, bgpdump's lines or JSON lines (one BgpElem each), handed over one input
 * chunk at a time: what `portolan parse` prints. Clean BGP4MP records and RIB entries are written
 * straight from their bytes (the direct writers); every other record is decoded and formatted in
 * full.
 */
import { DirectBgpdumpWriter } from '../bgpdump/direct.js';
import { formatBgpdump } from '../bgpdump/format.js';
import { DirectJsonlWriter } from '../jsonl/direct.js';
import { readMrtFrameBatches, type FrameDecoder, type MrtSource } from '../mrt/records.js';
import { newStats, type MrtReadStats } from '../mrt/stats.js';
import { log } from '../../common/log.js';
import { TextBytes } from '../../common/text-bytes.js';

export type TextFormat = 'bgpdump' | 'jsonl';

/**
 * Writes the text of `source` through `write`, a chunk per input chunk; stops early when
 * `write` says false (the reader went away). Counts records, elements and problems in `stats`.
 */
export async function printMrt(source: MrtSource, format: TextFormat, write: (chunk: Uint8Array) => boolean | Promise<boolean>, stats: MrtReadStats = newStats()): Promise<MrtReadStats> {
  const text = new TextBytes();
  const bgpdump = format === 'bgpdump';
  const direct = bgpdump ? new DirectBgpdumpWriter(text) : new DirectJsonlWriter(text);
  // Elements of the other records (only JSON lines need them: loaded for those alone).
  const recordToElems = bgpdump ? undefined : (await import('../mrt/elems.js')).recordToElems;
  let decode: FrameDecoder | undefined;
  for await (const batch of readMrtFrameBatches(source, stats)) {
    for (const frame of batch.frames) {
      const mark = text.pos;
      try {
        if (direct.message(frame)) {
          stats.records++;
          continue;
        }
      } catch (err) {
        // A writer's bug on odd input must cost its speed, not the record: what it wrote is
        // dropped and the full decoder reads the record (and reports what is wrong with it).
        text.pos = mark;
        log.warn({ offset: frame.offset, err: err instanceof Error ? err.message : String(err) }, 'record not written from its bytes; decoded in full');
      }
      decode ??= await batch.decoder();
      const record = decode(frame);
      if (!record) continue;
      if (record.kind === 'peer-index-table') direct.peers = record.peers;
      if (recordToElems) {
        const elems = recordToElems(record);
        stats.elements += elems.length;
        for (const e of elems) text.text(JSON.stringify(e) + '\n');
      } else {
        const lines = formatBgpdump(record);
        text.text(lines);
        // The elements printed, for the end-of-file summary: one line each, but state changes.
        if (record.kind !== 'bgp4mp-state-change') stats.elements += lineCount(lines);
      }
    }
    stats.elements += direct.elements;
    direct.elements = 0;
    if (!(await write(text.take()))) break;
  }
  return stats;
}

function lineCount(text: string): number {
  let n = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) n++;
  return n;
}
