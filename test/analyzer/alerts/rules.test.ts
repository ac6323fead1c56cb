import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { projectRoot } from '../../../common/paths.js';
import { formatPrefix } from '../../../common/ip.js';
import { AlertsConfigError, asnOf as parseAsn, loadAlertsConfig, parseAlertsConfig } from '../../../analyzer/alerts/rules.js';
import { parseDuration, TimeParseError } from '../../../common/time.js';

function problems(text: string) {
  try {
    parseAlertsConfig(text, 'test.yml');
  } catch (err) {
    expect(err).toBeInstanceOf(AlertsConfigError);
    return (err as AlertsConfigError).problems;
  }
  throw new Error('expected the config to be rejected');
}

const base = 'channels:\n  log:\n    type: jsonl\n    path: /tmp/x.jsonl\nrules:\n';

describe('alerts.yml validation', () => {
  it('accepts the documented example with every option', () => {
    const config = loadAlertsConfig(join(projectRoot(), 'alerts.example.yml'));
    expect(config.channels.map((c) => c.type).sort()).toEqual(['email', 'jsonl', 'slack', 'syslog', 'webhook']);
    expect(config.groupingWindowSeconds).toBe(60);
    expect(config.quietPeriodSeconds).toBe(1800);
    const hook = config.channels.find((c) => c.name === 'noc-webhook')!;
    expect(hook.rateLimit).toEqual({ max: 30, periodSeconds: 60 });
    expect(hook.retry).toEqual({ attempts: 5, initialDelayMs: 1000, maxDelayMs: 60_000 });
    const ours = config.rules.find((r) => r.name === 'our-space')!;
    expect(ours.prefixes.map(formatPrefix)).toEqual(['192.0.2.0/24', '2001:db8::/32']);
    expect(config.rules.find((r) => r.name === 'our-asn-abroad')!.originAsns).toEqual([64500]);
  });

  it('names the line and column of each mistake', () => {
    const text = `${base}  - name: a\n    prefixes: [10.0.0.1/8]\n    rirs: [ripe]\n    channels: [log, nope]\n    colour: red\n`;
    const p = problems(text);
    expect(p).toEqual([
      { line: 7, col: 16, message: expect.stringContaining('not a valid prefix') },
      { line: 8, col: 12, message: expect.stringContaining('not an RIR') },
      { line: 9, col: 21, message: expect.stringContaining('unknown channel "nope"') },
      { line: 10, col: 5, message: expect.stringContaining('unknown key "colour"') },
    ]);
  });

  it('rejects wrong types, unknown channel types, kinds, severities and ASNs', () => {
    const text = [
      'quiet-period: soon',
      'channels:',
      '  a: { type: pager }',
      '  b: { type: webhook, url: ftp://x, timeout: true }',
      '  c: { type: syslog, host: h, protocol: sctp }',
      'rules:',
      '  - name: r',
      '    kinds: [geo]',
      '    min-severity: huge',
      '    origin-asns: [AS4294967296, 65000]',
      '    min-addresses: many',
      '    channels: [b]',
      '  - name: r',
      '    channels: b',
      '',
    ].join('\n');
    const messages = problems(text).map((p) => `${p.line}: ${p.message}`);
    expect(messages).toEqual([
      expect.stringMatching(/^1: quiet-period must be a duration/),
      expect.stringMatching(/^3: .*unknown channel type "pager"/),
      expect.stringMatching(/^4: .*url must be an http\(s\) URL/),
      expect.stringMatching(/^4: .*timeout must be a duration/),
      expect.stringMatching(/^5: .*protocol must be one of udp, tcp/),
      expect.stringMatching(/^8: .*not a mismatch kind/),
      expect.stringMatching(/^9: .*min-severity must be one of none, info, low, medium, high/),
      expect.stringMatching(/^10: .*not an AS number .*AS4294967296/),
      expect.stringMatching(/^11: .*min-addresses must be a number/),
      expect.stringMatching(/^13: duplicate rule name "r"/),
    ]);
  });

  it('reports YAML syntax errors and missing sections with their line', () => {
    expect(problems('channels: [\n')[0]).toMatchObject({ line: expect.any(Number), message: expect.stringContaining('YAML syntax') });
    expect(problems('rules: []\n').map((p) => p.message)).toEqual([expect.stringContaining('"channels" is required')]);
    expect(problems('').map((p) => p.message)).toEqual([expect.stringContaining('empty')]);
    const err = (() => {
      try {
        parseAlertsConfig(`${base}  - name: a\n    channels: [log]\n    events: [finding-begun]\n`, '/etc/alerts.yml');
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err?.message).toMatch(/^\/etc\/alerts\.yml:8:14: .*not an event/);
  });

  it('parses defaults, ASN spellings, lower-case countries and single values', () => {
    const c = parseAlertsConfig(`${base}  - name: a\n    origin-asns: [as64500, 64501, "AS64502"]\n    countries: nl\n    channels: log\n`);
    expect(c.rules[0]).toMatchObject({ originAsns: [64500, 64501, 64502], countries: ['NL'], channels: ['log'], minSeverity: null, minAddresses: 0 });
    expect(c.rules[0].events).toEqual(['finding-started', 'finding-ended', 'origin-changed']);
    expect(c.channels[0]).toMatchObject({ rateLimit: null, retry: { attempts: 5 } });
  });

  it('parses durations and AS numbers', () => {
    expect(parseDuration('90s')).toBe(90);
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration('2d')).toBe(172800);
    expect(parseDuration('250ms')).toBe(0.25);
    expect(parseDuration(45)).toBe(45);
    expect(() => parseDuration('soon')).toThrow(TimeParseError);
    expect(() => parseDuration(-1)).toThrow(TimeParseError);
    expect(parseAsn('AS4294967295')).toBe(4294967295);
    expect(parseAsn(4294967296)).toBeNull();
    expect(parseAsn('AS-SET')).toBeNull();
  });
});
