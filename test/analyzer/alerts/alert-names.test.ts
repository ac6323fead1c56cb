/** AS names in alerts: in the title and text, as fields (`originName`, `asNames`), and in Slack's payload. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AlertEngine } from '../../../analyzer/alerts/engine.js';
import { alertText, type Alert } from '../../../analyzer/alerts/alert.js';
import { createAlerting } from '../../../analyzer/alerts/index.js';
import { slackPayload } from '../../../analyzer/alerts/channels/slack.js';
import { asNameIndex } from '../../../analyzer/asnames/index.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { finding, originChanged, rule, started } from './fixtures.js';

const T = 1_700_000_000;
const NAMES = asNameIndex([
  { asn: 64500, name: 'EXAMPLE-NET Example Networks', cc: 'NL' },
  { asn: 64501, name: 'OTHER-AS', cc: null },
]);
const base = { groupingWindowSeconds: 60, quietPeriodSeconds: 1800, dashboardUrl: null };

describe('alerts carry AS names', () => {
  it('a start: name in the title, the text and the item; the names map lists only known ASes', () => {
    const engine = new AlertEngine([rule('')], { ...base, asNames: NAMES });
    engine.handle([started(T, finding()), started(T, finding({ prefix: '198.51.100.0/24', originAsn: 64502 }))], 0);
    const [named, unknown] = engine.flush();
    expect(named.title).toBe('192.0.2.0/24 from AS64500 EXAMPLE-NET Example Networks (NL): geo-out-of-region');
    expect(named.items[0].originName).toBe('EXAMPLE-NET Example Networks');
    expect(named.asNames).toEqual({ 64500: { name: 'EXAMPLE-NET Example Networks', cc: 'NL' } });
    expect(alertText(named)).toContain('- 192.0.2.0/24 AS64500 EXAMPLE-NET Example Networks (NL) [geo-out-of-region]');
    // An AS the list does not know: the number alone, originName null.
    expect(unknown.title).toBe('198.51.100.0/24 from AS64502: geo-out-of-region');
    expect(unknown.items[0].originName).toBeNull();
    expect(unknown.asNames).toEqual({});
  });

  it('an origin change names both sides, also in Slack', () => {
    const engine = new AlertEngine([rule('events: [origin-changed]')], { ...base, asNames: NAMES });
    engine.handle([originChanged(T, finding({ originAsn: 64501 }), [64500])], 0);
    const [alert] = engine.flush();
    expect(alert.title).toBe('192.0.2.0/24 origin changed AS64500 EXAMPLE-NET Example Networks (NL) → AS64501 OTHER-AS');
    expect(alertText(alert)).toContain('(was AS64500 EXAMPLE-NET Example Networks (NL))');
    const slack = JSON.stringify(slackPayload(alert));
    expect(slack).toContain('AS64501 OTHER-AS (was AS64500 EXAMPLE-NET Example Networks (NL)');
  });

  it('without names nothing changes: numbers only, no name fields', () => {
    const engine = new AlertEngine([rule('')], base);
    engine.handle([started(T, finding())], 0);
    const [alert] = engine.flush();
    expect(alert.title).toBe('192.0.2.0/24 from AS64500: geo-out-of-region');
    expect(alert.asNames).toBeUndefined();
    expect('originName' in alert.items[0]).toBe(false);
  });

  it('createAlerting passes the names through to what a channel writes', async () => {
    const dir = makeTmpDir('alert-names');
    const out = join(dir, 'alerts.jsonl');
    const file = join(dir, 'alerts.yml');
    writeFileSync(file, `channels:\n  archive: { type: jsonl, path: "${out}" }\nrules:\n  - name: all\n    channels: [archive]\n`);
    const alerting = createAlerting({ file, watch: false, asNames: NAMES, deadLetterPath: join(dir, 'dl.jsonl') });
    alerting.handle([started(T, finding())]);
    await alerting.flush();
    await alerting.close();
    const [written] = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Alert);
    expect(written.items[0].originName).toBe('EXAMPLE-NET Example Networks');
    expect(written.title).toContain('AS64500 EXAMPLE-NET');
  });
});
