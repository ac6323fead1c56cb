/** `portolan parse FILE`: what the declaration in parse.ts runs. */
import { existsSync } from 'node:fs';
import { BufferedWriter } from '../../collector/text/buffered-writer.js';
import { printMrt, type TextFormat } from '../../collector/text/print.js';
import { isUrl } from '../../common/url.js';
import { action } from '../action.js';
import { UsageError } from '../errors.js';

export const parse = action(
  async (file: string, opts: { format: TextFormat }) => {
    if (file !== '-' && !isUrl(file) && !existsSync(file)) throw new UsageError(`${file}: no such file`);
    const out = new BufferedWriter(process.stdout);
    await printMrt(file, opts.format, async (chunk) => {
      await out.write(chunk);
      return out.open;
    });
    await out.end();
  },
  { exitWhenDone: true },
);
