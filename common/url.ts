/** Whether an input names an http(s) URL rather than a local path (no module loaded: command declarations use it). */
export function isUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

/**
 * fetch(), asked again once when it fails before any answer: a kept-alive connection the server
 * closed meanwhile is reset when reused (undici does not retry). For GETs, which may be repeated.
 */
export function fetchRetried(url: string, init?: RequestInit): Promise<Response> {
  return fetch(url, init).catch(() => fetch(url, init));
}

/** A failed fetch's message with its cause's: undici's "fetch failed" says nothing alone (ECONNREFUSED, a reset, a bad port are in the cause). */
export function fetchErrorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.cause instanceof Error ? `${err.message}: ${err.cause.message}` : err.message;
}
