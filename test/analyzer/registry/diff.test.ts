/**
 * registry diff on real files, checked against an independent interval computation: plain loops
 * over the files' lines, CIDR splitting, and painting each elementary interval with its most
 * specific record (no code shared with analyzer/registry).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { diffRegistries } from '../../../analyzer/registry/diff.js';
import { loadDiffFolder } from '../../../analyzer/registry/diff-load.js';
import { parseDelegatedText } from '../../../analyzer/registry/delegated-parser.js';
import type { RegistryChange } from '../../../analyzer/models/registry.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../../helpers/shared-data.js';

type Fam = 'ipv4' | 'ipv6' | 'asn';
interface Piece { first: bigint; last: bigint; spec: number; rir: string }

const ORDER = ['afrinic', 'apnic', 'arin', 'lacnic', 'ripencc'];

function v6(text: string): bigint {
  const [head, tail] = text.includes('::') ? text.split('::') : [text, null];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === null ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((a, g) => (a << 16n) | BigInt(parseInt(g, 16)), 0n);
}
const v4 = (text: string): bigint => text.split('.').reduce((a, o) => a * 256n + BigInt(Number(o)), 0n);

/** The allocated/assigned pieces of a file's lines for one family (IPv4 cut into aligned CIDR blocks). */
function pieces(path: string, family: Fam): Piece[] {
  const raw = readFileSync(path);
  const text = (raw[0] === 0x1f ? gunzipSync(raw) : raw).toString('utf8');
  const out: Piece[] = [];
  for (const line of text.split('\n')) {
    const f = line.replace(/\r$/, '').split('|');
    if (f.length < 7 || f[2] !== family || f[1] === '*' || (f[6] !== 'allocated' && f[6] !== 'assigned')) continue;
    if (family === 'ipv4') {
      let cur = v4(f[3]);
      const end = cur + BigInt(f[4]);
      while (cur < end) {
        let size = 1n;
        let len = 32;
        while (len > 0 && cur % (size * 2n) === 0n && cur + size * 2n <= end) {
          size *= 2n;
          len--;
        }
        out.push({ first: cur, last: cur + size - 1n, spec: len, rir: f[0] });
        cur += size;
      }
    } else if (family === 'ipv6') {
      const s = v6(f[3]);
      out.push({ first: s, last: s + (1n << BigInt(128 - Number(f[4]))) - 1n, spec: Number(f[4]), rir: f[0] });
    } else {
      out.push({ first: BigInt(f[3]), last: BigInt(f[3]) + BigInt(f[4]) - 1n, spec: -Number(f[4]), rir: f[0] });
    }
  }
  return out;
}

interface Tally { moved: Map<string, bigint>; added: Map<string, bigint>; removed: Map<string, bigint> }

/** Paints the elementary intervals of both sides with their most specific piece and tallies the space by change. */
function independent(fromFiles: string[], toFiles: string[], family: Fam): Tally {
  const a = fromFiles.flatMap((p) => pieces(p, family));
  const b = toFiles.flatMap((p) => pieces(p, family));
  const pts = new Set<string>();
  for (const p of [...a, ...b]) {
    pts.add(p.first.toString());
    pts.add((p.last + 1n).toString());
  }
  const bounds = [...pts].map(BigInt).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const find = (v: bigint) => {
    let lo = 0;
    let hi = bounds.length - 1;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (bounds[m] < v) lo = m + 1;
      else hi = m;
    }
    return lo;
  };
  const paint = (side: Piece[]) => {
    const owner: Array<Piece | undefined> = new Array(bounds.length);
    for (const p of side) {
      for (let k = find(p.first); k < bounds.length - 1 && bounds[k] <= p.last; k++) {
        const o = owner[k];
        if (!o || p.spec > o.spec || (p.spec === o.spec && ORDER.indexOf(p.rir) < ORDER.indexOf(o.rir))) owner[k] = p;
      }
    }
    return owner;
  };
  const oa = paint(a);
  const ob = paint(b);
  const t: Tally = { moved: new Map(), added: new Map(), removed: new Map() };
  const add = (m: Map<string, bigint>, k: string, n: bigint) => m.set(k, (m.get(k) ?? 0n) + n);
  for (let k = 0; k < bounds.length - 1; k++) {
    const size = bounds[k + 1] - bounds[k];
    const x = oa[k];
    const y = ob[k];
    if (x && y && x.rir !== y.rir) add(t.moved, `${x.rir}>${y.rir}`, size);
    else if (!x && y) add(t.added, y.rir, size);
    else if (x && !y) add(t.removed, x.rir, size);
  }
  return t;
}

