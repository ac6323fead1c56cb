/**
 * A replayable capture: an MRT updates file or a RIS Live JSONL capture, recognised by
 * content, read as a stream of ris_message data.
 */
import { collectorFromPath } from '../mrt/collector-name.js';
import { newStats, readMrtRecords } from '../mrt/index.js';
import type { RisMessageData } from '../rislive/protocol.js';
import { newJsonlStats, openByContent, readJsonlCapture } from './jsonl.js';
import { isBgp4mpMessage, isBgp4mpStateChange, mrtRecordToRis, stateChangeToRis } from './mrt-to-ris.js';

export interface CaptureStats {
  messages: number;
  /** MRT records that are not BGP4MP messages RIS Live would send (RIB entries, state changes…). */
  skippedRecords: number;
  /** JSONL lines that are not ris_messages, MRT warnings. */
  bad: number;
}

export const newCaptureStats = (): CaptureStats => ({ messages: 0, skippedRecords: 0, bad: 0 });

/** Streams a capture file as ris_message data (with `raw`). `host` overrides the collector name of MRT files. */
export async function* readCapture(file: string, opts: { host?: string; stats?: CaptureStats } = {}): AsyncGenerator<RisMessageData> {
  const stats = opts.stats ?? newCaptureStats();
  const input = await openByContent(file);
  if (input.jsonl) {
    const js = newJsonlStats();
    try {
      for await (const data of readJsonlCapture(input, js)) {
        stats.messages++;
        yield data;
      }
    } finally {
      stats.bad += js.bad;
    }
    return;
  }
  const host = opts.host ?? collectorFromPath(file);
  const mrtStats = newStats();
  let seq = 0;
  try {
    for await (const record of readMrtRecords(input, mrtStats)) {
      const data = isBgp4mpMessage(record)
        ? mrtRecordToRis(record, host, ++seq)
        : isBgp4mpStateChange(record)
          ? stateChangeToRis(record, host, ++seq)
          : null;
      if (!data) {
        stats.skippedRecords++;
        continue;
      }
      stats.messages++;
      yield data;
    }
  } finally {
    // The MRT reader logs each problem with its offset; here they are only counted.
    stats.bad += Object.values(mrtStats.warnings).reduce((a, b) => a + b, 0);
  }
}
