/**
 * One archive folder page, fetched as a listing needs it: a folder the archive does not have
 * (404) is null, not an error; a server error, a timeout or a dropped connection is tried again
 * with backoff, and only then thrown, naming the URL.
 */
import { log } from '../../common/log.js';
import { retry, type RetryPolicy } from '../../common/retry.js';
import { fetchErrorText, fetchRetried } from '../../common/url.js';

/** A folder page's text and the URL it came from after redirects (its links are relative to that), or null for a folder the archive does not have. */
export type PageFetcher = (url: string) => Promise<{ html: string; url: string } | null>;

export interface PageFetchOptions {
  timeoutMs?: number;
  policy?: RetryPolicy;
}

const DEFAULT_POLICY: RetryPolicy = { attempts: 4, initialDelayMs: 1000, maxDelayMs: 8000 };

/** A client error other than 404 (403, 410…) will not change on a retry. */
class PermanentHttpError extends Error {}

export function pageFetcher(opts: PageFetchOptions = {}): PageFetcher {
  return async (url) => {
    const result = await retry(
      async () => {
        const res = await fetchRetried(url, { signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000) });
        if (res.status === 404) {
          await res.body?.cancel();
          return null;
        }
        if (!res.ok) {
          await res.body?.cancel();
          const message = `HTTP ${res.status} ${res.statusText}`.trim();
          throw res.status >= 400 && res.status < 500 && res.status !== 429 ? new PermanentHttpError(message) : new Error(message);
        }
        return { html: await res.text(), url: res.url || url };
      },
      opts.policy ?? DEFAULT_POLICY,
      {
        isPermanent: (err) => err instanceof PermanentHttpError,
        onFailure: (err, attempt, delayMs) => log.warn({ url, attempt, retryInMs: delayMs, err: fetchErrorText(err) }, 'archive folder page failed'),
      },
    );
    if (result.ok) return result.value;
    throw new Error(`${url}: ${fetchErrorText(result.error)} (after ${result.attempts} attempt${result.attempts === 1 ? '' : 's'})`);
  };
}
