/**
 * A tiny MaxMind DB writer for tests: builds a search tree over the given networks (record size
 * 24, 28 or 32; IPv4 or IPv6 tree, IPv4 networks placed at ::/96 in an IPv6 tree as the spec says)
 * and a data section of maps, so geo tests know every answer exactly.
 */
import { parsePrefix } from '../../common/ip.js';

export type MmdbValue = string | number | bigint | boolean | MmdbValue[] | { [key: string]: MmdbValue };

export interface MmdbNetwork {
  /** CIDR; IPv4 networks go under ::/96 in an IPv6 tree. */
  prefix: string;
  /** The record stored for it, e.g. `{ country_code: 'HK' }` or `{ country: { iso_code: 'HK' } }`. */
  data: { [key: string]: MmdbValue };
}

export interface MmdbWriterOptions {
  ipVersion: 4 | 6;
  recordSize: 24 | 28 | 32;
  databaseType?: string;
  buildEpoch?: number;
  description?: string;
  /** Filler bytes put at the start of the data section, so data pointers exceed 2^24 (tests the 28-bit layout). */
  padDataBytes?: number;
}

type Child = { node: TrieNode } | { data: number } | null;
interface TrieNode {
  children: [Child, Child];
}

export function writeMmdb(networks: MmdbNetwork[], opts: MmdbWriterOptions): Buffer {
  const bits = opts.ipVersion === 4 ? 32 : 128;
  const root: TrieNode = { children: [null, null] };
  const dataChunks: Buffer[] = [];
  const dataOffsets = new Map<string, number>();
  let dataSize = 0;
  for (let left = opts.padDataBytes ?? 0; left > 0; ) {
    const filler = encode('x'.repeat(Math.min(left, 60_000)));
    dataChunks.push(filler);
    dataSize += filler.length;
    left -= filler.length;
  }
  const dataIndex = (value: MmdbValue): number => {
    const key = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    let offset = dataOffsets.get(key);
    if (offset === undefined) {
      const encoded = encode(value);
      offset = dataSize;
      dataSize += encoded.length;
      dataChunks.push(encoded);
      dataOffsets.set(key, offset);
    }
    return offset;
  };

  for (const net of networks) {
    const p = parsePrefix(net.prefix);
    if (!p) throw new Error(`bad test network ${net.prefix}`);
    if (p.family === 6 && bits === 32) throw new Error(`IPv6 network ${net.prefix} in an IPv4 tree`);
    // IPv4 in an IPv6 tree: the address is ::a.b.c.d, so 96 leading zero bits.
    const depthOffset = p.family === 4 && bits === 128 ? 96 : 0;
    const length = p.length + depthOffset;
    const start = p.start;
    const leaf = { data: dataIndex(net.data) };
    let node = root;
    for (let depth = 0; depth < length; depth++) {
      const bit = Number((start >> BigInt(bits - 1 - depth)) & 1n);
      if (depth === length - 1) {
        node.children[bit] = leaf;
        break;
      }
      const child = node.children[bit];
      if (child && 'node' in child) node = child.node;
      else {
        // Split an existing data leaf (a less specific network) so the more specific one fits.
        const next: TrieNode = { children: [child, child] };
        node.children[bit] = { node: next };
        node = next;
      }
    }
  }

  // Number nodes breadth-first; root is node 0.
  const order: TrieNode[] = [root];
  const index = new Map<TrieNode, number>([[root, 0]]);
  for (let i = 0; i < order.length; i++) {
    for (const c of order[i].children) {
      if (c && 'node' in c && !index.has(c.node)) {
        index.set(c.node, order.length);
        order.push(c.node);
      }
    }
  }
  const nodeCount = order.length;
  const recordValue = (c: Child): number => (c === null ? nodeCount : 'node' in c ? index.get(c.node)! : nodeCount + 16 + c.data);
  const nodeBytes = opts.recordSize / 4;
  const tree = Buffer.alloc(nodeCount * nodeBytes);
  order.forEach((n, i) => writeNode(tree, i * nodeBytes, opts.recordSize, recordValue(n.children[0]), recordValue(n.children[1])));

  const metadata = encode({
    node_count: nodeCount,
    record_size: opts.recordSize,
    ip_version: opts.ipVersion,
    database_type: opts.databaseType ?? 'Test-Country',
    languages: ['en'],
    binary_format_major_version: 2,
    binary_format_minor_version: 0,
    build_epoch: BigInt(opts.buildEpoch ?? 1_700_000_000),
    description: { en: opts.description ?? 'portolan test database' },
  });
  return Buffer.concat([tree, Buffer.alloc(16), ...dataChunks, Buffer.from('abcdef4d61784d696e642e636f6d', 'hex'), metadata]);
}

function writeNode(buf: Buffer, o: number, size: 24 | 28 | 32, left: number, right: number): void {
  if (size === 24) {
    buf.writeUIntBE(left, o, 3);
    buf.writeUIntBE(right, o + 3, 3);
  } else if (size === 28) {
    buf.writeUIntBE(left & 0xffffff, o, 3);
    buf[o + 3] = ((left >>> 24) << 4) | (right >>> 24);
    buf.writeUIntBE(right & 0xffffff, o + 4, 3);
  } else {
    buf.writeUInt32BE(left, o);
    buf.writeUInt32BE(right, o + 4);
  }
}

/** Control byte(s) for a type and payload size (spec: "Data Section" / "Data Field Format"). */
function control(type: number, size: number): Buffer {
  const head: number[] = [];
  let sizeBits: number;
  const tail: number[] = [];
  if (size < 29) sizeBits = size;
  else if (size < 29 + 256) {
    sizeBits = 29;
    tail.push(size - 29);
  } else {
    sizeBits = 30;
    const s = size - 285;
    tail.push(s >> 8, s & 0xff);
  }
  if (type <= 7) head.push((type << 5) | sizeBits);
  else head.push(sizeBits, type - 7);
  return Buffer.from([...head, ...tail]);
}

function uintBytes(v: bigint): Buffer {
  const out: number[] = [];
  while (v > 0n) {
    out.unshift(Number(v & 0xffn));
    v >>= 8n;
  }
  return Buffer.from(out);
}

function encode(value: MmdbValue): Buffer {
  if (typeof value === 'string') {
    const b = Buffer.from(value, 'utf8');
    return Buffer.concat([control(2, b.length), b]);
  }
  if (typeof value === 'boolean') return control(14, value ? 1 : 0);
  if (typeof value === 'bigint') {
    const b = uintBytes(value);
    return Buffer.concat([control(9, b.length), b]);
  }
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new Error(`unsupported number ${value}`);
    const b = uintBytes(BigInt(value));
    return Buffer.concat([control(value <= 0xffff ? 5 : 6, b.length), b]);
  }
  if (Array.isArray(value)) return Buffer.concat([control(11, value.length), ...value.map(encode)]);
  const entries = Object.entries(value);
  return Buffer.concat([control(7, entries.length), ...entries.flatMap(([k, v]) => [encode(k), encode(v)])]);
}
