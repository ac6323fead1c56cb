/** A skip index added to an existing table by a later migration. */
export interface IndexDef {
  table: string;
  name: string;
  expression: string;
  type: string;
  granularity: number;
  since: number;
}

/** Skip indexes: origin AS lookups on tables ordered by prefix (ASN pages, the `asn` query). */
export const INDEXES: IndexDef[] = [
  { table: 'route_events', name: 'origin_asn_bf', expression: 'origin_asn', type: 'bloom_filter(0.01)', granularity: 4, since: 2 },
  { table: 'finding_events', name: 'origin_asn_bf', expression: 'origin_asn', type: 'bloom_filter(0.01)', granularity: 2, since: 2 },
];
