import type { ChannelPlugin } from './channel.js';
import { emailPlugin } from './email.js';
import { jsonlPlugin } from './jsonl.js';
import { slackPlugin } from './slack.js';
import { syslogPlugin } from './syslog.js';
import { webhookPlugin } from './webhook.js';

/** Channel type name (the `type:` of a channel in alerts.yml) → plug-in. */
export const CHANNEL_PLUGINS: ReadonlyMap<string, ChannelPlugin> = new Map(
  [webhookPlugin, slackPlugin, emailPlugin, syslogPlugin, jsonlPlugin].map((p) => [p.type, p]),
);

export type { AlertChannel, ChannelPlugin } from './channel.js';
