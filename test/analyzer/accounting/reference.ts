/**
 * An independent computation of the portability index, for tests only. It shares no code with
 * analyzer/: its own address parsing, its own delegated-file reader, a boundary sweep with
 * active sets (instead of the product's nested-interval stack and segment overlay), and the
 * geo database read through mmdb-lib's own lookups (instead of our tree walk). Slow and plain.
 * The country → RIR service-region table is reference data and is passed in.
 */
import { Reader } from 'mmdb-lib';

type Rir = 'afrinic' | 'apnic' | 'arin' | 'lacnic' | 'ripencc';
const RIRS: Rir[] = ['afrinic', 'apnic', 'arin', 'lacnic', 'ripencc'];

export interface RefElem {
  elem_type: 'announce' | 'withdraw';
  prefix: string;
  peer_ip: string;
  peer_asn: number;
  path_id?: number;
  origin_asns?: number[];
}

export interface RefInput {
  elems: Iterable<RefElem>;
  /** Contents of delegated files. */
  delegated: string[];
  mmdb: Buffer;
  v4: [number, number];
  v6: [number, number];
  minPeers: number;
  /** Special-purpose CIDRs to leave out (any prefix overlapping one). */
  special: string[];
  regionOf: (cc: string) => string | null;
}

export interface RefFigures<N = bigint> {
  routed: N;
  geolocated: N;
  in_region: N;
  out_of_region: N;
}

/** Address figures are exact sums of addresses; prefix figures are counts. */
export interface RefRir extends RefFigures {
  prefixes: RefFigures<number>;
  same_rir: bigint;
  other_rir: bigint;
  unknown: bigint;
  holders: Map<string, bigint>;
  origins: Map<string, bigint>;
  countries: Map<string, bigint>;
}

export type RefResult = Record<4 | 6, Record<string, RefRir>>;

/** Address text → [family, value]. */
export function parseAddress(text: string): [4 | 6, bigint] {
  if (text.includes('.') && !text.includes(':')) {
    const parts = text.split('.').map(Number);
    return [4, BigInt(((parts[0] * 256 + parts[1]) * 256 + parts[2]) * 256 + parts[3])];
  }
  let [head, tail] = text.includes('::') ? text.split('::') : [text, null];
  const h = head ? head.split(':') : [];
  const t = tail === null ? [] : tail ? tail.split(':') : [];
  const groups = tail === null ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  let v = 0n;
  for (const g of groups) v = (v << 16n) + BigInt(parseInt(g, 16));
  return [6, v];
}

function parseCidr(text: string): { family: 4 | 6; start: bigint; end: bigint; length: number } {
  const [addr, len] = text.split('/');
  const [family, start] = parseAddress(addr);
  const bits = family === 4 ? 32 : 128;
  const length = Number(len);
  return { family, start, end: start + (1n << BigInt(bits - length)) - 1n, length };
}