/** The same tallies from the diff's events (IPv6 back from /48s to addresses). */
function fromEvents(events: RegistryChange[], family: Fam): Record<keyof Tally, Record<string, number>> {
  const out = { moved: {} as Record<string, number>, added: {} as Record<string, number>, removed: {} as Record<string, number> };
  for (const e of events) {
    if (e.family !== family) continue;
    const key = e.kind === 'moved' ? `${e.from_rir}>${e.to_rir}` : e.kind === 'added' ? e.to_rir! : e.kind === 'removed' ? e.from_rir! : null;
    if (!key || (e.kind !== 'moved' && e.kind !== 'added' && e.kind !== 'removed')) continue;
    out[e.kind][key] = (out[e.kind][key] ?? 0) + e.addresses;
  }
  return out;
}

const unit = (family: Fam, n: bigint): number => (family === 'ipv6' ? Number(n) / 2 ** 80 : Number(n));

function expectSame(t: Tally, got: ReturnType<typeof fromEvents>, family: Fam): void {
  for (const kind of ['moved', 'added', 'removed'] as const) {
    const want = Object.fromEntries([...t[kind]].map(([k, n]) => [k, unit(family, n)]));
    expect(Object.keys(got[kind]).sort(), `${family} ${kind} keys`).toEqual(Object.keys(want).sort());
    for (const k of Object.keys(want)) {
      if (family === 'ipv6') expect(Math.abs(got[kind][k] - want[k]) / Math.max(1, want[k]), `${family} ${kind} ${k}`).toBeLessThan(1e-9);
      else expect(got[kind][k], `${family} ${kind} ${k}`).toBe(want[k]);
    }
  }
}

const rirFile = (dir: string, rir: string, extended: boolean) => sharedData('rir', dir, `delegated-${rir}-${extended ? 'extended-' : ''}latest.gz`);

