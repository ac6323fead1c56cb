/** Mutations of bytes and text: bit flips, byte values, truncation, splicing, random lengths. */
import type { Rng } from './prng.js';

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x10, 0x20, 0x40];

export function mutateBytes(input: Uint8Array, rng: Rng, others: readonly Uint8Array[], maxLen = 1 << 16): Uint8Array {
  let b = Buffer.from(input);
  const rounds = 1 + rng.int(rng.chance(0.2) ? 16 : 4);
  for (let r = 0; r < rounds; r++) {
    const n = b.length;
    switch (rng.int(10)) {
      case 0: // bit flip
        if (n) b[rng.int(n)] ^= 1 << rng.int(8);
        break;
      case 1: // interesting byte
        if (n) b[rng.int(n)] = rng.pick(INTERESTING);
        break;
      case 2: // random byte
        if (n) b[rng.int(n)] = rng.int(256);
        break;
      case 3: // truncate
        b = b.subarray(0, rng.int(n + 1));
        break;
      case 4: { // splice with another input
        const o = rng.pick(others);
        const at = rng.int(n + 1);
        const from = rng.int(o.length + 1);
        b = Buffer.concat([b.subarray(0, at), o.subarray(from, from + rng.int(o.length - from + 1))]);
        break;
      }
      case 5: { // insert random bytes (random length)
        const at = rng.int(n + 1);
        const len = rng.chance(0.1) ? rng.int(4096) : 1 + rng.int(16);
        const ins = Buffer.alloc(len);
        for (let i = 0; i < len; i++) ins[i] = rng.chance(0.5) ? rng.pick(INTERESTING) : rng.int(256);
        b = Buffer.concat([b.subarray(0, at), ins, b.subarray(at)]);
        break;
      }
      case 6: { // delete a range
        const at = rng.int(n + 1);
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + rng.int(32))]);
        break;
      }
      case 7: { // duplicate a range
        const at = rng.int(n + 1);
        const len = rng.int(Math.min(256, n - at) + 1);
        b = Buffer.concat([b.subarray(0, at + len), b.subarray(at, at + len), b.subarray(at + len)]);
        break;
      }
      case 8: { // a 16- or 32-bit length field set to an edge value
        if (n >= 4) {
          const at = rng.int(n - 3);
          const v = rng.pick([0, 1, 0xff, 0x100, 0xffff, 0x7fffffff, 0xffffffff, n, n - at, n + 1]);
          if (rng.chance(0.5)) b.writeUInt16BE(v & 0xffff, at);
          else b.writeUInt32BE(v >>> 0, at);
        }
        break;
      }
      default: // add or subtract a small amount
        if (n) {
          const at = rng.int(n);
          b[at] = (b[at] + (rng.chance(0.5) ? 1 : -1) * (1 + rng.int(4))) & 0xff;
        }
    }
    if (b.length > maxLen) b = b.subarray(0, maxLen);
  }
  return b;
}

const TOKENS = [
  'null', 'true', 'false', '[]', '{}', '""', '0', '-1', '1e309', '4294967296', '-0', '1.5', 'NaN', '"x"',
  ',', ':', '[', ']', '{', '}', '"', '\\', '\n', '\t', ' ', '|', '*', '#', '/', '//', '/0', '/33', '/129', '::', '::ffff:', '0.0.0.0', '255.255.255.255',
  '999999999999999999999', 'AS', 'asn', 'ipv4', 'ipv6', 'ZZ', 'allocated', 'assigned', 'available', 'reserved', '20240105', '2024-01-05', '19700101', '99999999',
  '\u0000', '\u00e9', '\ud83d\ude00', '&', '%', '%00', '+', '=', '..', '-', '^', '$', '!', '  - ', ': ', '- name: ', 'rules:', 'channels:', '&a', '*a', '<<: *a', '!!binary', '~',
];

/** Text mutations: byte mutations of its UTF-8, or token insertions/replacements that keep it near its grammar. */
export function mutateText(input: string, rng: Rng, others: readonly string[], maxLen = 1 << 16): string {
  if (rng.chance(0.35)) {
    const bytes = mutateBytes(Buffer.from(input), rng, others.map((o) => Buffer.from(o)), maxLen);
    return Buffer.from(bytes).toString('utf8');
  }
  let s = input;
  const rounds = 1 + rng.int(6);
  for (let r = 0; r < rounds; r++) {
    const n = s.length;
    const at = rng.int(n + 1);
    switch (rng.int(6)) {
      case 0:
        s = s.slice(0, at) + rng.pick(TOKENS) + s.slice(at);
        break;
      case 1: { // replace a "word"
        const end = at + 1 + rng.int(12);
        s = s.slice(0, at) + rng.pick(TOKENS) + s.slice(end);
        break;
      }
      case 2: // truncate
        s = s.slice(0, at);
        break;
      case 3: { // splice from another seed
        const o = rng.pick(others);
        const from = rng.int(o.length + 1);
        s = s.slice(0, at) + o.slice(from, from + rng.int(200));
        break;
      }
      case 4: { // repeat a piece (random lengths)
        const len = rng.int(Math.min(64, n - at) + 1);
        s = s.slice(0, at) + s.slice(at, at + len).repeat(1 + rng.int(rng.chance(0.05) ? 2000 : 4)) + s.slice(at);
        break;
      }
      default: { // digits
        const digits = String(rng.chance(0.5) ? rng.int(10) : rng.int(2 ** 31)) + (rng.chance(0.2) ? '0'.repeat(rng.int(30)) : '');
        s = s.slice(0, at) + digits + s.slice(at + rng.int(3));
      }
    }
    if (s.length > maxLen) s = s.slice(0, maxLen);
  }
  return s;
}
