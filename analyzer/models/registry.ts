/** Data types of the registry index: what the RIR and IANA files say. */

export const RIRS = ['afrinic', 'apnic', 'arin', 'lacnic', 'ripencc'] as const;
export type Rir = (typeof RIRS)[number];

export type ResourceType = 'asn' | 'ipv4' | 'ipv6';

export type DelegationStatus = 'allocated' | 'assigned' | 'available' | 'reserved';

/** One record line of a delegated (statistics exchange format) file. */
export interface DelegationRecord {
  rir: Rir;
  /** ISO 3166 alpha-2, or the pseudo-codes EU / AP / ZZ; '' when the file leaves it empty. */
  cc: string;
  type: ResourceType;
  /** First ASN, or first address as text. */
  start: string;
  /** ASN count, IPv4 address count (any number), or IPv6 prefix length. */
  value: number;
  /** YYYYMMDD, or null when the file gives none (empty or 00000000). */
  date: string | null;
  status: DelegationStatus;
  /** Holder id from extended files; null in standard files and on free rows. */
  opaqueId: string | null;
}

/** IANA's designation of the block enclosing an address or ASN. */
export interface IanaDesignation {
  /** The IANA block, e.g. `154.0.0.0/8` or `AS36864-AS37887`. */
  block: string;
  /** The RIR IANA designated it to, when it names one. */
  rir: Rir | null;
  /** IANA's designation text, e.g. "Administered by AFRINIC" or "Level 3 Parent, LLC". */
  designation: string;
  status: 'ALLOCATED' | 'LEGACY' | 'RESERVED' | 'ASSIGNED' | 'UNASSIGNED' | string;
  date: string | null;
  note: string | null;
}

/** An inter-RIR transfer from a `transfers_latest.json` log. */
export interface Transfer {
  /** The range or prefix (as the log gives it) or ASN range. */
  resource: string;
  type: ResourceType;
  fromRir: Rir;
  toRir: Rir;
  /** ISO date. */
  date: string;
  fromCc?: string;
  toCc?: string;
}

/** One delegation record that overlaps a looked-up prefix, with the share it covers. */
export interface RecordOverlap {
  record: DelegationRecord;
  /** The record's exact CIDR that overlaps the prefix (records are split into CIDRs). */
  cidr: string;
  /** Fraction of the looked-up prefix's addresses this record covers (0..1]. */
  share: number;
}

/**
 * What the registry says about a prefix.
 * - `full`: delegated records (allocated/assigned) cover every address.
 * - `partial`: some addresses are not covered by any allocated/assigned record.
 * - `none`: no allocated/assigned record overlaps it (available, reserved or unknown space).
 */
export interface PrefixRegistration {
  prefix: string;
  /** Every allocated/assigned record overlapping the prefix, most-specific covering first. */
  records: RecordOverlap[];
  /** Free-space rows (available/reserved) overlapping it, from extended files. */
  free: RecordOverlap[];
  coverage: 'full' | 'partial' | 'none';
  /**
   * The registering RIR: each address is registered by the most specific allocated/assigned
   * record holding it (records nest: an ERX carve-out listed by one RIR inside another RIR's
   * legacy block belongs to the carve-out's RIR); between records of identical extent from
   * different RIRs, the RIR IANA designated the block to if it is among them, else the
   * alphabetically first. Set when coverage is full and every address resolves to this one RIR;
   * null when addresses resolve to different RIRs, or coverage is partial or none. It can be set
   * while `mixed` is true (nesting resolved it; `conflicts` still lists the records).
   */
  rir: Rir | null;
  /** More than one RIR among `records` (whether or not nesting resolves `rir`). */
  mixed: boolean;
  iana: IanaDesignation | null;
  transfers: Transfer[];
  /** The same space present in the files of two different RIRs (nested or of identical extent), all the records involved. */
  conflicts: RecordOverlap[];
}

