/**
 * The API token in the browser, for a dashboard served with --api-token: taken from the link's
 * `#token=…` (a fragment never reaches the server or its logs; it is removed from the address
 * bar at once) or typed into the prompt, kept in sessionStorage (this tab only), sent as
 * `Authorization: Bearer` on API calls and traded once for the session cookie that EventSource
 * and downloads carry (they cannot set a header).
 */
const KEY = 'portolan-api-token';

export const storedToken = (): string | null => {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
};

export const authHeaders = (): Record<string, string> => {
  const t = storedToken();
  return t ? { authorization: `Bearer ${t}` } : {};
};

/** Keeps the token and trades it for the session cookie; false when the server refuses it. */
export async function useToken(token: string): Promise<boolean> {
  const res = await fetch('/api/session', { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  await res.body?.cancel();
  if (!res.ok) return false;
  sessionStorage.setItem(KEY, token);
  return true;
}

/** Forgets the token here and ends the session cookie. */
export async function forgetToken(): Promise<void> {
  sessionStorage.removeItem(KEY);
  await fetch('/api/session/end', { method: 'POST' }).catch(() => undefined);
}

/** At start: a `#token=` in the link is taken (and removed from the address bar); a stored token renews the cookie. */
export async function startSession(): Promise<void> {
  const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (m) {
    const rest = location.hash.replace(/(^#|&)token=[^&]+/, '$1').replace(/^#&/, '#');
    history.replaceState(history.state, '', `${location.pathname}${location.search}${rest === '#' ? '' : rest}`);
    await useToken(decodeURIComponent(m[1])).catch(() => false);
    return;
  }
  const t = storedToken();
  if (t) await useToken(t).catch(() => false);
}
