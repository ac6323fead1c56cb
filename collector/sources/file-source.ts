/**
 * Files as a RouteSource: MRT (raw, .gz, .bz2) through the MRT reader, and RIS Live JSONL
 * captures (recognised by content) through the RIS Live decoder. Files are read in order.
 */
import { basename } from 'node:path';
import { log } from '../../common/log.js';
import { collectorFromPath, UNNAMED_COLLECTOR } from '../mrt/collector-name.js';
import { isRibRecord, newStats, peerDownOf, readMrtRecordElems, readMrtRoutes, type MrtReadStats } from '../mrt/index.js';
import type { PeerDown } from '../models/peer-down.js';
import type { BgpElem, RouteEvent } from '../models/route-event.js';
import type { OpenedInput } from '../../common/input.js';
import { newJsonlStats, openByContent, readJsonlCapture } from '../replay/jsonl.js';
import { emptySourceStats, type RouteSource, type RouteVisitor, type SourceHooks, type SourceStats } from './source.js';

export interface FileSourceOptions {
  /** Collector name for MRT elements (default: from the file's path, e.g. rrc06; else UNNAMED_COLLECTOR). */
  collector?: string;
  /** Decode RIS Live `raw` when present (default true). */
  useRaw?: boolean;
  /**
   * JSONL captures with `raw`: decode the JSON projection too and compare, for one message in
   * this many (1: every message; default as the live client). The others are decoded once.
   */
  checkEvery?: number;
  /** MRT RIB records: decode only those whose prefix this accepts (the others are counted, not decoded). */
  ribPrefixes?: (prefix: string) => boolean;
}

export class FileSource implements RouteSource {
  readonly name: string;
  private readonly counters: SourceStats = emptySourceStats();
  private disagreements = 0;
  /** Messages decoded from `raw`, and of those, cross-checked against the JSON projection. */
  private rawDecoded = 0;
  private rawChecked = 0;
  /** Of the errors, those in MRT RIB records (a reader that skips some RIB records sees only its own). */
  private ribErrors = 0;
  private sinceCheck = 0;
  private peerDowns = 0;
  private closed = false;
  private unnamedLogged = false;

  constructor(
    readonly files: string[],
    private readonly opts: FileSourceOptions = {},
  ) {
    if (!files.length) throw new Error('no input files given');
    this.name = `file ${files.map((f) => basename(f)).join(', ')}`;
  }

  async *events(hooks: SourceHooks = {}): AsyncGenerator<RouteEvent> {
    for await (const batch of this.eventBatches(hooks)) yield* batch;
  }

  /**
   * The same events, an MRT record's or a RIS Live message's at a time: a reader that takes
   * hundreds of thousands of events saves an async generator step (about 1 µs) on each.
   */
  async *eventBatches(hooks: SourceHooks = {}): AsyncGenerator<RouteEvent[]> {
    for (const file of this.files) {
      if (this.closed) return;
      // Opened once: a URL is fetched once to tell its format and read.
      const input = await openByContent(file);
      if (input.jsonl) yield* this.jsonl(input, hooks);
      else yield* this.mrt(input, hooks);
    }
  }

  private async *jsonl(input: OpenedInput, hooks: SourceHooks): AsyncGenerator<RouteEvent[]> {
    const { file } = input;
    // Loaded for a capture only (an MRT reader, such as index build's, never needs it).
    const { decodeRisMessage, peerDownOfRis, RAW_CHECK_EVERY } = await import('../rislive/decode.js');
    const js = newJsonlStats();
    try {
      for await (const data of readJsonlCapture(input, js)) {
        if (this.closed) return;
        this.counters.messages++;
        const check = ++this.sinceCheck >= (this.opts.checkEvery ?? RAW_CHECK_EVERY);
        if (check) this.sinceCheck = 0;
        const r = decodeRisMessage(data, { useRaw: this.opts.useRaw, check });
        if (r.source === 'raw') {
          this.rawDecoded++;
          if (check) this.rawChecked++;
        }
        if (r.problems.length) {
          this.counters.errors++;
          log.warn({ file, line: js.lines, problems: r.problems }, 'RIS Live message partly undecodable; skipped the bad parts');
        }
        if (r.disagreement) this.disagreements++;
        this.counters.elements += r.events.length;
        if (r.events.length) yield r.events;
        else {
          const down = peerDownOfRis(data);
          if (down) await this.peerDown(down, hooks);
        }
      }
    } finally {
      this.counters.errors += js.bad;
    }
  }

