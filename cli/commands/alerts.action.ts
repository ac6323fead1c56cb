/** `portolan alerts check|test|replay`: what the declarations in alerts.ts run. */
import { existsSync } from 'node:fs';
import { buildAlert } from '../../analyzer/alerts/alert.js';
import { replayDeadLetters, sendWithRetry } from '../../analyzer/alerts/delivery.js';
import { createChannel, DEFAULT_DASHBOARD_URL, DEFAULT_DEAD_LETTER } from '../../analyzer/alerts/index.js';
import { AlertsConfigError, describeConfig, loadAlertsConfig, type AlertsConfig } from '../../analyzer/alerts/rules.js';
import { action } from '../action.js';
import { UsageError } from '../errors.js';

function load(file: string | undefined): AlertsConfig {
  if (!file) throw new UsageError('no alerts file: give FILE, --alerts FILE or PORTOLAN_ALERTS');
  try {
    return loadAlertsConfig(file);
  } catch (err) {
    if (err instanceof AlertsConfigError) throw new UsageError(`invalid alerts file:\n${err.message}`, 1);
    throw err;
  }
}

export const check = action(async (file: string | undefined, opts: { alerts?: string }) => {
  const config = load(file ?? opts.alerts);
  process.stdout.write(`${describeConfig(config)}\n`);
});

export const test = action(async (opts: { channel?: string; alerts?: string; dashboardUrl?: string }) => {
  const config = load(opts.alerts);
  const selected = opts.channel ? config.channels.filter((c) => c.name === opts.channel) : config.channels;
  if (opts.channel && !selected.length) {
    throw new UsageError(`no channel "${opts.channel}" in ${config.source} (channels: ${config.channels.map((c) => c.name).join(', ') || 'none'})`);
  }
  const base = opts.dashboardUrl ?? config.dashboardUrl ?? DEFAULT_DASHBOARD_URL;
  let failed = 0;
  for (const cc of selected) {
    const alert = buildAlert({
      rule: '(test)',
      event: 'test',
      time: Math.floor(Date.now() / 1000),
      items: [],
      dashboardUrl: base,
      title: `Portolan test alert for channel ${cc.name}`,
      severity: 'info',
    });
    let error: string | undefined;
    try {
      const channel = createChannel(cc);
      // One attempt: the operator wants the error now, not after the retry schedule.
      const result = await sendWithRetry(channel, alert, { ...cc.retry, attempts: 1 });
      await channel.close?.();
      if (!result.ok) error = result.error;
    } catch (err) {
      error = (err as Error).message;
    }
    if (error) failed++;
    process.stdout.write(error ? `FAIL ${cc.name} (${cc.type}): ${error}\n` : `ok   ${cc.name} (${cc.type})\n`);
  }
  if (failed) throw new UsageError(`${failed} of ${selected.length} channel(s) failed`, 1);
});

export const replay = action(async (opts: { deadLetter?: string; alerts?: string }) => {
  const config = load(opts.alerts);
  const path = opts.deadLetter ?? config.deadLetter ?? DEFAULT_DEAD_LETTER;
  if (!existsSync(path)) {
    process.stdout.write(`${path}: no dead-letter file, nothing to resend\n`);
    return;
  }
  const channels = new Map(config.channels.map((cc) => [cc.name, { channel: createChannel(cc), retry: cc.retry }]));
  try {
    const r = await replayDeadLetters(path, channels);
    for (const [name, s] of Object.entries(r.perChannel)) {
      process.stdout.write(`${name}: ${s.delivered} delivered, ${s.failed} failed${s.lastError ? ` (${s.lastError})` : ''}\n`);
    }
    const kept = r.failed + r.unknownChannel + r.invalid;
    process.stdout.write(`${r.delivered} delivered; ${kept} kept in ${path}${r.invalid ? ` (${r.invalid} unreadable line(s))` : ''}\n`);
    if (kept) process.exitCode = 1;
  } finally {
    for (const { channel } of channels.values()) await channel.close?.();
  }
});
