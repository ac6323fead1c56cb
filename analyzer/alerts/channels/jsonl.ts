import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AlertChannel, ChannelPlugin } from './channel.js';

export const jsonlPlugin: ChannelPlugin = {
  type: 'jsonl',
  description: 'append each alert as one JSON line to a file',
  options: { path: { type: 'string', required: true } },
  create(name, options): AlertChannel {
    const path = options.path as string;
    let ready: Promise<unknown> | undefined;
    return {
      name,
      type: 'jsonl',
      async send(alert) {
        ready ??= mkdir(dirname(path), { recursive: true });
        await ready;
        // One appendFile call per line: O_APPEND keeps concurrent writers' lines whole.
        await appendFile(path, `${JSON.stringify(alert)}\n`);
      },
    };
  },
};