describe.skipIf(!hasSharedData)(`registry diff on real files (${sharedDataSkipReason})`, () => {
  const cases = [
    { from: '2013-08-13', to: '2014-07-01', rirs: ['apnic', 'lacnic', 'ripencc'], extended: false, leftOut: [{ rir: 'afrinic', presentIn: 'to' }, { rir: 'arin', presentIn: 'from' }] },
    { from: '2023-03-23', to: '2024-01-05', rirs: ['afrinic', 'lacnic'], extended: true, leftOut: [] },
  ];
  for (const c of cases) {
    it(`${c.from} → ${c.to}: moved per RIR pair, added and removed per RIR equal an independent interval computation`, async () => {
      const result = diffRegistries(await loadDiffFolder(sharedData('rir', c.from)), await loadDiffFolder(sharedData('rir', c.to)));
      expect(result.compared).toEqual(c.rirs);
      expect(result.leftOut).toEqual(c.leftOut);
      for (const family of ['ipv4', 'ipv6', 'asn'] as const) {
        const t = independent(c.rirs.map((r) => rirFile(c.from, r, c.extended)), c.rirs.map((r) => rirFile(c.to, r, c.extended)), family);
        expectSame(t, fromEvents(result.events, family), family);
      }
      // Events are disjoint per kind and family, sized exactly, and carry both files' dates.
      for (const e of result.events) {
        expect(e.addresses).toBeGreaterThan(0);
        expect(e.from_file_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(e.to_file_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }
      if (c.extended) expect(result.events.some((e) => e.kind === 'holder-changed')).toBe(true);
      else expect(result.events.some((e) => e.kind === 'holder-changed')).toBe(false);
    }, 120_000);
  }

  it('--all-rirs turns a RIR present on one side only into added / removed space', async () => {
    const a = await loadDiffFolder(sharedData('rir', '2013-08-13'));
    const b = await loadDiffFolder(sharedData('rir', '2014-07-01'));
    const r = diffRegistries(a, b, { allRirs: true, families: ['asn'] });
    expect(r.leftOut).toEqual([]);
    const arinRemoved = r.events.filter((e) => e.kind === 'removed' && e.from_rir === 'arin').reduce((s, e) => s + e.addresses, 0);
    expect(arinRemoved).toBeGreaterThan(20_000);
  }, 60_000);
});

export const side = (label: string, lines: string[]) => {
  const byRir = new Map<string, string[]>();
  for (const l of lines) byRir.set(l.split('|')[0], [...(byRir.get(l.split('|')[0]) ?? []), l]);
  return {
    label,
    files: [...byRir].map(([rir, ls]) => {
      const f = parseDelegatedText([`2.3|${rir}|${label.replace(/-/g, '')}|${ls.length}|19850101|${label.replace(/-/g, '')}|+0000`, ...ls].join('\n'));
      return { rir: rir as 'arin', date: label, records: f.records };
    }),
  };
};

describe('registry diff on fixtures', () => {
  it('a legacy block holding another RIR’s carve-out: only the carve-out’s space moves, split exactly', () => {
    const a = side('2020-01-01', [
      'arin|US|ipv4|10.0.0.0|16777216|19900101|assigned|A1',
      'ripencc|NL|ipv4|10.1.0.0|65536|20000101|allocated|R1',
      'apnic|JP|ipv4|192.0.2.0|256|20000101|allocated|P1',
    ]);
    const b = side('2021-01-01', [
      'arin|US|ipv4|10.0.0.0|16777216|19900101|assigned|A1',
      // the carve-out now APNIC's, half of it; the other half falls back to the ARIN legacy block
      'apnic|SG|ipv4|10.1.0.0|32768|20200601|allocated|P2',
      'ripencc|NL|ipv4|10.1.128.0|32768|20000101|allocated|R1',
      'apnic|JP|ipv4|192.0.2.0|256|20000101|assigned|P1',
    ]);
    const r = diffRegistries(a, b);
    const pick = (e: RegistryChange) => [e.kind, e.start, e.end, e.addresses, e.from_rir, e.to_rir, e.from_cc, e.to_cc];
    expect(r.events.map(pick)).toEqual([
      ['moved', '10.1.0.0', '10.1.127.255', 32768, 'ripencc', 'apnic', 'NL', 'SG'],
      ['status-changed', '192.0.2.0', '192.0.2.255', 256, 'apnic', 'apnic', 'JP', 'JP'],
    ]);
    expect(r.events[0]).toMatchObject({ transfer: 'unlogged', from_file_date: '2020-01-01', to_file_date: '2021-01-01', from_holder: 'R1', to_holder: 'P2' });
  });

  it('added / removed say whether the other side had the space available, reserved or not at all', () => {
    const a = side('2020-01-01', ['lacnic|BR|ipv4|200.0.0.0|1024|20000101|allocated|L1', 'lacnic||ipv4|200.0.4.0|1024||available']);
    const b = side('2021-01-01', ['lacnic||ipv4|200.0.0.0|512||reserved', 'lacnic|AR|ipv4|200.0.4.0|512|20200101|assigned|L2']);
    const r = diffRegistries(a, b);
    expect(r.events.map((e) => [e.kind, e.start, e.end, e.from_status, e.to_status])).toEqual([
      ['removed', '200.0.0.0', '200.0.1.255', 'allocated', 'reserved'],
      ['removed', '200.0.2.0', '200.0.3.255', 'allocated', 'absent'],
      ['added', '200.0.4.0', '200.0.5.255', 'available', 'assigned'],
    ]);
  });
});

describe('registry diff: IPv6 coordinates', () => {
  // Files with only /64 or shorter prefixes take the bigint-free path; a /128 anywhere forces the
  // general bigint path. Both must give the same events for the same space.
  const from = [
    'arin|US|ipv6|2001:db8::|32|20000101|allocated|A1',
    'ripencc|DE|ipv6|2001:db8:1::|48|20100101|assigned|R1',
    'apnic|JP|ipv6|2400:cb00::|64|20100101|assigned|P1',
    'apnic|JP|ipv6|2400:cb00:0:1::|64|20100101|assigned|P1',
    'lacnic|BR|ipv6|2800::|12|20050101|allocated|L1',
    'afrinic|ZA|ipv6|ffff:ffff:ffff:ffff::|64|20050101|assigned|F1',
    'ripencc|DE|ipv6|2a00::|12|20050101|allocated|R9',
  ];
  const to = [
    'arin|US|ipv6|2001:db8::|32|20000101|allocated|A2',
    'apnic|SG|ipv6|2001:db8:1:8000::|49|20200101|assigned|P2',
    'apnic|JP|ipv6|2400:cb00::|64|20100101|allocated|P1',
    'lacnic|AR|ipv6|2800::|12|20050101|allocated|L1',
    'afrinic|ZA|ipv6|ffff:ffff:ffff:ffff::|64|20050101|assigned|F1',
    'ripencc|DE|ipv6|2a00::|12|20050101|allocated|R9',
  ];
  const pick = (e: RegistryChange) => [e.kind, e.start, e.end, e.addresses, e.from_rir, e.to_rir];
  it('the bigint-free path (every prefix a /64 or shorter) and the general one agree, to the address', () => {
    const fast = diffRegistries(side('2020-01-01', from), side('2021-01-01', to), { families: ['ipv6'] }).events.map(pick);
    const force = 'arin|US|ipv6|3fff::1|128|20100101|assigned|X';
    const slow = diffRegistries(side('2020-01-01', [...from, force]), side('2021-01-01', [...to, force]), { families: ['ipv6'] }).events.map(pick);
    expect(fast).toEqual(slow);
    expect(fast).toContainEqual(['moved', '2001:db8:1:8000::', '2001:db8:1:ffff:ffff:ffff:ffff:ffff', 0.5, 'ripencc', 'apnic']);
    // The carve-out's first half falls back to the ARIN /32 around it.
    expect(fast).toContainEqual(['moved', '2001:db8:1::', '2001:db8:1:7fff:ffff:ffff:ffff:ffff', 0.5, 'ripencc', 'arin']);
    expect(fast).toContainEqual(['removed', '2400:cb00:0:1::', '2400:cb00:0:1:ffff:ffff:ffff:ffff', 2 ** -16, 'apnic', null]);
    expect(fast).toContainEqual(['status-changed', '2400:cb00::', '2400:cb00::ffff:ffff:ffff:ffff', 2 ** -16, 'apnic', 'apnic']);
    expect(fast.filter((e) => e[0] === 'cc-changed').map((e) => e[1])).toEqual(['2800::']);
  });
});

describe('IPv4 ranges cut into CIDRs at the edges of the space', () => {
  const file = (rir: string, lines: string[]) => [`2.3|${rir}|20240105|${lines.length}|19850101|20240105|+0000`, ...lines].join('\n') + '\n';

  it('a range that is not one CIDR (a /23 then a /24): specificity follows each CIDR', () => {
    const arin = parseDelegatedText(file('arin', ['arin|US|ipv4|45.0.0.0|768|20000101|allocated'])).records;
    const from = { label: 'from', files: [{ rir: 'arin' as const, date: '2024-01-04', records: arin }, { rir: 'ripencc' as const, date: '2024-01-04', records: parseDelegatedText(file('ripencc', ['ripencc|NL|ipv4|46.0.0.0|256|20000101|allocated'])).records }] };
    const ripe = ['ripencc|NL|ipv4|46.0.0.0|256|20000101|allocated', 'ripencc|NL|ipv4|45.0.1.0|256|20240105|allocated', 'ripencc|NL|ipv4|45.0.2.0|256|20240105|allocated'];
    const to = { label: 'to', files: [{ rir: 'arin' as const, date: '2024-01-05', records: arin }, { rir: 'ripencc' as const, date: '2024-01-05', records: parseDelegatedText(file('ripencc', ripe)).records }] };
    // RIPE's /24 inside ARIN's /23 is more specific: moved. RIPE's /24 equal to ARIN's third CIDR
    // (45.0.2.0/24) ties and ARIN, alphabetically first, keeps it: no event.
    expect(diffRegistries(from, to).events.map((e) => [e.kind, e.start, e.end, e.from_rir, e.to_rir])).toEqual([['moved', '45.0.1.0', '45.0.1.255', 'arin', 'ripencc']]);
  });

  it('the whole IPv4 space as one record, and the last address', () => {
    const all = parseDelegatedText(file('arin', ['arin|ZZ|ipv4|0.0.0.0|4294967296|20000101|allocated'])).records;
    const from = { label: 'from', files: [{ rir: 'arin' as const, date: '2024-01-04', records: all }, { rir: 'apnic' as const, date: '2024-01-04', records: parseDelegatedText(file('apnic', ['apnic|JP|ipv4|103.0.0.0|256|20000101|allocated'])).records }] };
    const to = { label: 'to', files: [{ rir: 'arin' as const, date: '2024-01-05', records: all }, { rir: 'apnic' as const, date: '2024-01-05', records: parseDelegatedText(file('apnic', ['apnic|JP|ipv4|103.0.0.0|256|20000101|allocated', 'apnic|AU|ipv4|255.255.255.255|1|20240105|assigned'])).records }] };
    expect(diffRegistries(from, to).events.map((e) => [e.kind, e.start, e.end, e.addresses])).toEqual([['moved', '255.255.255.255', '255.255.255.255', 1]]);
  });
});
