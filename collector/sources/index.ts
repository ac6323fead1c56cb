/** Source plug-ins: pick one from a spec (a RIS Live URL, or files). */
import type { RisLiveClientOptions } from '../rislive/client.js';
import { FileSource, type FileSourceOptions } from './file-source.js';
import { RisLiveSource } from './ris-live-source.js';
import type { RouteSource } from './source.js';

export type SourceSpec =
  | ({ kind: 'ris-live'; record?: string } & RisLiveClientOptions)
  | ({ kind: 'files'; files: string[] } & FileSourceOptions);

const isWebSocketUrl = (s: string): boolean => /^wss?:\/\//i.test(s);

/**
 * Opens a source. A string or list of strings: `ws://…`/`wss://…` is a RIS Live endpoint
 * (e.g. a replay server), anything else a list of MRT or JSONL files.
 */
export function openSource(spec: SourceSpec | string | string[]): RouteSource {
  if (typeof spec === 'string' || Array.isArray(spec)) {
    const list = typeof spec === 'string' ? [spec] : spec;
    if (list.length === 1 && isWebSocketUrl(list[0])) return new RisLiveSource({ url: list[0] });
    if (list.some(isWebSocketUrl)) throw new Error('give either one RIS Live URL or files, not both');
    return new FileSource(list);
  }
  if (spec.kind === 'ris-live') {
    const { kind: _kind, ...options } = spec;
    return new RisLiveSource(options);
  }
  const { kind: _kind, files, ...options } = spec;
  return new FileSource(files, options);
}

export { FileSource, RisLiveSource };
export { JsonlRecorder } from './jsonl-recorder.js';
export type { RouteSource, SourceStats } from './source.js';
export type { FileSourceOptions } from './file-source.js';
export type { RisLiveSourceOptions } from './ris-live-source.js';
