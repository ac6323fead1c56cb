import { createHmac } from 'node:crypto';
import type { Alert } from '../alert.js';
import { postJson, type AlertChannel, type ChannelPlugin } from './channel.js';

export const SIGNATURE_HEADER = 'x-portolan-signature';
export const TIMESTAMP_HEADER = 'x-portolan-timestamp';

/** `sha256=<hex>`: HMAC-SHA256 of the exact body bytes with the shared secret. */
export const signBody = (secret: string, body: string): string => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** The JSON POSTed to a webhook: the alert itself, versioned. */
export const webhookBody = (alert: Alert): string => JSON.stringify({ version: 1, alert });

export const webhookPlugin: ChannelPlugin = {
  type: 'webhook',
  description: 'JSON POST of the alert, signed with HMAC-SHA256 in X-Portolan-Signature',
  options: {
    url: { type: 'url', required: true },
    secret: { type: 'string' },
    timeout: { type: 'duration' },
  },
  create(name, options): AlertChannel {
    const url = options.url as string;
    const secret = options.secret as string | undefined;
    const timeout = (options.timeout as number | undefined) ?? 10;
    return {
      name,
      type: 'webhook',
      async send(alert) {
        const body = webhookBody(alert);
        const headers: Record<string, string> = { [TIMESTAMP_HEADER]: String(Math.floor(Date.now() / 1000)), 'x-portolan-alert-id': alert.id };
        if (secret) headers[SIGNATURE_HEADER] = signBody(secret, body);
        await postJson(url, body, headers, timeout);
      },
    };
  },
};
