import { openInput } from '../../common/input.js';

/** Reads a whole (possibly compressed) file as UTF-8 text; for the small IANA and transfer files. */
export async function readText(path: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await openInput(path)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
