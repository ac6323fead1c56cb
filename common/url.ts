/** Whether an input names an http(s) URL rather than a local path (no module loaded: command declarations use it). */
export function isUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}
