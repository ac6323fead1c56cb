import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import { alertText, type Alert } from '../alert.js';
import type { AlertChannel, ChannelPlugin } from './channel.js';

/** The subject line: severity tag and the alert title, kept to one line. */
export const emailSubject = (alert: Alert): string => `[portolan ${alert.severity}] ${alert.title}`.replace(/[\r\n]+/g, ' ').slice(0, 200);

export const emailPlugin: ChannelPlugin = {
  type: 'email',
  description: 'email over SMTP (nodemailer): implicit TLS or STARTTLS, custom CA, optional auth',
  options: {
    host: { type: 'string', required: true },
    port: { type: 'integer', min: 1, max: 65535 },
    secure: { type: 'boolean' },
    starttls: { type: 'string', enum: ['auto', 'require', 'never'] },
    ca: { type: 'string' },
    'reject-unauthorized': { type: 'boolean' },
    'server-name': { type: 'string' },
    user: { type: 'string' },
    password: { type: 'string' },
    from: { type: 'string', required: true },
    to: { type: 'string-list', required: true },
    timeout: { type: 'duration' },
  },
  create(name, options): AlertChannel {
    const secure = (options.secure as boolean | undefined) ?? false;
    const starttls = (options.starttls as string | undefined) ?? 'auto';
    const timeoutMs = ((options.timeout as number | undefined) ?? 30) * 1000;
    const caPath = options.ca as string | undefined;
    const transport = nodemailer.createTransport({
      host: options.host as string,
      port: (options.port as number | undefined) ?? (secure ? 465 : 587),
      secure,
      requireTLS: starttls === 'require',
      ignoreTLS: starttls === 'never',
      tls: {
        // A CA file that cannot be read is a configuration error: fail at creation, not on the first alert.
        ...(caPath ? { ca: readFileSync(caPath, 'utf8') } : {}),
        rejectUnauthorized: (options['reject-unauthorized'] as boolean | undefined) ?? true,
        ...(options['server-name'] ? { servername: options['server-name'] as string } : {}),
      },
      ...(options.user ? { auth: { user: options.user as string, pass: (options.password as string | undefined) ?? '' } } : {}),
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    });
    return {
      name,
      type: 'email',
      async send(alert) {
        await transport.sendMail({
          from: options.from as string,
          to: options.to as string[],
          subject: emailSubject(alert),
          text: `${alertText(alert)}\n\nalert id: ${alert.id}\n`,
          headers: { 'X-Portolan-Alert-Id': alert.id, 'X-Portolan-Rule': alert.rule, 'X-Portolan-Event': alert.event },
        });
      },
      async close() {
        transport.close();
      },
    };
  },
};