  private async *mrt(input: OpenedInput, hooks: SourceHooks): AsyncGenerator<RouteEvent[]> {
    const collector = this.collectorOf(input.file);
    const stats = newStats();
    const before = this.counters.messages;
    try {
      for await (const { record, elems } of readMrtRecordElems(input, stats, { ribPrefixes: this.opts.ribPrefixes })) {
        if (this.closed) return;
        this.counters.messages = before + stats.records;
        if (!elems.length) {
          const down = peerDownOf(record);
          if (down) await this.peerDown({ ...down, collector }, hooks);
          continue;
        }
        const rib = isRibRecord(record);
        for (const elem of elems) {
          const event = labelled(elem, collector);
          if (rib) event.from_rib = true;
        }
        this.counters.elements += elems.length;
        yield elems as RouteEvent[]; // labelled in place
      }
    } finally {
      this.countRead(before, stats);
    }
  }

  async readRoutes(visitor: RouteVisitor): Promise<void> {
    const hooks: SourceHooks = { peerDown: visitor.peerDown?.bind(visitor) };
    for (const file of this.files) {
      if (this.closed) return;
      const input = await openByContent(file);
      if (input.jsonl) {
        for await (const events of this.jsonl(input, hooks)) for (const event of events) visitor.event(event);
        continue;
      }
      const collector = this.collectorOf(file);
      const stats = newStats();
      const before = this.counters.messages;
      try {
        await readMrtRoutes(
          input,
          {
            ribEntry: (prefix, peerIp, peerAsn, pathId, timestamp, path) => visitor.ribEntry(collector, prefix, peerIp, peerAsn, pathId, timestamp, path),
            elem: (elem) => visitor.event(labelled(elem, collector)),
            peerDown: (down) => void this.peerDown({ ...down, collector }, hooks),
          },
          stats,
        );
      } finally {
        this.counters.elements += stats.elements;
        this.countRead(before, stats);
      }
    }
  }

  /** Counts a session going down and hands it to the reader. */
  private peerDown(down: PeerDown, hooks: SourceHooks): Promise<void> | void {
    this.peerDowns++;
    return hooks.peerDown?.(down);
  }

  private collectorOf(file: string): string {
    if (this.opts.collector !== undefined) return this.opts.collector;
    const collector = collectorFromPath(file);
    if (collector === UNNAMED_COLLECTOR && !this.unnamedLogged) {
      this.unnamedLogged = true;
      log.debug({ file, collector }, 'the path names no collector (rrcNN, route-views…): its elements, and those of every other such file, are labelled as one collector; --collector names it');
    }
    return collector;
  }

  private countRead(before: number, stats: MrtReadStats): void {
    this.counters.messages = before + stats.records;
    this.counters.errors += Object.values(stats.warnings).reduce((a, b) => a + b, 0);
    this.ribErrors += stats.ribWarnings;
  }

  stats(): SourceStats {
    return { ...this.counters, peerDowns: this.peerDowns, detail: { files: this.files.length, disagreements: this.disagreements, rawDecoded: this.rawDecoded, rawChecked: this.rawChecked, ribErrors: this.ribErrors } };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/**
 * Each element is a fresh object the parser keeps no reference to: label it in place (same
 * keys, same order as a copy with `collector` last, without copying every field).
 */
function labelled(elem: BgpElem, collector: string): RouteEvent {
  const event = elem as RouteEvent;
  event.collector = collector;
  return event;
}
