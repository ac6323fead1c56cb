import { prefixLink, section } from '../dom.js';
import { time } from '../format.js';
import { kindsList } from './common.js';
import { table } from './table.js';

export interface FindingRow {
  time: number;
  type: string;
  prefix: string;
  kinds: string[];
  severity: string;
  why: string;
}

/** The findings timeline of the ASN and country pages: each finding event with its why. */
export const findingsTimeline = (rows: FindingRow[]): HTMLElement =>
  section(
    'Findings timeline',
    table(
      'Findings, newest first',
      [
        { label: 'Time (UTC)', cell: (r) => time(r.time) },
        { label: 'Event', cell: (r) => r.type },
        { label: 'Prefix', cell: (r) => prefixLink(r.prefix) },
        { label: 'Kinds', cell: (r) => kindsList(r.kinds) },
        { label: 'Why', cell: (r) => r.why },
      ],
      rows,
    ),
  );
