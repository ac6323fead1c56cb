/**
 * Inputs the fuzzer (npm run fuzz, docs/fuzzing.md) found to crash the RIS Live decoder. A throw
 * there ends the client's event stream, and with it `portolan run`: each must decode to
 * elements or problems, never throw.
 */
import { describe, expect, it } from 'vitest';
import { decodeRisMessage } from '../../../collector/rislive/decode.js';
import type { RisMessageData } from '../../../collector/rislive/protocol.js';

/** Seed 17, iteration 7040 of ris-live-json: a community that is a number, not [asn, value]. */
const SEED17_I7040 = '{"type":"ris_message","data":{"timestamp":1558620047.06,"peer":"194.68.123.226","peer_asn":"24482","id":"194.68.123.226-1558620047.06-107294711","raw":"FFFFFFFFFFFFFFFFFFFFFFFFFFfalseFF0068020000004D4001010040020E020300005FA2000000AE0000316E400304C2447BE280040400000000C007080000FC380A1DA9C0C0081C00AE526D00AE55FA5FA200015FA22EEA5FA22EEB5FA24EE85FA2FC5D1854CD40","host":"rrc07","type":"UPDATE","path":[24999999999999999999999482,174,12654],"community":[[174,21101],[174,22010],[24482,1],31424],"origin":"igp","announcements":[{"next_hop":"2a02:20c8:1f:1::4","prefixes":["2a0d:8d80::/32"]}]}}';

const base = (over: Record<string, unknown>): RisMessageData =>
  ({ timestamp: 1, peer: '192.0.2.1', peer_asn: '65001', id: 'x', host: 'rrc00', type: 'UPDATE', path: [65001, 64500], ...over }) as unknown as RisMessageData;

describe('RIS Live decoder: fuzz regressions', () => {
  it('seed 17 / 7040: a community that is not a pair is a problem, the rest decodes', () => {
    const data = (JSON.parse(SEED17_I7040) as { data: RisMessageData }).data;
    for (const useRaw of [true, false]) {
      const r = decodeRisMessage(data, { useRaw });
      expect(r.events.map((e) => e.prefix)).toEqual(['2a0d:8d80::/32']);
    }
    const r = decodeRisMessage(data, { useRaw: false });
    expect(r.problems).toContain('community 31424 is not [asn, value]');
    expect(r.events[0].communities).toEqual([
      { type: 'standard', asn: 174, value: 21101 },
      { type: 'standard', asn: 174, value: 22010 },
      { type: 'standard', asn: 24482, value: 1 },
    ]);
  });

  it('announcements, prefixes and withdrawals of the wrong type are problems, not crashes', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ announcements: 5 }, 'announcements is not a list'],
      [{ announcements: [null, 7] }, 'announcement null is not an object'],
      [{ announcements: [{ next_hop: '192.0.2.1', prefixes: 31424 }] }, 'announcement prefixes is not a list'],
      [{ announcements: [{ next_hop: '192.0.2.1', prefixes: [31424, '10.0.0.0/8'] }] }, 'announced prefix "31424" is invalid'],
      [{ withdrawals: { a: 1 } }, 'withdrawals is not a list'],
      [{ withdrawals: [null, '10.0.0.0/8'] }, 'withdrawn prefix "null" is invalid'],
      [{ community: ['ab', null, [1, 2]] }, 'community null is not [asn, value]'],
    ];
    for (const [over, problem] of cases) {
      const r = decodeRisMessage(base(over), { useRaw: false });
      expect(r.problems, JSON.stringify(over)).toContain(problem);
    }
    expect(decodeRisMessage(base({ announcements: [{ next_hop: '192.0.2.1', prefixes: [31424, '10.0.0.0/8'] }] })).events.map((e) => e.prefix)).toEqual(['10.0.0.0/8']);
  });
});
