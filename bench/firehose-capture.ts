/**
 * Inputs of the firehose bench, written as RIS Live JSONL captures (one frame per line, `raw`
 * included as RIS Live sends it): a real capture re-timed to a chosen message rate, and a
 * synthetic full-table session reset (one peer re-announcing N prefixes within seconds).
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { readCapture } from '../collector/replay/capture.js';
import { toHex } from '../collector/replay/mrt-to-ris.js';
import type { RisMessageData } from '../collector/rislive/protocol.js';
import { asPath, nextHop, origin, prefix, update } from '../test/helpers/mrt-encoder.js';

export interface CaptureInfo {
  messages: number;
  /** Prefixes announced or withdrawn (one route event each). */
  prefixes: number;
}

const prefixesOf = (d: RisMessageData): number =>
  (d.announcements ?? []).reduce((n, a) => n + a.prefixes.length, 0) + (d.withdrawals?.length ?? 0);

/** Reads a capture (MRT or JSONL) into memory once. */
export async function loadMessages(file: string): Promise<RisMessageData[]> {
  const out: RisMessageData[] = [];
  for await (const d of readCapture(file)) out.push(d);
  return out;
}

async function writeLines(file: string, frames: Iterable<RisMessageData>): Promise<CaptureInfo> {
  const out = createWriteStream(file);
  const info: CaptureInfo = { messages: 0, prefixes: 0 };
  for (const data of frames) {
    info.messages++;
    info.prefixes += prefixesOf(data);
    if (!out.write(JSON.stringify({ type: 'ris_message', data }) + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return info;
}

/** The messages as they are (a JSONL copy of an MRT capture). */
export function writeCaptureFile(file: string, messages: RisMessageData[]): Promise<CaptureInfo> {
  return writeLines(file, messages);
}

/**
 * The burst scenario: `background` messages repeated at `rate` messages/s for `seconds`, with a
 * full-table reset of `burstPrefixes` prefixes from one peer spread over `burstSeconds`,
 * starting `burstAt` seconds in. Timestamps start at `t0`.
 */
export function* burstScenario(o: {
  background: RisMessageData[];
  rate: number;
  seconds: number;
  burstAt: number;
  burstPrefixes: number;
  burstSeconds: number;
  t0: number;
}): Generator<RisMessageData> {
  const total = Math.round(o.rate * o.seconds);
  const burst = [...resetMessages(o.burstPrefixes, 0)];
  let b = 0;
  for (let i = 0; i < total; i++) {
    const t = i / o.rate;
    // Burst messages due before this background message go first, spread evenly over burstSeconds.
    while (b < burst.length && o.burstAt + (b / burst.length) * o.burstSeconds <= t) {
      yield { ...burst[b], timestamp: o.t0 + o.burstAt + (b / burst.length) * o.burstSeconds, id: `burst-${b}` };
      b++;
    }
    const m = o.background[i % o.background.length];
    yield { ...m, timestamp: o.t0 + t, id: `bg-${i}` };
  }
  for (; b < burst.length; b++) yield { ...burst[b], timestamp: o.t0 + o.burstAt + o.burstSeconds, id: `burst-${b}` };
}

/** Prefixes per UPDATE in the reset: a full table groups prefixes sharing attributes, a few per message. */
const PER_MESSAGE = 8;
const PEER = { ip: '192.0.2.77', asn: 64_777 };

/**
 * One peer's table re-announced: `n` distinct IPv4 prefixes (/16–/24 over 1.0.0.0–223.x),
 * each message a path of 3–5 ASes to one of ~40k origins, `raw` encoded as a 4-byte-AS UPDATE.
 */
export function* resetMessages(n: number, timestamp: number): Generator<RisMessageData> {
  let seq = 0;
  let a = 1 << 24; // 1.0.0.0
  for (let made = 0; made < n; ) {
    const count = Math.min(PER_MESSAGE, n - made);
    const prefixes: string[] = [];
    for (let k = 0; k < count; k++) {
      const len = 24 - ((seq + k) % 9 === 0 ? 4 : 0);
      const size = 2 ** (32 - len);
      a = Math.ceil(a / size) * size;
      prefixes.push(`${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.0/${len}`);
      a += size;
    }
    made += count;
    const originAsn = 1_000 + ((seq * 7_919) % 40_000);
    const path = [PEER.asn, 3_356 + (seq % 5), ...(seq % 2 ? [174] : []), originAsn];
    const hop = '192.0.2.1';
    const raw = update({ attrs: [origin(0), asPath([{ type: 2, asns: path }], 4), nextHop(hop)], nlri: prefixes.map((p) => prefix(p)) });
    seq++;
    yield {
      timestamp,
      peer: PEER.ip,
      peer_asn: String(PEER.asn),
      id: `reset-${seq}`,
      host: 'rrc00',
      type: 'UPDATE',
      path,
      origin: 'igp',
      announcements: [{ next_hop: hop, prefixes }],
      withdrawals: [],
      raw: toHex(raw),
    };
  }
}

export function writeScenarioFile(file: string, scenario: Iterable<RisMessageData>): Promise<CaptureInfo> {
  return writeLines(file, scenario);
}
