import { describe, expect, it } from 'vitest';
import { MISMATCH_KINDS, SEVERITIES } from '../../../analyzer/models/finding.js';
import { encodeFinding, hasFinding, isStale, kindsOf, severityOf, STALE } from '../../../analyzer/state/finding-code.js';
import { OriginSetTable, originAsnsOf } from '../../../analyzer/state/origins.js';
import { PairTable } from '../../../analyzer/state/pair-table.js';
import { SourceTable } from '../../../analyzer/state/peer-paths.js';
import { makeClassifier } from './classifier.js';

const elem = { timestamp: 0, elem_type: 'announce' as const, peer_ip: '192.0.2.1', peer_asn: 1, prefix: '10.0.0.0/8', atomic: false };

describe('origins', () => {
  it('takes origin_asns first, then the last AS of the path, or a final AS_SET whole', () => {
    expect(originAsnsOf({ ...elem, origin_asns: [7] })).toEqual([7]);
    expect(originAsnsOf({ ...elem, origin_asns: [9, 3, 9] })).toEqual([3, 9]);
    expect(originAsnsOf({ ...elem, as_path: [{ type: 'AS_SEQUENCE', asns: [1, 2, 3] }] })).toEqual([3]);
    expect(originAsnsOf({ ...elem, as_path: [{ type: 'AS_SEQUENCE', asns: [1] }, { type: 'AS_SET', asns: [8, 4] }] })).toEqual([4, 8]);
    expect(originAsnsOf({ ...elem, as_path: [] })).toBeNull();
    expect(originAsnsOf(elem)).toBeNull();
  });

  it('interns AS sets, single origins are id 0', () => {
    const t = new OriginSetTable();
    expect(t.intern([5])).toBe(0);
    const id = t.intern([1, 2]);
    expect(id).toBeGreaterThan(0);
    expect(t.intern([1, 2])).toBe(id);
    expect(t.intern([1, 3])).not.toBe(id);
    expect(t.asns(1, id)).toEqual([1, 2]);
    expect(t.asns(5, 0)).toEqual([5]);
    expect(OriginSetTable.from(t.sets).asns(1, id)).toEqual([1, 2]);
  });
});

describe('finding code', () => {
  it('round-trips severity and every kind in 16 bits', () => {
    const base = makeClassifier()('10.0.0.0/8', [1], 1);
    for (const severity of SEVERITIES) {
      const code = encodeFinding({ ...base, severity, kinds: [...MISMATCH_KINDS] });
      expect(code).toBeLessThan(1 << 16);
      expect(severityOf(code)).toBe(severity);
      expect(kindsOf(code)).toEqual([...MISMATCH_KINDS]);
      expect(hasFinding(code)).toBe(severity !== 'none');
      expect(isStale(code)).toBe(false);
      expect(isStale(code | STALE)).toBe(true);
      expect(severityOf(code | STALE)).toBe(severity);
    }
    expect(() => encodeFinding({ ...base, severity: 'critical' as never })).toThrow(/unknown severity "critical"/);
  });
});

describe('pair table and sources', () => {
  it('keeps bitsets intact when they widen and reuses freed pairs', () => {
    const t = new PairTable(2);
    const a = t.alloc();
    const b = t.alloc();
    const c = t.alloc(); // grows capacity
    t.setBit(a, 3);
    t.setBit(c, 31);
    t.ensureSources(100);
    expect(t.words).toBeGreaterThanOrEqual(4);
    t.setBit(b, 99);
    expect([t.hasBit(a, 3), t.hasBit(c, 31), t.hasBit(b, 99), t.hasBit(a, 99), t.hasBit(b, 3)]).toEqual([true, true, true, false, false]);
    t.release(b);
    const d = t.alloc();
    expect(d).toBe(b);
    expect(t.hasBit(d, 99)).toBe(false);
    expect(t.live).toBe(3);
  });

  it('interns peers and ADD-PATH sources, and serializes with the same ids', () => {
    const s = new SourceTable();
    const x = s.intern('rrc00', '192.0.2.1', 1);
    const y = s.intern('rrc00', '192.0.2.1', 1, 5);
    const z = s.intern('rrc01', '192.0.2.1', 1);
    expect(new Set([x, y, z]).size).toBe(3);
    expect(s.intern('rrc00', '192.0.2.1', 1)).toBe(x);
    expect(s.peers).toHaveLength(2);
    expect(s.sourcesOf({ collector: 'rrc00', peer_ip: '192.0.2.1', peer_asn: 1 })).toEqual([x, y]);
    const r = SourceTable.fromJSON(JSON.parse(JSON.stringify(s.toJSON())));
    expect(r.intern('rrc01', '192.0.2.1', 1)).toBe(z);
    expect(r.intern('rrc00', '192.0.2.1', 1, 5)).toBe(y);
    expect(r.sourceCount).toBe(3);
  });
});
