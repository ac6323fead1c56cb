/** Files replaced whole: a crash (`kill -9`, power loss) leaves the previous content or the new one. */
import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Temp file in the same folder, fsync, rename over the target, fsync the folder (best effort). */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  try {
    const dir = await open(dirname(path), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    // Some file systems cannot fsync a directory; the rename is still atomic.
  }
}
