/** The record iterator: frames → typed MRT records, in file order, with counted warnings. */
import { Readable } from 'node:stream';
import { opened, type OpenedInput } from '../../common/input.js';
import type { MrtRecord } from '../models/mrt.js';
import { readFrameBatches, type MrtFrame } from './framing.js';
import { logSummary, newStats, reporter, type MrtReadStats, type Report } from './stats.js';
import type { TableDumpV2State } from './table-dump-v2.js';

/** A file, `-` or URL to open; a byte stream; or an input opened already, whose name its warnings give. */
export type MrtSource = string | Readable | OpenedInput;

export interface MrtReadOptions {
  /** Log a summary of the problems at the end (default true). */
  summary?: boolean;
  /** Decode only these attribute types of RIB entries (see AttrContext.only); UPDATEs are decoded in full. */
  ribAttributes?: ReadonlySet<number>;
  /**
   * Decode only the RIB records whose prefix (as its elements carry it) this accepts; the others
   * are counted (records, ribSkipped) and not decoded: an `ingest --jobs` worker's share of a RIB.
   */
  ribPrefixes?: (prefix: string) => boolean;
}

/** Decodes a frame into its record (counted in stats.records, problems reported), or null. */
export type FrameDecoder = (f: MrtFrame) => MrtRecord | null;

/** One input chunk's frames. */
export interface FrameBatch {
  frames: MrtFrame[];
  /** The TABLE_DUMP_V2 peers read so far. */
  tables: Readonly<TableDumpV2State>;
  /** The read's decoder (the same for every batch); the decoders' modules load on the first call. */
  decoder(): Promise<FrameDecoder>;
}

/**
 * Streams the MRT records of a file (raw, .gz, .bz2), `-` or an http(s) URL, or of an
 * already-open byte stream. Never throws on bad data: problems are counted in `stats`
 * and logged with their byte offset; the read goes on at the next record. Each record is
 * decoded when it is consumed, so a RIB's records die young (a batch of them held at once
 * was measured to double the collector's GC time on a RIB).
 */
export async function* readMrtRecords(source: MrtSource, stats: MrtReadStats = newStats(), opts: MrtReadOptions = {}): AsyncGenerator<MrtRecord> {
  for await (const batch of readMrtFrameBatches(source, stats, opts)) {
    const decode = await batch.decoder();
    for (const frame of batch.frames) {
      const record = decode(frame);
      if (record) yield record;
    }
  }
}

/**
 * The same records handed to `visit` as they are decoded, without an await per record (a RIB
 * has hundreds of thousands): for readers that consume each record at once.
 */
export async function forEachMrtRecord(source: MrtSource, visit: (record: MrtRecord) => void, stats: MrtReadStats = newStats(), opts: MrtReadOptions = {}): Promise<void> {
  await forEachMrtFrame(
    source,
    (frame, decode) => {
      const record = decode(frame);
      if (record) visit(record);
    },
    stats,
    opts,
  );
}

/**
 * Each frame, for readers that read some records straight from their bytes: `decode` makes a
 * frame a record (counted in stats.records, problems reported) and `tables` holds the
 * TABLE_DUMP_V2 peers read so far. A reader that takes a frame itself counts it.
 */
export async function forEachMrtFrame(
  source: MrtSource,
  visit: (frame: MrtFrame, decode: FrameDecoder, tables: Readonly<TableDumpV2State>) => void,
  stats: MrtReadStats = newStats(),
  opts: MrtReadOptions = {},
): Promise<void> {
  for await (const batch of readMrtFrameBatches(source, stats, opts)) {
    const decode = await batch.decoder();
    for (const frame of batch.frames) visit(frame, decode, batch.tables);
  }
}

/**
 * Each input chunk's frames, with the decoder that turns one into a record (counted in
 * stats.records, problems reported) or null, and the TABLE_DUMP_V2 peers read so far: for
 * readers that take some frames straight from their bytes (and count those themselves), and
 * load the decoders only for the others.
 */
export async function* readMrtFrameBatches(source: MrtSource, stats: MrtReadStats = newStats(), opts: MrtReadOptions = {}): AsyncGenerator<FrameBatch> {
  const { file, stream } = source instanceof Readable ? { file: '<stream>', stream: source } : await opened(source);
  const reportAny = reporter(stats, file);
  let decodingRib = false;
  const report: Report = (kind, offset, message) => {
    if (decodingRib) stats.ribWarnings++;
    reportAny(kind, offset, message);
  };
  const state: TableDumpV2State = {};
  let decode: FrameDecoder | undefined;
  const decoder = async (): Promise<FrameDecoder> => {
    if (decode) return decode;
    const { parseFrame, isRibFrame, ribPrefixOf } = await import('./frame-decoder.js');
    const wanted = opts.ribPrefixes;
    return (decode ??= (frame) => {
      let record: MrtRecord | null;
      let rib = isRibFrame(frame);
      if (rib && wanted) {
        const prefix = ribPrefixOf(frame);
        // A record whose prefix cannot be read is every reader's (each reports it): its warnings are not this reader's share.
        if (prefix === null) rib = false;
        else if (!wanted(prefix)) {
          stats.records++;
          stats.ribSkipped++;
          return null;
        }
      }
      // Set only while this record decodes: a skipped record must not make the framing's next
      // report (a truncated end) one reader's RIB warning, counted once per shard that skipped.
      decodingRib = rib;
      try {
        record = parseFrame(frame, state, report, opts.ribAttributes);
      } catch (err) {
        // A decoder bug on odd input must cost one record, not the stream.
        report('decoder-error', frame.offset, `record could not be decoded: ${(err as Error).message}`);
        return null;
      } finally {
        decodingRib = false;
      }
      if (record) stats.records++;
      return record;
    });
  };
  try {
    for await (const frames of readFrameBatches(stream, report, (n) => (stats.bytes += n))) yield { frames, tables: state, decoder };
  } finally {
    stream.destroy();
    if (opts.summary !== false) logSummary(stats, file);
  }
}

export { newStats, type MrtReadStats };
