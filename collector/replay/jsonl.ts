/**
 * RIS Live JSONL captures: one WebSocket frame per line (`{"type":"ris_message","data":…}`),
 * as our recorder writes them and as public captures are published. Also recognises a
 * file's format by content, so nobody has to name files a particular way.
 */
import { createRequire } from 'node:module';
import { log } from '../../common/log.js';
import { opened, openInput, peek, type OpenedInput } from '../../common/input.js';
import type { RisMessageData } from '../rislive/protocol.js';

export interface JsonlReadStats {
  lines: number;
  messages: number;
  /** Lines that are not JSON or not a ris_message (counted, logged, skipped). */
  bad: number;
}

export const newJsonlStats = (): JsonlReadStats => ({ lines: 0, messages: 0, bad: 0 });

/**
 * Opens a file (or URL) and tells its format by content: JSONL when the first byte that is not
 * white space (as /\s/ reads latin1) is `{`. The bytes read to tell are handed back with the
 * stream, so the file is opened (a URL fetched) once.
 */
export async function openByContent(file: string): Promise<OpenedInput & { jsonl: boolean }> {
  let first = -1;
  const { stream } = await peek(await openInput(file), (chunk) => {
    for (const byte of chunk) {
      if (!((byte >= 0x09 && byte <= 0x0d) || byte === 0x20 || byte === 0xa0)) {
        first = byte;
        return true;
      }
    }
    return false;
  });
  return { file, stream, jsonl: first === 0x7b };
}

/**
 * Parses one line: a full frame `{"type":"ris_message","data":{…}}` or a bare data object.
 * Returns null for anything else.
 */
export function parseCaptureLine(line: string): RisMessageData | null {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch {
    return null;
  }
  if (!obj || typeof obj !== 'object') return null;
  const o = obj as { type?: unknown; data?: unknown };
  const data = (o.type === 'ris_message' ? o.data : 'peer' in o && 'timestamp' in o ? o : null) as Record<string, unknown> | null;
  if (!data || typeof data !== 'object' || typeof data.timestamp !== 'number' || typeof data.peer !== 'string' || typeof data.type !== 'string') return null;
  if (typeof data.host !== 'string') data.host = '';
  if (data.peer_asn !== undefined) data.peer_asn = String(data.peer_asn);
  return data as unknown as RisMessageData;
}

/** Streams the ris_messages of a JSONL capture (plain, .gz or .bz2; or as openByContent opened it). Bad lines are skipped. */
export async function* readJsonlCapture(source: string | OpenedInput, stats: JsonlReadStats = newJsonlStats()): AsyncGenerator<RisMessageData> {
  const { file, stream } = await opened(source);
  // Loaded when a capture is read, not at import (parse's start-up); required, not import()ed:
  // in the bundles bin/portolan.js runs, an import() is Node's experimental loader, with a warning.
  const { createInterface } = createRequire(import.meta.url)('node:readline') as typeof import('node:readline');
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of rl) {
      stats.lines++;
      if (line.trim() === '') continue;
      const data = parseCaptureLine(line);
      if (!data) {
        stats.bad++;
        log.warn({ file, line: stats.lines }, 'not a RIS Live ris_message line; skipped');
        continue;
      }
      stats.messages++;
      yield data;
    }
  } finally {
    // A reader that stops early closes the file (or the connection) too.
    stream.destroy();
  }
}
