import { asns, formatDuration, type Alert } from '../alert.js';
import { postJson, type AlertChannel, type ChannelPlugin } from './channel.js';

// Slack caps a message at 50 blocks and a section's text at 3000 characters.
const MAX_ITEMS = 20;
const MAX_SECTION = 2900;

const EMOJI: Record<string, string> = { high: ':rotating_light:', medium: ':warning:', low: ':large_yellow_circle:', info: ':information_source:', none: ':white_circle:' };

/** Slack's mrkdwn needs &, < and > escaped. */
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function itemLine(item: Alert['items'][number], names: Alert['asNames']): string {
  const prefix = item.link ? `<${item.link}|${esc(item.prefix)}>` : `\`${esc(item.prefix)}\``;
  const origin = esc(asns(item.originAsns, names));
  const extra = [
    item.previousOriginAsns ? `was ${esc(asns(item.previousOriginAsns, names))}` : '',
    item.kinds.length ? item.kinds.join(', ') : '',
    item.durationSeconds !== undefined ? `lasted ${formatDuration(item.durationSeconds)}` : '',
  ].filter(Boolean);
  return `• ${prefix} ${origin}${extra.length ? ` (${extra.join('; ')})` : ''}\n   _${esc(item.why)}_`;
}

/** A Slack incoming-webhook payload: `text` for notifications plus Block Kit blocks. */
export function slackPayload(alert: Alert): Record<string, unknown> {
  const icon = alert.event === 'finding-ended' ? ':white_check_mark:' : (EMOJI[alert.severity] ?? '');
  const text = `${icon} ${alert.title}`;
  let body = alert.items.slice(0, MAX_ITEMS).map((i) => itemLine(i, alert.asNames)).join('\n');
  if (alert.items.length > MAX_ITEMS) body += `\n… and ${alert.items.length - MAX_ITEMS} more prefixes`;
  if (body.length > MAX_SECTION) body = `${body.slice(0, MAX_SECTION)}…`;
  const blocks: Array<Record<string, unknown>> = [
    { type: 'header', text: { type: 'plain_text', text: alert.title.slice(0, 150) } },
  ];
  if (body) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: body } });
  if (alert.suppressed) {
    const s = alert.suppressed;
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: esc(`Rate limit: ${s.count} alert(s) held back since ${s.since}: ${s.samples.join('; ')}`).slice(0, MAX_SECTION) },
    });
  }
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: esc(`rule ${alert.rule} · ${alert.event}${alert.reason ? ` (${alert.reason})` : ''} · severity ${alert.severity} · id ${alert.id}`) }],
  });
  return { text, blocks };
}

export const slackPlugin: ChannelPlugin = {
  type: 'slack',
  description: 'Slack-compatible incoming webhook (text + blocks); also Mattermost and Rocket.Chat',
  options: {
    url: { type: 'url', required: true },
    timeout: { type: 'duration' },
  },
  create(name, options): AlertChannel {
    const url = options.url as string;
    const timeout = (options.timeout as number | undefined) ?? 10;
    return {
      name,
      type: 'slack',
      send: (alert) => postJson(url, JSON.stringify(slackPayload(alert)), {}, timeout),
    };
  },
};
