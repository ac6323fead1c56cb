/**
 * What the writers of MRT records as text (bgpdump lines, JSON lines) share. A BGP4MP record is
 * read in place (Bgp4mpScan) and written a line per withdrawn then per announced prefix: the line
 * head (what comes before the prefix) written for a record's first line of a kind and copied for
 * the others, and an announcement's attribute fields written for a field's first prefix and
 * copied for the others. A TABLE_DUMP entry (TableDumpScan) is one line, and so is each entry of
 * a TABLE_DUMP_V2 RIB record (RibScan). A writer says how each part looks.
 */
import type { TextBytes } from '../../common/text-bytes.js';
import { MRT_TYPE, type PeerIndexEntry } from '../models/mrt.js';
import { Bgp4mpScan, type NlriField } from './bgp4mp-scan.js';
import { u32 } from './body.js';
import type { MrtFrame } from './framing.js';
import { RibScan } from './rib-scan.js';
import { TableDumpScan } from './table-dump-scan.js';

/** Room for a line's parts besides its head and the attributes' text: prefix, path id, addresses, numbers. */
const LINE_FIELDS = 256;
/** Room for a line head: the fixed keys and numbers (128) and a peer address of up to 45 characters. */
export const HEAD_ROOM = 128 + 46;

export abstract class MrtTextWriter {
  /** Elements written (one per withdrawn or announced prefix). */
  elements = 0;
  protected readonly record = new Bgp4mpScan();
  protected readonly tableDump = new TableDumpScan();
  protected readonly rib = new RibScan();
  /** The peers of the last PEER_INDEX_TABLE the full decode read (the caller hands them over): RIB records name theirs by index. */
  peers: PeerIndexEntry[] | undefined;
  private headStart = 0;
  private headEnd = 0;
  private headFresh = false;

  constructor(readonly out: TextBytes) {}

  /** True when `f`, a BGP4MP or RIB record, was written here (a message without routes may write nothing); false: nothing written, decode it in full. */
  message(f: MrtFrame): boolean {
    if (f.type === MRT_TYPE.TABLE_DUMP) return this.writeTableDump(f);
    if (f.type === MRT_TYPE.TABLE_DUMP_V2) return this.writeRib(f);
    const r = this.record;
    if (!r.read(f)) return false;
    if (r.kind === 'state-change') this.stateChange(f);
    if (r.elements === 0) return true;
    if (r.withdrawn.count + r.unreach.count > 0) {
      this.writeHead(f, 'withdraw');
      this.withdrawals(r.withdrawn);
      this.withdrawals(r.unreach);
    }
    if (r.announced.count + r.reach.count > 0) {
      this.writeHead(f, 'announce');
      this.announcements(r.announced);
      this.announcements(r.reach);
    }
    this.elements += r.elements;
    return true;
  }

  private writeTableDump(f: MrtFrame): boolean {
    const e = this.tableDump;
    if (!e.read(f)) return false;
    this.reserveLine(e.attributeBytes);
    this.tableDumpLine(f);
    this.elements++;
    return true;
  }

  /** The line of the TABLE_DUMP entry `tableDump` just read (room for it is reserved). */
  protected abstract tableDumpLine(f: MrtFrame): void;

  /** A line per entry; at an entry the full decode would read otherwise, nothing (what was written of the record is dropped). */
  private writeRib(f: MrtFrame): boolean {
    const r = this.rib;
    if (!r.start(f, this.peers)) return false;
    const out = this.out;
    const mark = out.pos;
    for (let i = 0; i < r.count; i++) {
      if (!r.next()) {
        out.pos = mark;
        return false;
      }
      this.reserveLine(r.attributeBytes);
      this.ribEntryLine(f);
    }
    this.elements += r.count;
    return true;
  }

  /** Room for one RIB line: its head, its other fields and the text of `attributeBytes` of path attributes. */
  private reserveLine(attributeBytes: number): void {
    this.out.reserve(HEAD_ROOM + 2 * LINE_FIELDS + this.charsPerAttributeByte * attributeBytes);
  }

  /** The line of the RIB entry `rib` just read (room for it is reserved); the record's prefix is at RIB_PREFIX_AT. */
  protected abstract ribEntryLine(f: MrtFrame): void;

  /** A state change's text (none by default: it is no element). */
  protected stateChange(_f: MrtFrame): void {}

  /** Prefixes as on the wire with bgpdump's IPv6 text (true), or canonical (false; see TextBytes.nlriPrefix). */
  protected abstract readonly wirePrefixes: boolean;
  /** The most characters the shared fields write per byte of path attributes (to reserve room). */
  protected abstract readonly charsPerAttributeByte: number;

  /** Writes the head of the record's lines of this kind (at most HEAD_ROOM bytes). */
  protected abstract head(f: MrtFrame, kind: 'withdraw' | 'announce'): void;
  /** What follows a withdrawn prefix (`pathId` 0 without ADD-PATH). */
  protected abstract withdrawalEnd(pathId: number): void;
  /** What follows an announced prefix, up to the fields every prefix of the field shares. */
  protected abstract announcementStart(pathId: number): void;
  /** The fields every announced prefix of the field shares (written once, then copied). */
  protected abstract sharedFields(field: NlriField): void;
  /** What follows the shared fields. */
  protected abstract announcementEnd(field: NlriField, pathId: number): void;

  private withdrawals(field: NlriField): void {
    const out = this.out;
    const { body: b, addPath } = this.record;
    for (let p = field.start; p < field.end; ) {
      const pathId = addPath ? u32(b, p) : 0;
      if (addPath) p += 4;
      out.reserve(this.headLength + LINE_FIELDS);
      this.lineHead();
      p = out.nlriPrefix(b, p, field.afi, this.wirePrefixes);
      this.withdrawalEnd(pathId);
    }
  }

  private announcements(field: NlriField): void {
    const out = this.out;
    const { body: b, addPath } = this.record;
    let sharedStart = -1;
    let sharedEnd = -1;
    const sharedMax = this.charsPerAttributeByte * this.record.attributeBytes + LINE_FIELDS;
    for (let p = field.start; p < field.end; ) {
      const pathId = addPath ? u32(b, p) : 0;
      if (addPath) p += 4;
      out.reserve(this.headLength + LINE_FIELDS + (sharedStart >= 0 ? sharedEnd - sharedStart : sharedMax));
      this.lineHead();
      p = out.nlriPrefix(b, p, field.afi, this.wirePrefixes);
      this.announcementStart(pathId);
      if (sharedStart >= 0) out.repeat(sharedStart, sharedEnd);
      else {
        sharedStart = out.pos;
        this.sharedFields(field);
        sharedEnd = out.pos;
      }
      this.announcementEnd(field, pathId);
    }
  }

  /** Writes a head through head(), and remembers its bytes for the record's next lines of the kind. */
  private writeHead(f: MrtFrame, kind: 'withdraw' | 'announce'): void {
    this.out.reserve(HEAD_ROOM);
    this.headStart = this.out.pos;
    this.head(f, kind);
    this.headEnd = this.out.pos;
    this.headFresh = true;
  }

  /** A line's head: the one writeHead() just wrote for the first line, a copy of it for the others. */
  private lineHead(): void {
    if (this.headFresh) this.headFresh = false;
    else this.out.repeat(this.headStart, this.headEnd);
  }

  private get headLength(): number {
    return this.headEnd - this.headStart;
  }
}
