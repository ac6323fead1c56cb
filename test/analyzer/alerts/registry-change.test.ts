/**
 * Alert rules of kind registry-change: the config, the matching, and the whole path of `portolan
 * run`'s daily diff (archive → diff → routing from a store the test fills → alert engine → a
 * signed webhook on a real local HTTP server).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAlerting, parseAlertsConfig, describeConfig, AlertsConfigError, type Alert } from '../../../analyzer/alerts/index.js';
import { signBody } from '../../../analyzer/alerts/channels/webhook.js';
import { ruleMatchesChange, registryChangeAlerts, changeWhy } from '../../../analyzer/alerts/registry-change.js';
import { routeChanges } from '../../../analyzer/change-routing/index.js';
import type { ChangeRouting, RoutedChange, SideRouting } from '../../../analyzer/models/change-routing.js';
import { importFolder } from '../../../analyzer/registry/archive.js';
import { diffNewestArchived } from '../../../analyzer/registry/diff-archive.js';
import { openStore } from '../../../analyzer/store/index.js';
import { announce, makeFinding } from '../../dashboard/fixture.js';
import { change } from '../../dashboard/registry-changes-fixture.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { httpReceiver } from './receivers.js';
import { rule } from './fixtures.js';

const tmp = makeTmpDir('alerts-registry-change');

const side = (over: Partial<SideRouting> = {}): SideRouting => ({ routing: 'routed', prefixes: ['45.10.0.0/23'], prefix_count: 1, origins: [64500], origin_rirs: ['arin'], usage_regions: ['arin'], countries: ['US'], routed_addresses: 256, ...over });
const UNROUTED = side({ routing: 'unrouted', prefixes: [], prefix_count: 0, origins: [], origin_rirs: [], usage_regions: [], countries: [], routed_addresses: 0 });
const routed = (c: Omit<RoutedChange, 'from_date' | 'to_date' | 'routing'>, routing: ChangeRouting | null): RoutedChange => ({ ...c, from_date: '2024-01-04', to_date: '2024-01-05', routing });

const MOVED = routed(
  change({ kind: 'moved', family: 'ipv4', start: '45.10.1.0', end: '45.10.1.255', addresses: 256, from_rir: 'arin', to_rir: 'apnic', from_cc: 'US', to_cc: 'HK', transfer: 'unlogged' }),
  { from: side(), to: side({ origins: [64510], origin_rirs: ['apnic'], countries: ['HK'] }), summary: 'routed before and after; origin AS64500 → AS64510; used in US before, HK after' },
);
const HOLDER = routed(change({ kind: 'holder-changed', family: 'ipv4', start: '100.66.0.0', end: '100.66.0.255', addresses: 256, from_rir: 'afrinic', to_rir: 'afrinic', from_cc: 'ZA', to_cc: 'ZA', from_holder: 'F-1', to_holder: 'F-2', transfer: 'logged', transfer_date: '2024-01-05', transfer_type: 'MERGER_ACQUISITION' }), { from: UNROUTED, to: UNROUTED, summary: 'not routed' });
const ASN = routed(change({ kind: 'removed', family: 'asn', start: '64500', end: '64501', addresses: 2, from_rir: 'arin', from_cc: 'US', to_status: 'available' }), null);

describe('registry-change rules: the config', () => {
  it('reads the kind and its filters, and describes them', () => {
    const r = rule(`kind: registry-change
change-kinds: [moved, holder-changed]
prefixes: [45.10.0.0/22]
holders: [F-1]
routed: true
transfer: unlogged
rirs: [arin]`);
    expect(r).toMatchObject({ kind: 'registry-change', changeKinds: ['moved', 'holder-changed'], holders: ['F-1'], routed: true, transfer: 'unlogged', rirs: ['arin'] });
    expect(rule('min-addresses: 1').kind).toBe('finding');
    const text = describeConfig(parseAlertsConfig(`channels:\n  log: { type: jsonl, path: /dev/null }\nrules:\n  - { name: ours, kind: registry-change, change-kinds: [moved], routed: true, channels: [log] }\n`));
    expect(text).toContain('ours (registry changes): changes moved; routed space');
  });

  it('names the line of each mistake: an unknown kind, keys of the other kind of rule, bad values', () => {
    const bad = (body: string) => {
      try {
        rule(body);
      } catch (err) {
        return (err as AlertsConfigError).message;
      }
      return 'accepted';
    };
    expect(bad('kind: bgp-change')).toMatch(/:6:\d+: rule "r".kind must be one of finding, registry-change/);
    expect(bad('kind: registry-change\nkinds: [legacy]')).toMatch(/"kinds" applies to finding rules, not kind: registry-change/);
    expect(bad('change-kinds: [moved]')).toMatch(/"change-kinds" applies to rules of kind: registry-change/);
    expect(bad('kind: registry-change\nchange-kinds: [teleported]')).toMatch(/not a registry change kind/);
    expect(bad('kind: registry-change\ntransfer: maybe')).toMatch(/transfer must be one of logged, unlogged/);
    expect(bad('kind: registry-change\nrouted: yes-please')).toMatch(/routed must be true or false/);
  });
});

describe('registry-change rules: matching', () => {
  const m = (body: string, c: RoutedChange) => ruleMatchesChange(rule(`kind: registry-change\n${body}`), c);
  it('watched prefixes overlap the range either way; ASNs match routed origins before or after, or an ASN range', () => {
    expect(m('prefixes: [45.10.0.0/16]', MOVED)).toBe(true);
    expect(m('prefixes: [45.10.1.128/25]', MOVED)).toBe(true);
    expect(m('prefixes: [45.10.0.0/24]', MOVED)).toBe(false);
    expect(m('origin-asns: [AS64510]', MOVED)).toBe(true);
    expect(m('origin-asns: [64500]', MOVED)).toBe(true);
    expect(m('origin-asns: [64501]', ASN)).toBe(true);
    expect(m('origin-asns: [64502]', ASN)).toBe(false);
    // Either a watched prefix or a watched ASN is enough.
    expect(m('prefixes: [10.0.0.0/8]\norigin-asns: [64510]', MOVED)).toBe(true);
  });
  it('holders, RIRs and countries on either side (countries also where it is used), kinds, routed, transfer, size', () => {
    expect(m('holders: [F-2]', HOLDER)).toBe(true);
    expect(m('holders: [F-3]', HOLDER)).toBe(false);
    expect(m('rirs: [apnic]', MOVED)).toBe(true);
    expect(m('rirs: [lacnic]', MOVED)).toBe(false);
    expect(m('countries: [hk]', MOVED)).toBe(true);
    expect(m('countries: [ZA]', MOVED)).toBe(false);
    expect(m('change-kinds: [holder-changed]', MOVED)).toBe(false);
    expect(m('routed: true', MOVED)).toBe(true);
    expect(m('routed: true', HOLDER)).toBe(false);
    expect(m('routed: false', ASN)).toBe(true);
    expect(m('transfer: unlogged', MOVED)).toBe(true);
    expect(m('transfer: unlogged', HOLDER)).toBe(false);
    expect(m('min-addresses: 257', MOVED)).toBe(false);
    // A finding rule never takes registry changes.
    expect(ruleMatchesChange(rule('min-addresses: 0'), MOVED)).toBe(false);
  });
  it('one alert per rule and diff, largest change first, each item carrying the change and its routing', () => {
    const rules = parseAlertsConfig(`channels:\n  log: { type: jsonl, path: /dev/null }\nrules:\n  - { name: all, kind: registry-change, channels: [log] }\n  - { name: none, kind: registry-change, rirs: [lacnic], channels: [log] }\n  - { name: findings, channels: [log] }\n`).rules;
    const out = registryChangeAlerts(rules, [ASN, HOLDER, MOVED], { dashboardUrl: 'https://portolan.example/' });
    expect(out.map((o) => [o.alert.rule, o.matched])).toEqual([['all', 3]]);
    const a = out[0].alert;
    expect(a).toMatchObject({ event: 'registry-change', severity: 'medium', title: '3 registry changes (removed, moved, holder-changed) 2024-01-04 → 2024-01-05, largest 100.66.0.0/24' });
    expect(a.items.map((i) => i.prefix)).toEqual(['100.66.0.0/24', '45.10.1.0/24', 'AS64500–AS64501']);
    expect(a.items[1]).toMatchObject({ originAsns: [64510, 64500], previousOriginAsns: [64500], link: 'https://portolan.example/prefix/45.10.1.0/24', change: { kind: 'moved', routing: { summary: MOVED.routing!.summary } } });
    expect(a.items[2].link).toBe('https://portolan.example/asn/64500');
    expect(changeWhy(MOVED)).toBe('45.10.1.0/24 moved arin → apnic between 2024-01-04 and 2024-01-05; no transfer log entry explains it; routed before and after; origin AS64500 → AS64510; used in US before, HK after.');
  });
});

describe("portolan run's daily diff → registry-change rules → webhook", () => {
  const rx = httpReceiver();
  afterAll(async () => (await rx).close());

  it('alerts when space the operator routes moves, with its routing before and after', async () => {
    const receiver = await rx;
    const archive = join(tmp, 'archive');
    const day = (name: string, files: Record<string, string>, date: string) => {
      const dir = join(tmp, name);
      mkdirSync(dir, { recursive: true });
      for (const [n, c] of Object.entries(files)) writeFileSync(join(dir, n), c);
      importFolder(archive, dir, { date });
    };
    const file = (rir: string, date: string, lines: string[]) => [`2.3|${rir}|${date}|${lines.length}|19850101|${date}|+0000`, ...lines].join('\n') + '\n';
    day('d4', { 'delegated-arin-latest': file('arin', '20240104', ['arin|US|ipv4|45.10.0.0|512|20000101|allocated']), 'delegated-apnic-latest': file('apnic', '20240104', ['apnic|JP|ipv4|103.20.0.0|1024|20000101|allocated']) }, '2024-01-04');
    day('d5', { 'delegated-arin-latest': file('arin', '20240105', ['arin|US|ipv4|45.10.0.0|256|20000101|allocated']), 'delegated-apnic-latest': file('apnic', '20240105', ['apnic|JP|ipv4|103.20.0.0|1024|20000101|allocated', 'apnic|HK|ipv4|45.10.1.0|256|20240105|allocated']) }, '2024-01-05');

    const store = await openStore({ db: join(tmp, 'db') });
    const yml = join(tmp, 'alerts.yml');
    writeFileSync(yml, `channels:
  hook: { type: webhook, url: "${receiver.url}", secret: s3cret }
rules:
  - name: our-space-moved
    kind: registry-change
    origin-asns: [AS64500]
    change-kinds: [moved, holder-changed]
    routed: true
    channels: [hook]
  - name: lacnic-only
    kind: registry-change
    rirs: [lacnic]
    channels: [hook]
`);
    const alerting = createAlerting({ file: yml, dashboardUrl: 'https://portolan.example/', deadLetterPath: join(tmp, 'dl.jsonl'), watch: false });
    try {
      await store.migrate();
      const w = store.createWriter({ flushIntervalMs: 50 });
      const f = makeFinding({ prefix: '45.10.1.0/24', origin: 64500, rir: 'arin', region: 'arin', country: 'US', time: Date.parse('2024-01-04T06:00:00Z') / 1000 });
      for (const p of ['192.0.2.1', '192.0.2.2']) await w.writeEvent(announce(f, p), f);
      await w.flush();
      await w.close();

      const r = await diffNewestArchived(archive, store.client, { routeChanges, onChanges: (c) => alerting.handleRegistryChanges(c) });
      expect(r).toMatchObject({ events: 1, routed: 1 });
      await alerting.flush();
      expect(receiver.requests).toHaveLength(1);
      const body = receiver.requests[0].body;
      expect(receiver.requests[0].headers['x-portolan-signature']).toBe(signBody('s3cret', body));
      const alert = (JSON.parse(body) as { alert: Alert }).alert;
      expect(alert.rule).toBe('our-space-moved');
      expect(alert.title).toBe('registry change: 45.10.1.0/24 moved arin → apnic between 2024-01-04 and 2024-01-05; no transfer log entry explains it; routed before, routing after unknown; origin AS64500; origin registered with arin; used in US');
      expect(alert.items[0].change).toMatchObject({ kind: 'moved', from_rir: 'arin', to_rir: 'apnic', to_cc: 'HK', routing: { from: { routing: 'routed', origins: [64500] }, to: { routing: 'unknown' } } });
      expect(alerting.stats()).toMatchObject({ alerts: 1, channels: { hook: { sent: 1 } } });
    } finally {
      await alerting.close();
      await store.close();
    }
  }, 60_000);
});
