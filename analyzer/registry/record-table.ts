/**
 * The registry's records in file order, by position: the objects the parser made, or columns
 * read back from a prepared registry, each made into its object when first asked for (a
 * classification touches a fraction of the ~2·10^5 records; making them all cost about as much
 * as parsing the files). Either way one object per record, so records compare by identity.
 */
import { RIRS, type DelegationRecord, type DelegationStatus, type ResourceType } from '../models/registry.js';

const TYPES: readonly ResourceType[] = ['asn', 'ipv4', 'ipv6'];
const STATUSES: readonly DelegationStatus[] = ['allocated', 'assigned', 'available', 'reserved'];

/** Records as columns: the enumerations by position, the other strings as ids into `strings` (0: null). */
export interface RecordColumns {
  rir: Uint8Array;
  type: Uint8Array;
  status: Uint8Array;
  value: Float64Array;
  cc: Uint32Array;
  date: Uint32Array;
  opaqueId: Uint32Array;
  /** The first address or ASN of each record, as text: record i's is startText[startEnd[i - 1] .. startEnd[i]). */
  startEnd: Uint32Array;
  startText: Uint8Array;
  /** Strings by id - 1. */
  strings: string[];
}

export class RecordTable {
  private constructor(
    private readonly objects: DelegationRecord[],
    private readonly columns: (RecordColumns & { text: string; byId: Array<string | null> }) | null,
    readonly length: number,
  ) {}

  static of(records: DelegationRecord[]): RecordTable {
    return new RecordTable(records, null, records.length);
  }

  static fromColumns(c: RecordColumns): RecordTable {
    const text = Buffer.from(c.startText.buffer, c.startText.byteOffset, c.startText.byteLength).toString('latin1');
    return new RecordTable(new Array<DelegationRecord>(c.rir.length), { ...c, text, byId: [null, ...c.strings] }, c.rir.length);
  }

  at(i: number): DelegationRecord {
    return this.objects[i] ?? this.make(i);
  }

  /** Every record, in file order (made now where they were not yet). */
  all(): DelegationRecord[] {
    if (this.columns) for (let i = 0; i < this.length; i++) this.at(i);
    return this.objects;
  }

  private make(i: number): DelegationRecord {
    const c = this.columns!;
    // The parser's field order: records are printed as JSON.
    return (this.objects[i] = {
      rir: RIRS[c.rir[i]],
      cc: c.byId[c.cc[i]] as string,
      type: TYPES[c.type[i]],
      start: c.text.slice(i === 0 ? 0 : c.startEnd[i - 1], c.startEnd[i]),
      value: c.value[i],
      date: c.byId[c.date[i]],
      status: STATUSES[c.status[i]],
      opaqueId: c.byId[c.opaqueId[i]],
    });
  }

  /** The records as columns (for a prepared registry). */
  toColumns(): RecordColumns {
    const n = this.length;
    const ids = new Map<string, number>();
    const strings: string[] = [];
    const id = (s: string | null): number => {
      if (s === null) return 0;
      let k = ids.get(s);
      if (k === undefined) {
        strings.push(s);
        ids.set(s, (k = strings.length));
      }
      return k;
    };
    const c: RecordColumns = {
      rir: new Uint8Array(n),
      type: new Uint8Array(n),
      status: new Uint8Array(n),
      value: new Float64Array(n),
      cc: new Uint32Array(n),
      date: new Uint32Array(n),
      opaqueId: new Uint32Array(n),
      startEnd: new Uint32Array(n),
      startText: new Uint8Array(0),
      strings,
    };
    const starts: string[] = new Array(n);
    let end = 0;
    for (let i = 0; i < n; i++) {
      const r = this.at(i);
      c.rir[i] = RIRS.indexOf(r.rir);
      c.type[i] = TYPES.indexOf(r.type);
      c.status[i] = STATUSES.indexOf(r.status);
      c.value[i] = r.value;
      c.cc[i] = id(r.cc);
      c.date[i] = id(r.date);
      c.opaqueId[i] = id(r.opaqueId);
      starts[i] = r.start;
      c.startEnd[i] = end += r.start.length;
    }
    // Starts are ASCII (digits, dots, hex and colons: the parser checked them), one byte a character.
    c.startText = Buffer.from(starts.join(''), 'latin1');
    return c;
  }
}
