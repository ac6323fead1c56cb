import type { Alert } from '../alert.js';
import type { FieldSpecs } from '../config-checker.js';

/** One way to deliver alerts. `send` resolves when the receiver accepted the alert and rejects otherwise. */
export interface AlertChannel {
  name: string;
  type: string;
  send(alert: Alert): Promise<void>;
  close?(): Promise<void>;
}

/** A channel type: the options it accepts in alerts.yml and how to build one from them. */
export interface ChannelPlugin {
  type: string;
  description: string;
  options: FieldSpecs;
  create(name: string, options: Record<string, unknown>): AlertChannel;
}

/** POSTs a JSON body; a non-2xx answer or a timeout is an error naming the status. */
export async function postJson(url: string, body: string, headers: Record<string, string>, timeoutSeconds: number): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'portolan-alerts', ...headers },
    body,
    signal: AbortSignal.timeout(timeoutSeconds * 1000),
  });
  const text = await response.text().catch(() => '');
  if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}${text ? `: ${text.slice(0, 200)}` : ''}`);
}
