import { describe, expect, it } from 'vitest';
import { decodeJson, decodeRisMessage, pathToSegments } from '../../../collector/rislive/decode.js';
import { readCapture } from '../../../collector/replay/capture.js';
import { readJsonlCapture } from '../../../collector/replay/jsonl.js';
import type { RisMessageData } from '../../../collector/rislive/protocol.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../../helpers/shared-data.js';
import { REAL_UPDATE } from './fixtures.js';

describe('decodeRisMessage', () => {
  it('decodes raw and agrees with the JSON projection', () => {
    const r = decodeRisMessage(REAL_UPDATE);
    expect(r.source).toBe('raw');
    expect(r.disagreement).toBe(false);
    expect(r.events).toHaveLength(1);
    const e = r.events[0];
    expect(e).toMatchObject({
      collector: 'rrc19',
      elem_type: 'announce',
      prefix: '196.50.70.0/24',
      peer_ip: '196.60.9.165',
      peer_asn: 57695,
      next_hop: '196.60.9.165',
      origin: 'IGP',
      origin_asns: [37650],
      timestamp: 1558620047.08,
    });
    expect(e.as_path).toEqual([{ type: 'AS_SEQUENCE', asns: [57695, 37650] }]);
    expect(e.communities).toEqual([
      { type: 'standard', asn: 57695, value: 12000 },
      { type: 'standard', asn: 57695, value: 12001 },
    ]);
  });

  it('uses the JSON projection without raw, or when asked to', () => {
    const { raw: _raw, ...noRaw } = REAL_UPDATE;
    for (const r of [decodeRisMessage(noRaw), decodeRisMessage(REAL_UPDATE, { useRaw: false })]) {
      expect(r.source).toBe('json');
      expect(r.events.map((e) => e.prefix)).toEqual(['196.50.70.0/24']);
      expect(r.events[0].peer_asn).toBe(57695);
    }
  });

  it('falls back to JSON when raw is not decodable, and says so', () => {
    const r = decodeRisMessage({ ...REAL_UPDATE, raw: 'FFFF00' });
    expect(r.rawFailed).toBe(true);
    expect(r.source).toBe('json');
    expect(r.events).toHaveLength(1);
  });

  it('reports a disagreement between raw and JSON and keeps raw', () => {
    const r = decodeRisMessage({ ...REAL_UPDATE, path: [57695, 99] });
    expect(r.disagreement).toBe(true);
    expect(r.events[0].origin_asns).toEqual([37650]);
  });

  it('AS_SET, link-local second next hop, aggregator, withdrawals, MED', () => {
    const d: RisMessageData = {
      timestamp: 1573830861.72,
      peer: '2001:504:1::a500:2497:1',
      peer_asn: '2497',
      id: 'x',
      host: 'rrc11.ripe.net',
      type: 'UPDATE',
      path: [2497, 6453, 26281, [13340, 13341]],
      origin: 'incomplete',
      med: 10,
      aggregator: '26281:10.1.0.33',
      announcements: [
        { next_hop: '2001:504:1::a500:2497:1', prefixes: ['2607:ffc0:1000::/36'] },
        { next_hop: 'fe80::86c1:c1ff:fe7d:6298', prefixes: ['2607:ffc0:1000::/36'] },
      ],
      withdrawals: ['2001:db8:0:0::/48'],
    };
    const r = decodeRisMessage(d);
    expect(r.events).toHaveLength(2);
    const [a, w] = r.events;
    expect(a).toMatchObject({ collector: 'rrc11', next_hop: '2001:504:1::a500:2497:1', origin: 'INCOMPLETE', med: 10, aggr_asn: 26281, aggr_ip: '10.1.0.33', origin_asns: [13340, 13341] });
    expect(a.as_path).toEqual([
      { type: 'AS_SEQUENCE', asns: [2497, 6453, 26281] },
      { type: 'AS_SET', asns: [13340, 13341] },
    ]);
    expect(w).toMatchObject({ elem_type: 'withdraw', prefix: '2001:db8::/48' });
    expect(w.as_path).toBeUndefined();
  });

  it('skips a bad prefix, keeps the rest, and reports it', () => {
    const problems: string[] = [];
    const elems = decodeJson({ ...REAL_UPDATE, announcements: [{ next_hop: '1.2.3.4', prefixes: ['300.1.2.0/24', '10.1.0.0/16'] }] }, problems);
    expect(elems.map((e) => e.prefix)).toEqual(['10.1.0.0/16']);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/300\.1\.2\.0/);
  });

  it('gives no events for non-UPDATE messages', () => {
    expect(decodeRisMessage({ ...REAL_UPDATE, type: 'KEEPALIVE', raw: 'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF001304' }).events).toEqual([]);
  });

  it('pathToSegments groups sequences around sets', () => {
    expect(pathToSegments([1, 2, [3, 4], 5])).toEqual([
      { type: 'AS_SEQUENCE', asns: [1, 2] },
      { type: 'AS_SET', asns: [3, 4] },
      { type: 'AS_SEQUENCE', asns: [5] },
    ]);
  });
});

describe.skipIf(!hasSharedData)(`real RIS Live captures (${hasSharedData ? 'shared data' : sharedDataSkipReason})`, () => {
  it('1k-msgs: raw decodes for every UPDATE; the one JSON projection that dropped an AS_SET is flagged', async () => {
    let updates = 0;
    let jsonElems = 0;
    let rawElems = 0;
    const disagreeing: string[] = [];
    for await (const d of readJsonlCapture(sharedData('ris-live', 'morrowc-rislive', '1k-msgs.jsonl'))) {
      const r = decodeRisMessage(d);
      if (d.type !== 'UPDATE') continue;
      updates++;
      expect(r.source).toBe('raw');
      rawElems += r.events.length;
      jsonElems += decodeRisMessage(d, { useRaw: false }).events.length;
      if (r.disagreement) disagreeing.push(d.id);
    }
    expect(updates).toBe(994);
    expect(rawElems).toBe(jsonElems);
    // raw ends in AS_SEQUENCE … 27738 + AS_SET {27738}; RIS Live's JSON path leaves the set out.
    expect(disagreeing).toEqual(['198.32.176.24-1558620047.05-26157964']);
  });

  it('decoded once (no JSON check) gives the same events as the checked decoding, on every real UPDATE (1k-msgs and a 2016 RIS updates file)', async () => {
    const files = [sharedData('ris-live', 'morrowc-rislive', '1k-msgs.jsonl'), sharedData('mrt', 'bgpdump-testdata', 'updates.20160811.1600.gz')];
    let compared = 0;
    for (const file of files) {
      for await (const d of readCapture(file)) {
        if (d.type !== 'UPDATE' || d.raw === undefined) continue;
        const checked = decodeRisMessage(d);
        const once = decodeRisMessage(d, { check: false });
        expect(once.source).toBe(checked.source);
        expect(once.events).toEqual(checked.events);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(15_000);
  });

  it('fail-as-set: the nested array becomes an AS_SET origin', async () => {
    const msgs: RisMessageData[] = [];
    for await (const d of readJsonlCapture(sharedData('ris-live', 'morrowc-rislive', 'fail-as-set.jsonl'))) msgs.push(d);
    expect(msgs).toHaveLength(1);
    const r = decodeRisMessage(msgs[0]);
    expect(r.disagreement).toBe(false);
    expect(r.events).toHaveLength(1);
    expect(r.events[0].origin_asns).toEqual([13340]);
    expect(r.events[0].aggr_asn).toBe(26281);
  });
});