function addressText(family: 4 | 6, v: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.');
  const groups: string[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(((v >> s) & 0xffffn).toString(16));
  return groups.join(':');
}

interface Record_ {
  rir: Rir;
  cc: string;
  opaqueId: string | null;
  start: bigint;
  end: bigint;
}

function readDelegated(texts: string[]): { ranges: Record<4 | 6, Record_[]>; asns: Array<{ first: number; last: number; rir: Rir; cc: string }> } {
  const ranges: Record<4 | 6, Record_[]> = { 4: [], 6: [] };
  const asns: Array<{ first: number; last: number; rir: Rir; cc: string }> = [];
  for (const text of texts) {
    for (const line of text.split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const f = line.trim().split('|');
      if (f.length < 7 || !RIRS.includes(f[0] as Rir) || f[1] === '*') continue;
      if (f[6] !== 'allocated' && f[6] !== 'assigned') continue;
      const rir = f[0] as Rir;
      if (f[2] === 'asn') asns.push({ first: Number(f[3]), last: Number(f[3]) + Number(f[4]) - 1, rir, cc: f[1] });
      else if (f[2] === 'ipv4') {
        const [, s] = parseAddress(f[3]);
        ranges[4].push({ rir, cc: f[1], opaqueId: f[7] || null, start: s, end: s + BigInt(f[4]) - 1n });
      } else if (f[2] === 'ipv6') {
        const [, s] = parseAddress(f[3]);
        ranges[6].push({ rir, cc: f[1], opaqueId: f[7] || null, start: s, end: s + (1n << BigInt(128 - Number(f[4]))) - 1n });
      }
    }
  }
  return { ranges, asns };
}

const zero = (): RefFigures<number> => ({ routed: 0, geolocated: 0, in_region: 0, out_of_region: 0 });

export function referenceIndex(input: RefInput): RefResult {
  // 1. The routing table: per prefix, each peer's current origin.
  const table = new Map<string, Map<string, number>>();
  for (const e of input.elems) {
    const key = `${e.peer_ip}|${e.peer_asn}|${e.path_id ?? 0}`;
    let routes = table.get(e.prefix);
    if (!routes) table.set(e.prefix, (routes = new Map()));
    if (e.elem_type === 'announce' && e.origin_asns && e.origin_asns.length) routes.set(key, Math.min(...e.origin_asns));
    else routes.delete(key);
  }
  const special = input.special.map(parseCidr);
  const { ranges, asns } = readDelegated(input.delegated);
  const asnMemo = new Map<number, (typeof asns)[number] | null>();
  const asnOf = (asn: number) => {
    if (!asnMemo.has(asn)) asnMemo.set(asn, asns.find((a) => a.first <= asn && asn <= a.last) ?? null);
    return asnMemo.get(asn) ?? null;
  };
  const reader = new Reader<Record<string, unknown>>(input.mmdb);
  const result = {} as RefResult;

  for (const family of [4, 6] as const) {
    const bits = family === 4 ? 32 : 128;
    const [minLen, maxLen] = family === 4 ? input.v4 : input.v6;
    const routes: Array<{ start: bigint; end: bigint; length: number; origin: number; counts: Map<string, bigint>; byRir: Map<string, bigint> }> = [];
    for (const [text, peers] of table) {
      if (peers.size === 0) continue;
      const p = parseCidr(text);
      if (p.family !== family || p.length < minLen || p.length > maxLen || peers.size < input.minPeers) continue;
      if (special.some((s) => s.family === family && s.start <= p.end && p.start <= s.end)) continue;
      const byOrigin = new Map<number, number>();
      for (const o of peers.values()) byOrigin.set(o, (byOrigin.get(o) ?? 0) + 1);
      let origin = -1;
      let most = 0;
      for (const [o, n] of byOrigin) if (n > most || (n === most && o < origin)) [origin, most] = [o, n];
      routes.push({ ...p, origin, counts: new Map(), byRir: new Map() });
    }
    // 2. Boundary sweep over routes and records, with the sets active in each elementary range.
    const events = new Map<bigint, { add: Array<() => void> }>();
    const at = (b: bigint) => events.get(b) ?? (events.set(b, { add: [] }), events.get(b)!);
    const activeRoutes = new Set<(typeof routes)[number]>();
    const activeRecords = new Set<Record_>();
    for (const r of routes) {
      at(r.start).add.push(() => activeRoutes.add(r));
      at(r.end + 1n).add.push(() => activeRoutes.delete(r));
    }
    for (const r of routes.length ? ranges[family] : []) {
      at(r.start).add.push(() => activeRecords.add(r));
      at(r.end + 1n).add.push(() => activeRecords.delete(r));
    }
    const points = [...events.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const acc: Record<string, RefRir> = {};
    for (const r of [...RIRS, 'unregistered']) acc[r] = { routed: 0n, geolocated: 0n, in_region: 0n, out_of_region: 0n, prefixes: zero(), same_rir: 0n, other_rir: 0n, unknown: 0n, holders: new Map(), origins: new Map(), countries: new Map() };
    for (let i = 0; i < points.length - 1; i++) {
      for (const f of events.get(points[i])!.add) f();
      if (!activeRoutes.size) continue;
      const lo = points[i];
      const hi = points[i + 1] - 1n;
      let inner: (typeof routes)[number] | null = null;
      for (const r of activeRoutes) if (!inner || r.length > inner.length) inner = r;
      let winner: Record_ | null = null;
      for (const r of activeRecords) {
        const size = r.end - r.start;
        if (!winner || size < winner.end - winner.start || (size === winner.end - winner.start && r.rir < winner.rir)) winner = r;
      }
      const rir = winner?.rir ?? 'unregistered';
      for (const r of activeRoutes) r.byRir.set(rir, (r.byRir.get(rir) ?? 0n) + (hi - lo + 1n));
      const a = acc[rir];
      const originRir = asnOf(inner!.origin)?.rir ?? null;
      // Geo: step through the database's networks inside [lo, hi].
      for (let cur = lo; cur <= hi; ) {
        const [rec, len] = reader.getWithPrefixLength(addressText(family, cur));
        const netEnd = cur | ((1n << BigInt(bits - len)) - 1n);
        const end = netEnd < hi ? netEnd : hi;
        const n = end - cur + 1n;
        const country = rec as { country_code?: string; country?: { iso_code?: string } } | null;
        const cc = country?.country?.iso_code ?? country?.country_code ?? 'ZZ';
        for (const r of activeRoutes) r.counts.set(cc, (r.counts.get(cc) ?? 0n) + n);
        const amount = n;
        a.routed += amount;
        if (originRir === null) a.unknown += amount;
        else if (originRir === rir) a.same_rir += amount;
        else a.other_rir += amount;
        const region = cc === 'ZZ' ? null : input.regionOf(cc);
        if (region) {
          a.geolocated += amount;
          if (rir !== 'unregistered') {
            if (region === rir) a.in_region += amount;
            else {
              a.out_of_region += amount;
              const holder = winner!.opaqueId ?? `cc:${winner!.cc || '??'}`;
              a.holders.set(holder, (a.holders.get(holder) ?? 0n) + amount);
              a.origins.set(`AS${inner!.origin}`, (a.origins.get(`AS${inner!.origin}`) ?? 0n) + amount);
              a.countries.set(cc, (a.countries.get(cc) ?? 0n) + amount);
            }
          }
        }
        cur = end + 1n;
      }
    }
    // 3. Prefix-level figures: the RIR with the most of the prefix's addresses; > half abroad = out.
    const order = [...RIRS, 'unregistered'];
    for (const r of routes) {
      let rir = 'unregistered';
      let most = -1n;
      const covered = [...r.byRir.values()].reduce((x, y) => x + y, 0n);
      r.byRir.set('unregistered', (r.byRir.get('unregistered') ?? 0n) + (r.end - r.start + 1n - covered));
      for (const x of order) if ((r.byRir.get(x) ?? 0n) > most) [rir, most] = [x, r.byRir.get(x) ?? 0n];
      const f = acc[rir].prefixes;
      f.routed++;
      let inside = 0n;
      let outside = 0n;
      for (const [cc, n] of r.counts) {
        const region = cc === 'ZZ' ? null : input.regionOf(cc);
        if (!region) continue;
        if (region === rir) inside += n;
        else outside += n;
      }
      if (inside + outside === 0n) continue;
      f.geolocated++;
      if (rir === 'unregistered') continue;
      if (outside * 2n > inside + outside) f.out_of_region++;
      else f.in_region++;
    }
    result[family] = acc;
  }
  return result;
}

/** The published unit: IPv4 addresses, IPv6 /48s (one rounding, at the end). */
export const toUnit = (family: 4 | 6, n: bigint): number => (family === 4 ? Number(n) : Number(n) / 2 ** 80);

/** The top ten of a contributor map, largest first, ties by key. */
export function topTen(family: 4 | 6, map: Map<string, bigint>): Array<[string, number]> {
  return [...map]
    .sort(([ka, a], [kb, b]) => (b > a ? 1 : b < a ? -1 : ka < kb ? -1 : 1))
    .slice(0, 10)
    .map(([k, v]) => [k, toUnit(family, v)]);
}