/**
 * One of the disjoint, sorted segments of delegated space (RegistryIndex.registeredSegments),
 * labelled with the record that registers it: the most specific allocated/assigned record
 * holding it, ties between RIRs broken as for PrefixRegistration.rir.
 */
export interface RegisteredSegment<K extends number | bigint = bigint> {
  /** First and last address, inclusive, absolute: numbers for IPv4, full 128-bit bigints for IPv6. */
  first: K;
  last: K;
  /** The registering record (the winner). */
  record: DelegationRecord;
  /** A record of identical extent from another RIR also holds this segment (the same space in two files). */
  conflict: boolean;
}

/** What the accounting reads of a registering record. */
export type RecordOwner = Pick<DelegationRecord, 'rir' | 'cc' | 'opaqueId'>;

/**
 * The registered segments as columns, without an object per segment (what the accounting reads,
 * and what a prepared registry holds): segment i is first[i]..last[i], registered by record[i],
 * conflict[i] 1 where RegisteredSegment.conflict is true.
 */
export interface RegisteredColumns<K extends number | bigint> {
  first: ArrayLike<K>;
  last: ArrayLike<K>;
  record: ReadonlyArray<RecordOwner>;
  conflict: ArrayLike<number>;
}

export interface AsnRegistration {
  asn: number;
  record: DelegationRecord | null;
  rir: Rir | null;
  iana: IanaDesignation | null;
  transfers: Transfer[];
}

/** Per-RIR totals for `portolan registry stats`. */
export interface RegistryFileInfo {
  rir: Rir | 'iana';
  path: string;
  /** Version-line fields. */
  version: string;
  serial: string;
  /** Date the file describes (its end date or serial date), YYYY-MM-DD. */
  date: string | null;
  extended: boolean;
  records: number;
  /** Lines skipped as malformed, with a warning each. */
  skipped: number;
}

/** The lookup interface the classifier and the CLI use; the index implements it. */
export interface RegistryLookup {
  prefix(prefix: string): PrefixRegistration;
  asn(asn: number): AsnRegistration;
  files(): RegistryFileInfo[];
}

/** Kinds of registry change event (`portolan registry diff`, table registry_changes). */
export const CHANGE_KINDS = ['added', 'removed', 'moved', 'status-changed', 'cc-changed', 'holder-changed', 'date-changed'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/**
 * One change between two registry snapshots, over an exact range of the registering view (each
 * address labelled by its most specific allocated/assigned record, on each side). Field names are
 * an interface: scripts read `registry diff --json`, and registry_changes has the same columns.
 */
export interface RegistryChange {
  kind: ChangeKind;
  family: ResourceType;
  /** First and last address (IPv4 dotted, IPv6 RFC 5952) or ASN (decimal), inclusive. */
  start: string;
  end: string;
  /** IPv4 addresses, IPv6 /48s (fractional below a /48) or ASNs. */
  addresses: number;
  /** Registering RIR before / after; null when the range was not delegated on that side (added / removed). */
  from_rir: Rir | null;
  to_rir: Rir | null;
  from_cc: string | null;
  to_cc: string | null;
  /** allocated / assigned; for the undelegated side of added / removed: available, reserved or absent. */
  from_status: string;
  to_status: string;
  /** Holder opaque-ids (extended files), null when the file has none. */
  from_holder: string | null;
  to_holder: string | null;
  /** The records' registration dates, YYYY-MM-DD or null. */
  from_reg_date: string | null;
  to_reg_date: string | null;
  /** Dates (YYYY-MM-DD) of the two files compared: the "from" side's file and the "to" side's. */
  from_file_date: string | null;
  to_file_date: string | null;
  /** moved / holder-changed: 'logged' when a transfer log entry explains it, else 'unlogged'; null for other kinds. */
  transfer: 'logged' | 'unlogged' | null;
  transfer_date: string | null;
  /** The log entry's type (RESOURCE_TRANSFER, MERGER_ACQUISITION, …). */
  transfer_type: string | null;
}
