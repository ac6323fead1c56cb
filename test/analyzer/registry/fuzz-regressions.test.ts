/**
 * The registry parsers under the fuzzer's inputs (fuzz/, `npm run fuzz`): a fixed, seeded slice
 * of its delegated-file and transfer-log mutations must give only the parsers' documented
 * refusals (an Error naming the file), never another exception. Crashes the fuzzer finds in
 * these parsers get their input added to REGRESSIONS below.
 */
import { describe, expect, it } from 'vitest';
import { parseDelegatedText } from '../../../analyzer/registry/delegated-parser.js';
import { parseTransfersText } from '../../../analyzer/registry/transfers-parser.js';
import { setLogLevel } from '../../../common/log.js';
import { generate } from '../../../fuzz/generate.js';
import { TARGETS } from '../../../fuzz/targets.js';

/** Inputs that once crashed a registry parser (none found so far: 0 in the runs of docs/fuzzing.md). */
const REGRESSIONS: Array<{ target: 'delegated' | 'transfers'; input: string }> = [
  // Edge cases kept from the fuzzer's vocabulary: huge counts, empty fields, bad UTF-8 replacement characters.
  { target: 'delegated', input: '2|ripencc|20240105|3|19830705|20240104|+0100\nripencc|NL|ipv4|192.0.2.0|99999999999999999999|20100101|allocated\nripencc|NL|ipv6|::|129|20100101|allocated\nripencc||asn|||||\n\uFFFD|\n' },
  { target: 'transfers', input: '{"transfers":[null,1,"x",[],{"ip4nets":{"transfer_set":[null,{"start_address":"1.2.3.4"}]},"asns":{"transfer_set":[{"start_as_number":1e309}]}}]}' },
];

describe('registry parsers under fuzzed input', () => {
  setLogLevel('silent');
  for (const name of ['delegated', 'transfers'] as const) {
    it(`${name}: 300 seeded mutations give only documented refusals`, async () => {
      const target = TARGETS.find((t) => t.name === name)!;
      const seeds = await target.seeds();
      const unexpected: string[] = [];
      for (let i = 0; i < 300; i++) {
        try {
          target.run(generate(target, seeds, 1, i));
        } catch (err) {
          if (!target.expected(err)) unexpected.push(`${i}: ${(err as Error).stack}`);
        }
      }
      expect(unexpected).toEqual([]);
    });
  }

  it('kept regression inputs', () => {
    for (const r of REGRESSIONS) {
      try {
        if (r.target === 'delegated') parseDelegatedText(r.input, '<fuzz>');
        else parseTransfersText(r.input, '<fuzz>');
      } catch (err) {
        expect((err as Error).constructor).toBe(Error);
        expect((err as Error).message.startsWith('<fuzz>')).toBe(true);
      }
    }
  });
});
