/** A file source seen only through its element stream (no readRoutes), as `run` and `ingest` read files. */
import { FileSource, type RouteSource } from '../../collector/sources/index.js';

export function elementsOnly(files: string[]): RouteSource {
  const s = new FileSource(files);
  return { name: s.name, events: (hooks) => s.events(hooks), stats: () => s.stats(), close: () => s.close() };
}
