/** An autonomous system's name and the country its registry gives, from a public AS-name list. */
export interface AsName {
  asn: number;
  /** The list's text for the AS: handle and description (`RIPE-NCC-AS Reseaux IP Europeens …`). */
  name: string;
  /** ISO 3166 alpha-2 (upper case) when the list gives one; `ZZ` and empty are null. */
  cc: string | null;
}

/** Names by AS number, and a search over them. */
export interface AsNameLookup {
  /** Where the names came from (a file path), for notes and logs. */
  readonly source: string;
  readonly size: number;
  get(asn: number): AsName | undefined;
  /** Ases whose name contains every word of `text` (case-insensitive), handle matches first. */
  search(text: string, limit?: number): AsName[];
}
